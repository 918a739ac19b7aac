"""A chapter's HTML is cached per law version: the cached page is the rendered one, and a changed
law file (a new version) or another permalink base never shows the old text or links."""

from __future__ import annotations

from pathlib import Path

from portal.laws.loader import parse_law
from portal.settings import get_settings
from ui.law_view import blocks_html, law_parts, part_html

LAW = Path(__file__).resolve().parents[2] / "content" / "laws" / "xinfang-gongzuo-tiaoli-2022.md"
SLUG = "xinfang-gongzuo-tiaoli-2022"


def test_cached_chapter_is_the_rendered_chapter_and_follows_a_new_version():
    text = LAW.read_text(encoding="utf-8")
    law = parse_law(text, slug=SLUG)
    chapters = law_parts(law)
    assert [p.title for p in chapters] == [p.title for p in law_parts(law)] and len(chapters) > 1
    first = part_html(law, 0)
    assert first == blocks_html(chapters[0].blocks, law) and "第一条" in first
    assert part_html(law, 0) is first  # the second reader gets the made HTML
    target = chapters[1].provision_ids[0]
    assert "article-target" in part_html(law, 1, target_id=target) and "article-target" not in part_html(law, 1)
    old = law.provision("第一条").text
    changed = parse_law(text.replace(old, old.replace("为了", "为着", 1)), slug=SLUG)
    assert changed.content_hash != law.content_hash
    assert "为着" in part_html(changed, 0) and "为着" not in part_html(law, 0)


def test_chapter_links_follow_the_configured_base_url(monkeypatch):
    law = parse_law(LAW.read_text(encoding="utf-8"), slug=SLUG)
    assert 'href="/laws?law=' in part_html(law, 0)
    monkeypatch.setenv("PORTAL_BASE_URL", "https://xfj.example.gov.cn")
    get_settings.cache_clear()
    try:
        assert 'href="https://xfj.example.gov.cn/laws?law=' in part_html(law, 0)
    finally:
        monkeypatch.delenv("PORTAL_BASE_URL")
        get_settings.cache_clear()


def test_an_article_copied_from_the_page_is_its_text_exactly(library):
    """Selecting an article and copying it gives the label, the separator and the enacted text, line
    for line: nothing added (a space before the link icon was copied with every article, r48b)."""
    import html
    import re

    from portal.laws.loader import ARTICLE_SEPARATOR
    from ui.law_view import article_html

    for pid in ("xinfang-gongzuo-tiaoli-2022:第三十一条", "minfadian-2020:第一千零四十二条",
                "gongshang-baoxian-tiaoli-2010:第十四条"):
        article = library.provision(pid)
        for link in (True, False):
            drawn = article_html(article, link=link).replace("<br>", "\n")
            copied = html.unescape(re.sub(r"<[^>]+>", "", drawn))
            assert copied == article.label + ARTICLE_SEPARATOR + article.body, pid
