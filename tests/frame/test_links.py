"""Citations as staff attach them and as citizens read them: a repealed law is never current."""

from __future__ import annotations

from ui.bank_view import cited_provision
from ui.links import provision_link


def test_an_article_of_a_repealed_law_is_marked_wherever_it_is_linked(library):
    """A typical case citing the 2005 信访条例 showed 《信访条例》第一条 on the public page like current law."""
    assert "《信访条例》第一条（已废止）" in provision_link("xinfang-tiaoli-2005:第一条", library)
    assert "已废止" not in provision_link("xinfang-gongzuo-tiaoli-2022:第一条", library)


def test_attaching_by_the_old_name_asks_which_regulation_is_meant(library):
    """信访条例第十条 attached 《信访工作条例》第十条 without a word; the repealed 2005 第十条 is
    another rule (the reception-day system). Staff now say which."""
    pid, problem = cited_provision("信访条例第十条", library)
    assert pid is None and "2005年的《信访条例》已废止" in problem and "信访工作条例第十条" in problem
    assert cited_provision("2005年信访条例第十条", library) == ("xinfang-tiaoli-2005:第十条", "")
    assert cited_provision("信访工作条例第32条", library) == ("xinfang-gongzuo-tiaoli-2022:第三十二条", "")
    assert cited_provision("山东省信访条例第十条", library) == ("shandong-xinfang-tiaoli-2015:第十条", "")


def test_a_share_link_is_given_a_shared_address_only():
    """absolute_link quietly took the reader's a11y= out of what it was given, a second copy of the
    rule shared_address keeps, and one that hid a caller passing permalink() (a11y kept, and Chinese
    left unencoded in the address to share). It now says so; a shared address passes as written."""
    import pytest

    from ui.links import permalink, shared_address
    from ui.site_frame import absolute_link

    shared = shared_address("laws", {"law": "xinfang-gongzuo-tiaoli-2022", "article": "32"})
    assert "a11y" not in shared
    assert absolute_link(shared).endswith("/laws?law=xinfang-gongzuo-tiaoli-2022&article=32")
    with pytest.raises(AssertionError, match="not a shared address"):
        absolute_link(permalink("xinfang-gongzuo-tiaoli-2022", "第三十二条") + "&a11y=large")
