"""A citizen asks a question on a phone (375 px) in a real browser."""

import itertools
import re
from urllib.parse import quote

from tests.browser.conftest import assert_fits_phone, settle, wait_for_app


def test_question_on_a_phone_shows_articles_without_sideways_scrolling(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/ask?q={quote('申请劳动仲裁要不要交费？')}")
    wait_for_app(phone, "相关法律条文")
    phone.locator(".ask-card").nth(2).wait_for(state="visible", timeout=30_000)  # at least three articles
    assert phone.locator(".ask-card mark").count() >= 1
    assert phone.get_by_text("第五十三条").first.is_visible()
    phone.screenshot(path=str(artifacts / "ask-phone.png"), full_page=True)
    assert_fits_phone(phone)


def test_a_screen_reader_hears_what_the_search_found_while_the_focus_stays_on_the_button(portal_url, phone):
    phone.goto(f"{portal_url}/ask")
    wait_for_app(phone, "法律问答")
    phone.get_by_label("您的问题").fill("找村里的调解委员会调解纠纷要收钱吗？")
    phone.get_by_role("button", name="查找相关条文").click()
    wait_for_app(phone, "相关法律条文")
    phone.wait_for_function("() => /找到 \\d+ 条相关的法律条文，第一条是《.+》第.+条。$/.test("
                            "(document.getElementById('portal-announcer') || {}).textContent || '')", timeout=10_000)
    told = phone.locator("#portal-announcer").text_content()
    phone.get_by_text("没有找到有用的条文？").wait_for(timeout=30_000)   # drawn after the last card
    count = int(re.search(r"找到 (\d+) 条", told)[1])
    assert count == phone.locator(".ask-card").count()
    law, label = re.search(r"第一条是《(.+)》(第.+条)。$", told).groups()
    first = phone.locator(".ask-card").first.inner_text()
    assert law in first and label in first


def test_html_in_the_question_is_not_executed(portal_url, page):
    page.goto(f"{portal_url}/ask?q={quote('<img src=x onerror=window.__pwned=1>信访事项复查')}")
    wait_for_app(page, "相关法律条文")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("img[src=x]").count() == 0


_CUT_BUTTONS = """() => [...document.querySelectorAll('[data-testid="stMain"] button p')]
  .filter(p => p.scrollWidth > p.clientWidth + 1 || p.getBoundingClientRect().right > innerWidth)
  .map(p => p.innerText)"""


def test_each_read_in_the_library_button_names_its_law_whole_at_320_px_in_large_text(portal_url, small_phone,
                                                                                       artifacts):
    """在法规库中阅读 under each article, in 大字号 on a 320-px phone: the whole label is shown (it was
    cut to 在法规库中阅读第二… on every button) and it names the law as well as the article, since the
    list mixes laws; each article's permalink is named after its article too."""
    pg = small_phone
    pg.goto(f"{portal_url}/ask?q={quote('邻居装修噪音扰民找谁')}&a11y=large")
    wait_for_app(pg, "相关法律条文")
    buttons = pg.get_by_role("button", name=re.compile("^在法规库中阅读"))
    buttons.nth(2).wait_for(state="visible", timeout=30_000)
    settle(pg, 800)
    names = buttons.all_inner_texts()
    assert all(re.fullmatch(r"(menu_book\s*)?在法规库中阅读《[^》]+》第.+条", n.strip()) for n in names), names
    assert pg.evaluate(_CUT_BUTTONS) == []
    links = pg.get_by_role("link", name=re.compile("本条网址"))
    assert links.count() == len(names)
    assert all(re.match(r"《[^》]+》第.+条 本条网址", link.get_attribute("aria-label")) for link in links.all())
    buttons.first.scroll_into_view_if_needed()
    pg.screenshot(path=str(artifacts / "ask-read-buttons-320-large.png"))


_FOCUSED = """() => { const e = document.activeElement, r = e.getBoundingClientRect();
  const bar = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect().bottom;
  return {tag: e.tagName, cls: e.className, text: e.innerText.trim(), top: r.top, bottom: r.bottom, bar: bar,
          said: (document.getElementById('portal-announcer') || {}).textContent || ''}; }"""
_ANSWER_TOP = "() => { const m = document.querySelector('.ask-answer-start'); return m && m.getBoundingClientRect().top; }"


def test_on_a_phone_the_answer_comes_up_the_screen_after_the_tap_and_on_a_tall_screen_nothing_moves(portal_url, phone,
                                                                                                    page):
    """Below the question box the answer began a screen down: the tap seemed to do nothing. On a
    phone the answer's start is brought up; where it is already well in sight, the page stays put."""
    phone.goto(f"{portal_url}/ask")
    wait_for_app(phone, "法律问答")
    phone.get_by_label("您的问题").fill("工资要不回来，我不想活了")
    phone.get_by_role("button", name="查找相关条文").click()
    wait_for_app(phone, "相关法律条文")
    height = phone.viewport_size["height"]
    phone.wait_for_function(f"() => {{ const t = ({_ANSWER_TOP})(); return t !== null && t >= 0 && t < {height} * 0.3; }}",
                            timeout=10_000)
    assert phone.locator(".ask-crisis").bounding_box()["y"] < height / 2     # the numbers to call in sight
    settle(phone, 700)                                                      # after the scroll's second try
    now = phone.evaluate(_FOCUSED)                # the button pressed: above the answer, not under the top bar
    assert now["text"].endswith("查找相关条文") and now["top"] >= now["bar"], now
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(f"{portal_url}/ask")
    wait_for_app(page, "法律问答")
    page.get_by_label("您的问题").fill("找村里的调解委员会调解纠纷要收钱吗？")
    page.get_by_role("button", name="查找相关条文").click()
    wait_for_app(page, "相关法律条文")
    settle(page)                                                             # no scroll after the run
    assert page.get_by_label("您的问题").bounding_box()["y"] > 0              # the question box still in view


def test_an_article_opened_from_the_answers_and_back_keeps_the_readers_place(portal_url, phone, artifacts):
    """在法规库中阅读… moved the view to the article but left the focus on the page: Tab started again
    from the top. The article's heading now has the focus, in view, and a screen reader hears which
    article opened and that 返回问答结果 is below it. 返回问答结果 landed at the top of the answers,
    focus on the page: it comes back to that article's card, its button focused, and says so."""
    phone.goto(f"{portal_url}/ask?q={quote('申请劳动仲裁要不要交费？')}")
    wait_for_app(phone, "相关法律条文")
    read = phone.get_by_role("button", name=re.compile("^在法规库中阅读")).nth(2)
    read.wait_for(state="visible", timeout=30_000)
    law, label = re.search(r"在法规库中阅读《(.+)》(第.+条)", read.inner_text()).groups()
    read.click()
    wait_for_app(phone, "返回问答结果")
    phone.wait_for_function("() => document.activeElement.classList.contains('law-article-title')", timeout=10_000)
    # brought into view by the page's scroll, which a loaded machine draws a moment after the focus
    phone.wait_for_function(f"() => {{ const f = ({_FOCUSED})(); return f.top >= f.bar && f.bottom <= innerHeight; }}",
                            timeout=10_000)
    phone.wait_for_function("() => ((document.getElementById('portal-announcer') || {}).textContent || '')"
                            ".startsWith('已打开')", timeout=10_000)
    now = phone.evaluate(_FOCUSED)
    assert now["tag"] == "H3" and now["text"] == label, now
    assert now["bar"] <= now["top"] and now["bottom"] <= phone.viewport_size["height"], now     # in view
    assert now["said"] == f"已打开《{law}》{label}，下面有“返回问答结果”。", now
    phone.screenshot(path=str(artifacts / "ask-article-opened-focused.png"))
    phone.get_by_role("link", name="返回问答结果").click()
    wait_for_app(phone, "相关法律条文")
    phone.wait_for_function("() => ((document.getElementById('portal-announcer') || {}).textContent || '')"
                            ".startsWith('已回到问答结果')", timeout=10_000)
    settle(phone, 700)                                        # after the scroll's second try
    now = phone.evaluate(_FOCUSED)
    assert now["tag"] == "BUTTON" and now["text"].endswith(f"在法规库中阅读《{law}》{label}"), now
    assert now["bar"] <= now["top"] and now["bottom"] <= phone.viewport_size["height"], now     # in view
    assert now["said"] == f"已回到问答结果，第 3 条：《{law}》{label}。", now
    card = phone.locator(".st-key-ask-hit-2 .ask-card").bounding_box()
    assert card["y"] >= now["bar"] and law in phone.locator(".st-key-ask-hit-2 .ask-card").inner_text()
    phone.screenshot(path=str(artifacts / "ask-back-at-card.png"))


_LOWEST_SCROLL = """async () => { const main = document.querySelector('[data-testid="stMain"]'); let low = main.scrollTop;
  for (let t = 0; t < 30; t++) { await new Promise(r => setTimeout(r, 50)); low = Math.min(low, main.scrollTop); }
  return low; }"""


def test_searching_as_typed_and_back_stays_in_place_and_keeps_the_keyboard(portal_url, phone):
    """After a new question, the first button pressed (按原文查找) threw the page back to its top; the
    button gave way to 改回 and the focus fell to the page, and nothing said the question was now
    searched as typed. Now the page stays, the new button has the focus and the mode is said."""
    phone.goto(f"{portal_url}/ask")
    wait_for_app(phone, "法律问答")
    phone.get_by_label("您的问题").fill("申请劳东仲裁要不要交费？")
    phone.get_by_role("button", name="查找相关条文").click()
    wait_for_app(phone, "相关法律条文")
    typed = phone.get_by_role("button", name="不是错别字，按原文“劳东”查找")
    for _ in range(2):
        typed.wait_for(state="visible", timeout=30_000)
        settle(phone, 800)                                    # after the answer's scroll up the screen
        typed.click()
        assert phone.evaluate(_LOWEST_SCROLL) > 100           # not back at the top (1.5 s watched)
        phone.wait_for_function("() => (document.activeElement.innerText || '').includes('改回按错别字改正后的说法查找')",
                                timeout=10_000)
        phone.wait_for_function("() => ((document.getElementById('portal-announcer') || {}).textContent || '')"
                                ".startsWith('已按原文“劳东”查找。')", timeout=10_000)
        phone.keyboard.press("Enter")                         # 改回, from the keyboard
        phone.wait_for_function("() => (document.activeElement.innerText || '').includes('按原文“劳东”查找')",
                                timeout=10_000)
        phone.wait_for_function("() => ((document.getElementById('portal-announcer') || {}).textContent || '')"
                                ".startsWith('已改回。')", timeout=10_000)
        assert phone.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop") > 100


_OUTLINE = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)')]
  .filter(h => h.getClientRects().length).map(h => [Number(h.tagName[1]), h.innerText.trim(), h.className])"""


def test_the_answers_headings_step_down_one_level_at_a_time(portal_url, phone, artifacts):
    """A screen reader's list of headings: 您的安全最要紧 and 下一步怎么办 were h2 but 相关法律条文 and
    相关典型案例 h3, and the articles no headings at all (bold text). The sections are now all h2,
    each article's title an h3 under them, and no level is skipped."""
    phone.goto(f"{portal_url}/ask?q={quote('工资要不回来，我不想活了')}")
    wait_for_app(phone, "相关典型案例")
    phone.locator(".ask-card").nth(2).wait_for(state="visible", timeout=30_000)
    outline = phone.evaluate(_OUTLINE)
    levels = {text: level for level, text, _ in outline}
    assert levels["法律问答"] == 1, outline
    for section in ("您的安全最要紧", "相关法律条文", "下一步怎么办", "相关典型案例"):
        assert levels[section] == 2, (section, outline)
    titles = [text for level, text, cls in outline if "ask-title" in cls]
    assert len(titles) == phone.locator(".ask-card").count() and all(levels[t] == 3 for t in titles), outline
    assert all(re.fullmatch(r"《.+》第.+条", t) for t in titles), titles     # the article, not its tag or badge
    assert all(b[0] - a[0] <= 1 for a, b in itertools.pairwise(outline)), outline
    # each article under a section of articles, not under 下一步怎么办 or 相关典型案例 drawn between them
    section = None
    for level, text, cls in outline:
        if level == 2:
            section = text
        elif "ask-title" in cls:
            assert section in ("相关法律条文", "更多相关条文"), (text, section, outline)
    phone.locator(".ask-card").first.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "ask-headings-phone.png"))


def test_one_back_leaves_an_article_or_a_case_opened_from_the_answers_in_large_text(portal_url, phone):
    """In 大字号 and 高对比度, 在法规库中阅读… took history.length from 2 to 5: the article's address on
    /ask, the library's page, then the page writing a11y back. The first Back stayed on the article
    (r47a finding 5). A related case, and 返回问答结果, wrote two entries each. Now each is one."""
    phone.add_init_script("window.__entries = 0; const push = history.pushState.bind(history);"
                          "history.pushState = (...a) => { window.__entries += 1; return push(...a); };")
    question = "工资要不回来怎么办"
    phone.goto(f"{portal_url}/ask?q={quote(question)}&a11y=large,contrast")
    wait_for_app(phone, "下一步怎么办")
    assert phone.evaluate("history.length") == 2

    def one_entry(tap, ready: str) -> None:
        before = phone.evaluate("window.__entries")
        tap()
        wait_for_app(phone, ready)
        settle(phone)                  # what a page writes into its address after it has drawn
        assert phone.evaluate("window.__entries") == before + 1, phone.url
        assert phone.evaluate("new URLSearchParams(location.search).get('a11y')") == "large,contrast"

    def back_to_the_answers() -> None:
        phone.go_back()
        phone.wait_for_function("() => location.pathname.endsWith('/ask')", timeout=20_000)
        wait_for_app(phone, "下一步怎么办")
        assert phone.get_by_label("您的问题").first.input_value() == question

    one_entry(lambda: phone.get_by_role("button", name=re.compile("^在法规库中阅读")).first.click(), "返回问答结果")
    assert phone.evaluate("history.length") == 3
    back_to_the_answers()
    one_entry(lambda: phone.get_by_role("link", name=re.compile("^阅读案例：")).filter(visible=True).first.click(),
              "法律依据")
    back_to_the_answers()
    phone.get_by_role("button", name=re.compile("^在法规库中阅读")).first.click()
    wait_for_app(phone, "返回问答结果")
    one_entry(lambda: phone.get_by_role("link", name="返回问答结果").click(), "下一步怎么办")
    phone.go_back()
    phone.wait_for_function("() => location.pathname.endsWith('/laws')", timeout=20_000)
    wait_for_app(phone, "返回问答结果")
