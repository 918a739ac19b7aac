"""Single sign-on identities map to roles only through the configured mapping."""

import pytest

from portal.roles import ADMIN, EDITOR, HANDLER
from portal.staff.oidc import parse_role_map, roles_for

MAPPING = parse_role_map("Chief@XFJ.gov.cn=管理员; group:case-editors=编辑；; group:reception=办理,编辑")


def test_parse_normalises_keys_and_merges():
    assert MAPPING["chief@xfj.gov.cn"] == {ADMIN}
    assert MAPPING["group:reception"] == {HANDLER, EDITOR}


def test_roles_are_the_union_of_email_and_groups():
    assert roles_for(email="chief@xfj.gov.cn", groups=["case-editors"], mapping=MAPPING) == {ADMIN, EDITOR}
    assert roles_for(email="CHIEF@xfj.gov.cn", mapping=MAPPING) == {ADMIN}
    assert roles_for(email="clerk@xfj.gov.cn", groups=["Reception"], mapping=MAPPING) == {HANDLER, EDITOR}


def test_unmapped_identity_gets_no_role():
    assert roles_for(email="visitor@example.com", groups=["everyone"], mapping=MAPPING) == frozenset()
    assert roles_for(email=None, mapping={}) == frozenset()


@pytest.mark.parametrize("bad", ["chief@x=超级管理员", "no-equals-sign", "=编辑"])
def test_a_typo_in_the_mapping_is_an_error(bad):
    with pytest.raises(ValueError):
        parse_role_map(bad)
