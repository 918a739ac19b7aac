"""A citizen prints what they read (Chromium's print: emulated print media, then a PDF on A4): the
content, not the menus; an article once; a whole law; black on white and the header whole in
大字号 + 高对比度; and each page's own title."""

import io
import unicodedata

from tests.browser.conftest import after_rerun, wait_for_app

ARTICLE = "/laws?law=xinfang-gongzuo-tiaoli-2022&article=第三十二条"


def printed(page) -> str:
    """The text of the page printed on A4, without white space (the PDF's text breaks lines and
    spaces out numbers), its radicals read as the characters they stand for (flat)."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    try:
        pdf = page.pdf(format="A4")
    finally:
        page.emulate_media(media="screen")
    return flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


# the PDF's text gives some simplified characters as CJK radicals NFKC leaves alone (⻅ for 见)
RADICALS = str.maketrans("⻅⻔⺠⻚⻓⻢⻛⻜⻋⻉⻄⻘⻝⻥⻦⻰⻩戶", "见门民页长马风飞车贝西青食鱼鸟龙黄户")


def flat(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).translate(RADICALS).split())


def test_a_printed_article_is_the_article_once_without_menus_buttons_or_boxes(portal_url, page, library, artifacts):
    """r48b #1 and #7: the sidebar, the switches, 复制链接, 查找条文, the 目录 and the chapter
    buttons were printed, the article twice (5 sheets); in 大字号 + 高对比度 Streamlit's white top
    bar covered the first line of the header."""
    article = library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条")
    page.goto(f"{portal_url}{ARTICLE}&a11y=large,contrast")
    wait_for_app(page, article.body[:20])
    assert page.title() == "《信访工作条例》第三十二条 - 法治信访门户"
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "print-article-a11y.png"), full_page=True)
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    shown = page.evaluate("""() => [...document.querySelectorAll('button, input, [role=combobox], textarea')]
        .filter(e => e.getClientRects().length).map(e => e.outerHTML.slice(0, 80))""")
    assert shown == []
    # the header's first line is on top, not under anything
    on_top = page.evaluate("""() => { const r = document.querySelector('.site-name').getBoundingClientRect();
        const e = document.elementFromPoint(r.left + 8, r.top + 3); return !!(e && e.closest('.site-name')); }""")
    assert on_top
    colours = page.evaluate("""() => ['.article-target', '.site-name', '.stApp a', '.law-article-title']
        .map(s => getComputedStyle(document.querySelector(s)).color)""")
    assert set(colours) == {"rgb(0, 0, 0)"}, colours
    text = printed(page)
    assert text.count(flat(article.body.split("\n")[0])) == 1, "the article is printed once"
    assert "示范市信访局" in text and "12345" in text and "市民中心一楼东侧来访接待大厅" in text   # header, footer
    for away in ("公众服务", "工作人员登录", "大字号", "高对比度", "复制链接", "查找条文", "目录", "下一章", "返回法规库目录"):
        assert away not in text, away
    assert "article=32" in text   # the article's address, to find it again


def test_a_whole_law_prints_to_its_last_article_and_back_returns_to_the_chapter(portal_url, page, library):
    """r48b #2: a law's page printed its first chapter only, and nothing on paper said so."""
    law = library.law("xinfang-gongzuo-tiaoli-2022")
    last = flat(law.provisions[-1].body)
    page.goto(f"{portal_url}/laws?law={law.slug}")
    wait_for_app(page, law.provisions[0].body[:20])
    assert page.title() == "《信访工作条例》 - 法治信访门户"
    chapter = printed(page)
    assert "本页只印了“第一章总则”(目录中的第1部分,共6部分)" in chapter and last not in chapter
    after_rerun(page, lambda: page.get_by_role("button", name="显示全文（便于打印）").click(), law.provisions[-1].body[:20])
    assert "full=1" in page.url and page.title() == "《信访工作条例》全文 - 法治信访门户"
    text = printed(page)
    assert last in text and "下一章" not in text and "本页只印了" not in text
    page.go_back()
    wait_for_app(page, "正在阅读：第一章")
    assert "full" not in page.url and page.get_by_text(law.provisions[-1].body[:20]).count() == 0


def test_the_printable_receipt_fits_one_a4_sheet_with_the_longest_summary(page):
    """The page to keep says it prints on one sheet: with a 100-character 诉求 summary, every
    period and the contacts, at the browser's usual margins (it took two; r48b #4)."""
    import datetime as dt
    import io
    from pathlib import Path

    from pypdf import PdfReader

    from portal.prefiling.receipt import make_receipt
    from portal.settings import load_settings
    from portal.site import load_office

    office = load_office(load_settings({}), Path(__file__).resolve().parents[2] / "content" / "schedule.yaml")
    receipt = make_receipt(code="ABCDEFGHJK", secret="23456789", submitted=dt.date(2026, 12, 2),
                           category="申诉求决", district="历下区", office=office, request="很长的诉求" * 40)
    page.set_content(receipt.html())
    for margin in ("0", "10mm", "15mm"):
        pdf = page.pdf(format="A4", margin=dict.fromkeys(("top", "bottom", "left", "right"), margin))
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1, margin
    assert len(PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages) == 1
