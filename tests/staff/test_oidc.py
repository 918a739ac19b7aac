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


def test_sso_sign_in_opens_an_audited_session_with_the_mapped_roles(db_engine):
    from sqlmodel import Session, select

    from portal.audit.models import AuditEntry
    from portal.audit.service import LOGIN
    from portal.staff.auth import resume, start_sso_session

    roles = roles_for(email="clerk@xfj.gov.cn", groups=["reception"], mapping=MAPPING)
    with Session(db_engine) as s:
        token = start_sso_session(session=s, email="clerk@xfj.gov.cn", roles=roles)
        assert start_sso_session(session=s, email="visitor@example.com", roles=frozenset()) is None
        assert start_sso_session(session=s, email="", roles=roles) is None
        s.commit()
    with Session(db_engine) as s:
        actor = resume(session=s, token=token, timeout_minutes=30, oidc_roles=roles)
        entries = s.exec(select(AuditEntry)).all()
    assert actor.username == "clerk@xfj.gov.cn" and actor.has(HANDLER) and actor.has(EDITOR)
    assert [(e.actor_name, e.action) for e in entries] == [("clerk@xfj.gov.cn", LOGIN)]
    assert "统一身份认证" in entries[0].detail and "办理" in entries[0].detail


def test_an_sso_session_holds_exactly_the_roles_the_mapping_gives_now(db_engine):
    """Roles come only from PORTAL_OIDC_ROLES, read on every page run: an editor has 编辑 and
    nothing more, and a mapping changed to 管理员 gives exactly that on the next page."""
    from sqlmodel import Session

    from portal.staff.auth import resume, start_sso_session

    with Session(db_engine) as s:
        token = start_sso_session(session=s, email="editor@xfj.gov.cn", roles=frozenset({EDITOR}))
        s.commit()
    with Session(db_engine) as s:
        assert resume(session=s, token=token, timeout_minutes=30, oidc_roles=frozenset({EDITOR})).roles \
            == frozenset({EDITOR})
        assert resume(session=s, token=token, timeout_minutes=30, oidc_roles=frozenset({ADMIN})).roles \
            == frozenset({ADMIN})


def test_single_sign_on_can_start_with_the_installed_packages():
    """st.login (使用单位统一身份认证登录) raises StreamlitMissingAuthlibError without Authlib ≥ 1.3.2:
    the button a bureau with an identity provider shows would fail at the first press."""
    from streamlit.auth_util import is_authlib_installed

    assert is_authlib_installed()
