"""A citizen reads the 法规库 and 典型案例 in a real browser: permalinks, the shelf, the list."""

import re

from tests.browser.conftest import after_rerun, assert_fits_phone, settle, wait_for_app


def test_permalink_shows_article_text(portal_url, page, phone, library, artifacts):
    article = library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条")
    first_line = article.body.split("\n")[0]
    url = f"{portal_url}/laws?law=xinfang-gongzuo-tiaoli-2022&article=第三十二条"
    page.goto(url)
    wait_for_app(page, first_line[:20])
    assert page.get_by_text("现行有效").first.is_visible()
    # the frame (app.py) ran: navigation shows page titles, not file names
    assert page.get_by_role("link", name="法律问答").count() >= 1
    badge = page.locator(".law-badge-current")
    assert badge.count() == 1
    assert badge.evaluate("e => getComputedStyle(e).borderStyle") == "solid"  # the frame's CSS applied
    page.screenshot(path=str(artifacts / "law-article-32-desktop.png"), full_page=False)
    phone.goto(url)
    wait_for_app(phone, first_line[:20])
    phone.screenshot(path=str(artifacts / "law-article-32-phone.png"), full_page=False)
    assert_fits_phone(phone)
    # each article's link is a drawn chain icon with a spoken name, not an emoji (an empty box where
    # the machine has no emoji font)
    link = phone.locator(".article a.article-link").first
    assert link.inner_text().strip() == "" and link.get_attribute("aria-label").endswith("条的链接")
    icon = link.evaluate("e => { const s = getComputedStyle(e, '::before');"
                         " return [s.maskImage || s.webkitMaskImage, parseFloat(s.width), s.backgroundColor]; }")
    assert icon[0].startswith('url("data:image/svg+xml') and icon[1] >= 16, icon


def test_repealed_law_banner_in_browser(portal_url, page, artifacts):
    page.goto(f"{portal_url}/laws?law=xinfang-tiaoli-2005")
    wait_for_app(page, "本法规已废止")
    page.screenshot(path=str(artifacts / "law-repealed.png"))
    # the warning is announced (role=alert), says it in words, and leads to the current text
    banner = page.locator(".repealed-banner")
    assert banner.get_attribute("role") == "alert"
    assert "仅作历史文本" in banner.inner_text() and "《信访工作条例》" in banner.inner_text()
    assert page.locator(".law-badge-repealed").first.inner_text().startswith("已废止")
    current = page.get_by_role("button", name="查看现行《信访工作条例》")
    after_rerun(page, current.click, "信访工作条例")
    assert "law=xinfang-gongzuo-tiaoli-2022" in page.url and "本法规已废止" not in page.locator("body").inner_text()


def test_first_visitor_after_start_gets_the_portal_navigation(run_dir, browser, tmp_path):
    """Streamlit's pages-folder mode must never show the first visitor a list of page files."""
    from tests.browser.conftest import running_portal

    with running_portal(tmp_path / "fresh.log") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.goto(f"{url}/laws?law=xinfang-gongzuo-tiaoli-2022&article=第三十二条")
        wait_for_app(pg, "第三十二条")
        nav = pg.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "法律问答" in nav and "staff" not in nav and "app" not in nav.split()
        context.close()


def test_law_shelves_on_phone_and_desktop(portal_url, page, phone, artifacts):
    page.goto(f"{portal_url}/laws")
    wait_for_app(page, "司法解释（4 部）")
    page.screenshot(path=str(artifacts / "law-index-desktop.png"), full_page=False)
    phone.goto(f"{portal_url}/laws")
    wait_for_app(phone, "司法解释（4 部）")
    phone.screenshot(path=str(artifacts / "law-index-phone.png"), full_page=False)
    assert_fits_phone(phone)
    phone.get_by_label("查找法规").fill("民诉法")
    phone.get_by_label("查找法规").press("Enter")
    wait_for_app(phone, "找到 1 部")
    assert phone.get_by_role("button", name="阅读《中华人民共和国民事诉讼法》").is_visible()
    phone.screenshot(path=str(artifacts / "law-index-filter-phone.png"), full_page=False)


# what is cut off at its box's edge: a hint wider than its input, or text that does not wrap
_CUT_OFF = """() => {
  const ctx = document.createElement('canvas').getContext('2d'), out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  main.querySelectorAll('input[placeholder]').forEach(el => {
    const cs = getComputedStyle(el);
    ctx.font = cs.font;
    const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(el.placeholder).width > room) out.push(el.placeholder);
  });
  main.querySelectorAll('[data-testid="stCaptionContainer"] p, .toc-current').forEach(el => {
    if (el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth) out.push(el.innerText);
  });
  return out;
}"""


def test_find_hint_and_toc_wrap_at_320_px_with_large_text(portal_url, small_phone, artifacts):
    """At 320 px with 大字号 the 查找条文 hint and the chapter being read are readable whole:
    the hint sits under the box (a placeholder was cut off inside it), and the 目录's chapter name,
    cut off in its one-line box, is written out in full beneath it."""
    pg = small_phone
    pg.goto(f"{portal_url}/laws?law=minfadian-2020&a11y=large")
    wait_for_app(pg, "正在阅读：第一编 总则 · 第一章 基本规定（12 条）")
    pg.get_by_label("查找条文").scroll_into_view_if_needed()
    pg.screenshot(path=str(artifacts / "law-find-toc-320-large.png"))
    assert pg.evaluate(_CUT_OFF) == []
    assert pg.get_by_text("输入条号（如 32、第三十二条）或关键词。").is_visible()
    assert pg.locator(".toc-current").is_visible()
    # the one-line box says that it cut the name off, with …
    assert pg.get_by_label("目录（按章阅读）").evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
    assert pg.evaluate("document.documentElement.scrollWidth") <= 320


def test_an_article_opened_from_find_comes_into_view_on_a_phone(portal_url, phone, artifacts):
    """查找条文 on a phone: the opened article is on screen (it opened just below the first
    screen, so the citizen saw nothing change)."""
    phone.goto(f"{portal_url}/laws?law=xinfang-gongzuo-tiaoli-2022")
    wait_for_app(phone, "查找条文")
    box = phone.get_by_label("查找条文")
    box.fill("三十二")
    box.press("Enter")
    hit = phone.get_by_role("button", name="第三十二条").first
    hit.wait_for(state="visible", timeout=30_000)
    wait_for_app(phone, "查找条文")
    after_rerun(phone, hit.click, "本条网址")
    phone.wait_for_function("""() => { const e = document.querySelector('.st-key-law-article');
        const r = e && e.getBoundingClientRect(); return r && r.top >= 0 && r.top < innerHeight / 3; }""",
                            timeout=10_000)
    phone.screenshot(path=str(artifacts / "law-find-opened-phone.png"))
    assert phone.locator(".st-key-law-article .law-target, .st-key-law-article h3").first.is_visible()


def test_a_law_read_from_the_shelf_stays_open_and_the_index_stays_the_index(portal_url, phone):
    """阅读《…》 on the shelf and 返回法规库目录 write the address: the next rerun (a search on the
    law, a search of the shelf) stays where the reader is. A link to this same page showed the law
    but left /laws in the address, so 查找条文 fell back to the 目录, and back on the 目录 a search
    jumped into the law again."""
    phone.goto(f"{portal_url}/laws")
    wait_for_app(phone, "司法解释（4 部）")
    after_rerun(phone, lambda: phone.get_by_role("button", name="阅读《中华人民共和国民法典》").first.click(),
                "查找条文")
    assert "law=minfadian-2020" in phone.url
    assert phone.evaluate("() => window.scrollY") < 50        # the law starts at its top
    box = phone.get_by_label("查找条文")
    box.fill("1077")
    after_rerun(phone, lambda: box.press("Enter"), "第一千零七十七条")
    assert phone.locator("h1").first.inner_text() == "中华人民共和国民法典"
    after_rerun(phone, lambda: phone.get_by_role("button", name="返回法规库目录").last.click(), "查找法规")
    assert "law=" not in phone.url
    shelf = phone.get_by_label("查找法规")
    shelf.fill("民诉法")
    after_rerun(phone, lambda: shelf.press("Enter"), "找到 1 部")
    assert phone.locator("h1").first.inner_text() == "法规库" and "law=" not in phone.url


def test_a_case_read_from_the_list_stays_open_when_the_text_is_made_larger(portal_url, phone):
    """The same for 典型案例: a case opened from the list is in the address, so 大字号 (a rerun)
    keeps it on screen, and the a11y setting stays in the address beside it."""
    phone.goto(f"{portal_url}/cases")
    wait_for_app(phone, "共 ")
    read = phone.get_by_role("button", name="阅读案例：邻里漏水纠纷经人民调解达成协议")
    after_rerun(phone, read.click, "法律依据")
    assert "case=" in phone.url
    after_rerun(phone, lambda: phone.get_by_text("大字号").click(), "法律依据")
    phone.wait_for_function("() => location.search.includes('a11y=large')", timeout=10_000)
    assert phone.locator("h1").first.inner_text() == "邻里漏水纠纷经人民调解达成协议" and "case=" in phone.url
    after_rerun(phone, lambda: phone.get_by_role("button", name="返回案例列表").last.click(), "按类别查看")
    assert "case=" not in phone.url and "a11y=large" in phone.url


def test_back_from_a_case_returns_to_the_list_where_the_reader_left_it(portal_url, phone, artifacts):
    """Back from a case showed the list from the top and without its filter: the reader looked for
    their place again. The case's article links say that they open a new tab."""
    phone.goto(f"{portal_url}/cases")
    wait_for_app(phone, "共 ")
    reads = phone.get_by_role("button", name=re.compile("^阅读案例："))
    last = reads.last
    title = last.inner_text().split("阅读案例：", 1)[1].strip()
    after_rerun(phone, last.click, "法律依据")
    link = phone.locator('[data-testid="stMain"] a[href*="/laws?law="]').first
    assert link.get_attribute("title") == "在新标签页打开" and link.get_attribute("target") == "_blank"
    phone.go_back()
    wait_for_app(phone, "按类别查看")
    phone.wait_for_function("t => (document.activeElement.innerText || '').includes(t)", arg=title, timeout=10_000)
    phone.wait_for_function("""t => { const b = document.activeElement.getBoundingClientRect();
        const main = document.querySelector('[data-testid="stMain"]');   /* the last of 23 cards: far down */
        return (document.activeElement.innerText || '').includes(t) && b.top >= 0 && b.bottom <= innerHeight
            && main.scrollTop > 1000; }""", arg=title, timeout=10_000)   # the card in view, its button focused
    phone.screenshot(path=str(artifacts / "cases-back-at-card.png"))
    category = phone.get_by_role("combobox", name="按类别查看")
    settle(phone, 1000)            # the list's second try at the scroll (600 ms) has run
    category.scroll_into_view_if_needed()
    category.click()
    after_rerun(phone, lambda: phone.get_by_role("option", name="复查复核").click(), "共 ")
    assert "category=" in phone.url
    read = phone.get_by_role("button", name="阅读案例：对处理意见不服，在30日内依法申请复查")
    after_rerun(phone, read.click, "法律依据")
    phone.go_back()
    wait_for_app(phone, "按类别查看")
    phone.wait_for_function("() => location.search.includes('category=') && !location.search.includes('case=')")
    phone.get_by_role("button", name="阅读案例：对处理意见不服，在30日内依法申请复查").wait_for()
    assert not phone.get_by_role("button", name="阅读案例：邻里漏水纠纷经人民调解达成协议").count()
    phone.screenshot(path=str(artifacts / "cases-back-filtered.png"))


def test_the_shelf_fits_320_px_in_large_text_and_high_contrast(portal_url, small_phone, artifacts):
    """The law cards' facts (最近修改：2018年3月11日, 文本来源：公开法律文本库（LawRefBook）) were each kept on
    one line and ran past the card: the page scrolled sideways by 22 px. Each source link is named
    after its law."""
    pg = small_phone
    pg.goto(f"{portal_url}/laws?a11y=large,contrast")
    wait_for_app(pg, "司法解释（4 部）")
    settle(pg, 1000)
    main = pg.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
        return [m.scrollWidth, m.clientWidth]; }""")
    assert main[0] <= main[1] + 1, main
    past = pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] p span')]
        .filter(s => s.getBoundingClientRect().right > innerWidth + 1).map(s => s.innerText)""")
    assert past == [], past
    names = pg.get_by_role("link", name=re.compile("文本来源")).evaluate_all(
        "links => links.map(a => a.getAttribute('aria-label'))")
    assert len(names) >= 40 and len(set(names)) == len(names), names[:5]
    pg.screenshot(path=str(artifacts / "laws-shelf-320-large-contrast.png"))


def test_next_chapter_by_keyboard_takes_the_focus_to_the_table_of_contents(portal_url, page):
    """下一章 by keyboard: the view goes up to the 目录 and the focus with it, onto the line that names
    the chapter now shown (it stayed on 下一章, off the screen, so the next Tab went back down). Not
    onto the 目录 box: a focused text field opens a phone's on-screen keyboard over the chapter."""
    page.goto(f"{portal_url}/laws?law=xinfang-gongzuo-tiaoli-2022")
    wait_for_app(page, "目录（按章阅读）")
    button = page.get_by_role("button", name=re.compile("^下一章"))
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("""() => { const e = document.activeElement;
        return e && e.classList.contains('toc-current') && e.textContent.startsWith('正在阅读：第二章'); }""",
                           timeout=15_000)
