"""Provision ids are taken apart and put together in one place."""

import pytest

from portal.laws.ids import ProvisionId, format_provision_id, label_of, law_slug_of


def test_parse_and_format_round_trip(library):
    for provision_id in list(library.provisions)[:50]:
        pid = ProvisionId.parse(provision_id)
        assert str(pid) == provision_id
        assert format_provision_id(pid.law_slug, pid.label) == provision_id
        assert library.provision(provision_id).label == pid.label == label_of(provision_id)
        assert law_slug_of(provision_id) == pid.law_slug


def test_label_with_colon_like_text_keeps_everything_after_the_first_separator():
    pid = ProvisionId.parse("some-law:第一条:extra")
    assert (pid.law_slug, pid.label) == ("some-law", "第一条:extra")


@pytest.mark.parametrize("text", ["", "no-separator", ":第一条", "some-law:"])
def test_not_a_provision_id(text):
    with pytest.raises(ValueError):
        ProvisionId.parse(text)


def test_law_slug_of_text_that_is_not_an_id_is_empty():
    assert law_slug_of("no-separator") == ""
    assert law_slug_of("xinfang-gongzuo-tiaoli-2022:第三十二条") == "xinfang-gongzuo-tiaoli-2022"
