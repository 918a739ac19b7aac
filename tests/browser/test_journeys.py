"""Issue 13's journeys, walked by a citizen on a 375-px phone. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

from tests.browser.conftest import assert_fits_phone, settle, wait_for_app, wait_idle

IN_VIEW = """(sel) => { const el = document.querySelector(sel); if (!el) return null;
  const r = el.getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight]; }"""


def test_a_long_account_stays_readable_while_it_is_typed(portal_url, phone):
    """The question box grows with the text: a citizen sees all of a long account, not its first
    words on one line."""
    phone.goto(f"{portal_url}/ask")
    wait_for_app(phone, "您的问题")
    box = phone.get_by_label("您的问题").first
    box.fill("我在一家工厂上班三年了，老板一直没有给我们交社保，上个月突然说工厂效益不好让我们自己走人，"
             "也不给任何补偿，工资还欠了两个月没发，我该怎么办？")
    # the box grows as it is typed into (a moment after the text): waited for, not a fixed time
    phone.wait_for_function("el => el.scrollHeight <= el.clientHeight + 2", arg=box.element_handle(), timeout=10_000)
    settle(phone, 500)
    scroll, client = box.evaluate("el => [el.scrollHeight, el.clientHeight]")
    assert scroll <= client + 2, (scroll, client)            # nothing hidden behind a scroll bar
    assert client > 100                                      # several lines, not one


def test_ask_next_step_article_and_back_restores_the_results(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/ask")
    wait_for_app(phone, "您的问题")
    phone.get_by_label("您的问题").first.fill("老板拖欠工资一年多了，还能申请劳动仲裁吗？")
    phone.get_by_role("button", name="查找相关条文").click()
    wait_for_app(phone, "下一步怎么办")
    box = phone.locator(".next-steps")
    assert "劳动仲裁" in box.inner_text() and "12333" in box.inner_text() and "一年" in box.inner_text()
    assert "q=" in phone.url                                     # the address names the question
    phone.screenshot(path=str(artifacts / "journey-ask-phone.png"))
    assert_fits_phone(phone, "法律问答")
    first = phone.get_by_role("button", name=re.compile("^在法规库中阅读")).first
    first.click()
    wait_for_app(phone, "返回法规库目录")
    assert "law=" in phone.url and "article=" in phone.url
    link = phone.locator("p.permalink").inner_text()                # shown in full, readable, ASCII
    assert link.startswith("http://127.0.0.1:") and re.search(r"&article=\d+(-\d+)?$", link) and link.isascii()
    assert phone.get_by_role("button", name="复制链接").is_visible()
    phone.screenshot(path=str(artifacts / "journey-ask-article-phone.png"))
    phone.go_back()
    wait_for_app(phone, "下一步怎么办")
    assert phone.get_by_label("您的问题").first.input_value() == "老板拖欠工资一年多了，还能申请劳动仲裁吗？"
    assert phone.get_by_role("button", name=re.compile("^在法规库中阅读")).count() >= 3
    assert "q=" in phone.url and "law=" not in phone.url       # the address names what is on screen
    phone.screenshot(path=str(artifacts / "journey-ask-back-phone.png"))


def _continue(phone, expect: str) -> None:
    phone.get_by_role("button", name="继续").click()
    wait_for_app(phone, expect)


def _error_then_focus(phone, artifacts, name: str) -> None:
    """A failed step: the summary is in view and focused; its first link focuses its field."""
    wait_for_app(phone, "处需要修改")
    phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'",
                            timeout=10_000)
    top, bottom, height = phone.evaluate(IN_VIEW, "#error-summary")
    assert 0 <= top < height
    phone.screenshot(path=str(artifacts / f"journey-prefile-{name}-error-phone.png"))
    phone.locator("#error-summary a").first.click()
    phone.wait_for_function("() => ['INPUT', 'TEXTAREA'].includes(document.activeElement.tagName)"
                            " || document.activeElement.getAttribute('role') === 'combobox'", timeout=10_000)


def test_prefile_with_one_error_per_step_then_confirmation_and_lookup(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/prefile")
    wait_for_app(phone, "须知与授权")
    phone.get_by_role("button", name="继续").click()               # consent not given
    _error_then_focus(phone, artifacts, "consent")
    phone.get_by_text("我已阅读以上须知，同意按上述方式处理我的个人信息", exact=True).click()
    _continue(phone, "第 2 步，共 5 步")
    from tests.prefiling.factories import valid_id

    phone.get_by_label("姓名").fill("张秀兰")
    phone.get_by_label("身份证号码").fill(valid_id())
    phone.get_by_label("联系电话（手机或固定电话）").fill("12")      # one error: a bad phone number
    phone.get_by_label("住址").fill("历下区文化东路1号")
    phone.get_by_role("button", name="继续").click()
    _error_then_focus(phone, artifacts, "petitioner")
    phone.get_by_label("联系电话（手机或固定电话）").fill("13812345678")
    _continue(phone, "第 3 步，共 5 步")
    phone.get_by_label("问题属地（区、县、市）").fill("历下区")
    phone.get_by_text("申诉求决", exact=True).click()
    phone.get_by_role("textbox", name="事实与理由").fill("公司拖欠工资半年，多次讨要未果。")
    phone.get_by_role("button", name="继续").click()               # one error: 诉求 left empty
    _error_then_focus(phone, artifacts, "matter")
    phone.get_by_role("textbox", name="诉求").fill("请求督促公司支付拖欠的工资。")
    # no English hint under a text area, no Ctrl key named (there is none on a phone)
    hint = phone.locator('[data-testid="stTextArea"]', has=phone.get_by_role("textbox", name="诉求"))
    settle(phone, 800)
    assert "Ctrl" not in hint.inner_text() and "Enter" not in hint.inner_text()
    _continue(phone, "第 4 步，共 5 步")
    phone.get_by_role("button", name="继续").click()               # one error: nothing chosen
    _error_then_focus(phone, artifacts, "history")
    phone.get_by_text("否", exact=True).click()
    _continue(phone, "核对您填写的内容")
    # the check page is a summary list; on a 375-px phone the label and 修改 share a row's first
    # line and the answer has the whole width beneath them
    row = phone.locator(".st-key-pf-answer-0")
    row.get_by_role("button", name="修改 姓名").wait_for(state="visible", timeout=20_000)
    assert "姓名" in row.inner_text() and "张秀兰" in row.inner_text()
    box = row.bounding_box()
    assert box["height"] < 100, box                                # two short lines, no more
    change = row.get_by_role("button", name="修改 姓名").bounding_box()
    answer = row.locator(".answer-value").bounding_box()
    assert change["y"] + change["height"] <= answer["y"] + 1 and answer["width"] > 300, (change, answer)
    row.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "journey-prefile-check-phone.png"))
    phone.get_by_role("button", name="确认提交").click()
    wait_for_app(phone, "查询密码只显示这一次")
    settle(phone)                                              # the scroll after the run
    top, bottom, height = phone.evaluate(IN_VIEW, "#confirm-panel")
    assert 0 <= top and bottom <= height, (top, bottom, height)  # visible without scrolling
    codes = phone.locator("#confirm-panel .panel-code").all_inner_texts()
    assert len(codes) == 2 and len(codes[1]) == 8
    # the 查询码 is copied by hand: one line, never broken, even on a 320-px phone in 大字号
    phone.set_viewport_size({"width": 320, "height": 700})
    phone.evaluate("document.documentElement.style.fontSize = '125%'")
    phone.wait_for_timeout(300)
    for code in phone.locator("#confirm-panel .panel-code").all():
        lines = code.evaluate("el => { const r = document.createRange(); r.selectNodeContents(el);"
                              " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }")
        fits = code.evaluate("el => el.scrollWidth <= el.parentElement.clientWidth")
        assert lines == 1 and fits, (code.inner_text(), lines, fits)
    phone.evaluate("document.documentElement.style.fontSize = ''")
    phone.set_viewport_size({"width": 375, "height": 812})
    assert phone.get_by_role("button", name="复制查询码和查询密码").is_visible()
    phone.screenshot(path=str(artifacts / "journey-prefile-confirmation-phone.png"))
    assert_fits_phone(phone, "确认页")
    # pulled to refresh on the receipt: the same tab shows the code and secret again (kept in the
    # tab's sessionStorage, not sent to the server), until the citizen clears them
    phone.reload()
    wait_for_app(phone, "您刚才已提交预登记")
    assert phone.locator("#pf-kept-receipt .panel-code").all_inner_texts() == codes
    assert phone.locator(".kept-draft").count() == 0          # filed: no draft is offered any more
    phone.screenshot(path=str(artifacts / "journey-prefile-receipt-reloaded-phone.png"))
    phone.get_by_role("button", name="我已记下，不再显示").click()
    phone.locator("#pf-kept-receipt .panel-code").first.wait_for(state="detached", timeout=20_000)

    _look_up(phone, portal_url, codes, "已提交")
    phone.screenshot(path=str(artifacts / "journey-lookup-phone.png"))
    _staff_asks_for_material(codes[0])
    _upload_requested_material(phone, portal_url, artifacts, codes)


def _look_up(phone, portal_url, codes, expect: str) -> None:
    """进度查询 with the 查询码 and 查询密码 the confirmation showed."""
    phone.goto(f"{portal_url}/lookup")
    wait_for_app(phone, "进度查询")
    phone.get_by_label("查询码（10位，可以带横线）").fill(codes[0])
    phone.get_by_label("查询密码（8位）").fill(codes[1])
    phone.get_by_role("button", name="查询").click()
    wait_for_app(phone, expect)


def _staff_asks_for_material(code: str) -> None:
    """The handler chooses 需补充材料 (the staff side has its own browser tests)."""
    from sqlmodel import Session, select

    from portal.identity import Actor
    from portal.prefiling import codes as code_mod
    from portal.prefiling import staff
    from portal.prefiling.models import Prefiling
    from portal.roles import HANDLER
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine()) as s:
        p = s.exec(select(Prefiling).where(Prefiling.code == code_mod.normalise(code))).one()
        staff.request_more(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=p.id,
                           reply="请补充工资条或银行流水的照片。")


def _upload_requested_material(phone, portal_url, artifacts, codes) -> None:
    """进度查询 again: the request, a refused file (the note survives), then the material accepted."""
    from tests.prefiling import files

    _look_up(phone, portal_url, codes, "在线补充材料")
    assert "请补充工资条或银行流水的照片" in phone.locator("body").inner_text()
    upload = phone.locator('[class*="st-key-lk_supp_files"] input[type=file]')
    note = phone.get_by_role("textbox", name=re.compile("^补充说明"))
    note.fill("这是10月的工资条。")
    upload.set_input_files([{"name": "工资条.pdf", "mimeType": "application/pdf",
                             "buffer": files.pdf(root_extra=b"/OpenAction << /S /JavaScript /JS (x) >>")}])
    phone.locator('[data-testid="stFileChip"]', has_text="工资条.pdf").wait_for(state="visible", timeout=20_000)
    phone.get_by_role("button", name="提交补充材料").click()
    wait_for_app(phone, "不能上传")
    assert note.input_value() == "这是10月的工资条。"               # nothing typed is lost
    assert "当前状态：需补充材料" in phone.locator("body").inner_text()
    phone.screenshot(path=str(artifacts / "journey-supplement-refused-phone.png"))
    remove = phone.locator('[data-testid="stFileChipDeleteBtn"] button').first
    assert remove.get_attribute("aria-label") == "删除 工资条.pdf"    # a screen reader hears Chinese
    remove.click()                                                   # take the bad file out
    phone.locator('[data-testid="stFileChip"]').first.wait_for(state="detached", timeout=20_000)
    upload.set_input_files([{"name": "工资条.png", "mimeType": "image/png", "buffer": files.png()}])
    chip = phone.locator('[data-testid="stFileChip"]', has_text="工资条.png")
    chip.wait_for(state="visible", timeout=20_000)
    # the chosen file's size in Chinese-friendly form (not Streamlit's "376.0B"), as legible as the rest
    size = chip.locator('[data-testid="stFileChipName"] + div')
    assert re.fullmatch(r"\d+ 字节|\d+(\.\d+)? (KB|MB)", size.inner_text()), size.inner_text()
    assert size.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 15
    assert re.fullmatch(r"工资条\.png，(\d+ 字节|\d+(\.\d+)? (KB|MB))", chip.get_attribute("aria-label"))
    seen = phone.evaluate(PHONE_READING)
    shown_code = codes[0].replace("-", "")
    framework_english = [t for t in seen["english"] if t.replace("-", "") != shown_code]   # the 查询码 is no English
    assert not (seen["small"] or framework_english or seen["ariaEnglish"]), seen
    phone.get_by_role("button", name="提交补充材料").click()
    wait_for_app(phone, "补充材料已提交")
    body = phone.locator("body").inner_text()
    assert "当前状态：已提交" in body and "已提交的材料" in body and "在线补充材料" not in body
    assert re.search(r"附件1：PNG，\d+ KB，\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 补充", body), body
    phone.get_by_text("已提交的材料", exact=True).scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "journey-supplement-sent-phone.png"))
    assert_fits_phone(phone, "补充材料")


def test_large_text_and_high_contrast_persist_across_a_reload(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/prefile")
    wait_for_app(phone, "须知与授权")
    phone.get_by_text("大字号").click()
    wait_idle(phone)
    phone.get_by_text("高对比度").click()
    phone.wait_for_function("() => location.search.includes('a11y=large%2Ccontrast')"
                            " || location.search.includes('a11y=large,contrast')", timeout=10_000)
    phone.reload()
    wait_for_app(phone, "须知与授权")
    settle(phone, 800)
    assert phone.get_by_role("switch", name="大字号").is_checked()
    assert phone.get_by_role("switch", name="高对比度").is_checked()
    label = phone.evaluate("parseFloat(getComputedStyle(document.querySelector("
                           "'[data-testid=\"stWidgetLabel\"] p')).fontSize)")
    assert label >= 20, label
    grey = phone.evaluate("getComputedStyle(document.querySelector('.site-sub')).color")
    assert grey == "rgb(0, 0, 0)", grey
    phone.screenshot(path=str(artifacts / "journey-large-contrast-reload-phone.png"))
    assert_fits_phone(phone, "大字号")


def test_guide_table_stacks_into_labelled_cards_on_a_phone(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/guide")
    wait_for_app(phone, "期限示意图")
    table = phone.locator('[class*="st-key-stack-table"] table')
    table.scroll_into_view_if_needed()
    cell = table.locator("tbody td").first
    phone.wait_for_function("() => !!document.querySelector('[class*=st-key-stack-table] tbody td[data-label]')",
                            timeout=10_000)
    assert cell.get_attribute("data-label") == "阶段"
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    assert cell.evaluate("el => getComputedStyle(el, '::before').content").startswith('"阶段')
    phone.screenshot(path=str(artifacts / "journey-guide-table-phone.png"))
    assert_fits_phone(phone, "信访指南")


TIMELINE_TEXT = """() => {
  const svg = document.querySelector('.timeline-figure svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('text')];
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const heights = texts.map(t => t.getBoundingClientRect().height);
  const svgBox = svg.getBoundingClientRect();
  const outside = texts.filter(t => { const r = t.getBoundingClientRect();
    return r.left < svgBox.left - 1 || r.right > svgBox.right + 1; }).map(t => t.textContent);
  return {scale, min: Math.min(...sizes), minHeight: Math.min(...heights), count: texts.length, outside};
}"""


def _timeline_measured(pg, address: str):
    """The 期限示意图 at `address`, brought into view, and its words measured (TIMELINE_TEXT)."""
    pg.goto(address)
    wait_for_app(pg, "期限示意图")
    figure = pg.locator(".timeline-figure")
    figure.scroll_into_view_if_needed()
    return figure, pg.evaluate(TIMELINE_TEXT)


def test_timeline_text_is_legible_on_a_phone(portal_url, phone, artifacts):
    figure, measured = _timeline_measured(phone, f"{portal_url}/guide")
    print("timeline at 375 px:", measured)
    assert measured["count"] > 10
    assert measured["min"] >= 14, measured              # every word at least ~14 CSS px
    assert measured["minHeight"] >= 14, measured        # … as drawn, not only as declared
    assert measured["outside"] == [], measured          # nothing cut off at the sides
    figure.screenshot(path=str(artifacts / "journey-guide-timeline-phone.png"))
    assert_fits_phone(phone, "期限示意图")


PUBLIC_PAGES = {
    "home": ("", "我们能为您做什么"), "ask": ("ask", "您的问题"), "laws": ("laws", "司法解释"),
    "cases": ("cases", "共 "), "prefile": ("prefile", "须知与授权"),
    "lookup": ("lookup", "请输入提交预登记时得到的查询码和查询密码"), "guide": ("guide", "期限示意图"),
    "schedule": ("schedule", "近期接访安排"),
}
# What an older citizen reads on a phone: sizes of what is drawn in the page's main column (the
# sidebar is off-canvas on a phone), English left over from the framework, labels a screen reader says.
PHONE_READING = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const out = {small: [], controls: [], english: [], ariaEnglish: [], cutHint: []};
  const english = t => /[A-Za-z]{3,}/.test(t) && !/[\\u3400-\\u9fff]/.test(t);
  const w = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    const t = n.nodeValue.trim(), el = n.parentElement;
    if (!t || !el || el.closest('svg, [aria-hidden="true"], [data-testid="stIconMaterial"], a, code')) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden') continue;
    if (english(t)) out.english.push(t.slice(0, 40));
    if (r.width <= 1 && r.height <= 1) continue;   // for screen readers only (clipped): read, not drawn
    const size = parseFloat(cs.fontSize);
    if (size < 15) out.small.push([t.slice(0, 30), size]);
    if (size < 16 && el.closest('button, [data-testid="stCaptionContainer"], [data-testid="stPageLink"]'))
      out.controls.push([t.slice(0, 30), size]);
  }
  // a hint inside a box must be readable whole, not cut off at the box's edge
  const ctx = document.createElement('canvas').getContext('2d');
  main.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(el => {
    const cs = getComputedStyle(el), hint = el.getAttribute('placeholder');
    if (!hint || !el.getBoundingClientRect().width) return;
    ctx.font = cs.font;
    const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (el.tagName === 'INPUT' && ctx.measureText(hint).width > room) out.cutHint.push(hint);
  });
  document.querySelectorAll('[aria-label]').forEach(el => {
    if (!el.closest('[aria-hidden="true"]') && english(el.getAttribute('aria-label')))
      out.ariaEnglish.push(el.getAttribute('aria-label'));
  });
  return out;
}"""


def _whole_page(phone, path) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the window is
    made as tall as the content for the picture, then put back to a phone's height."""
    height = phone.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    phone.set_viewport_size({"width": 375, "height": min(height + 40, 12_000)})
    phone.wait_for_timeout(500)
    phone.screenshot(path=str(path))
    phone.set_viewport_size({"width": 375, "height": 812})


def test_every_public_page_on_a_phone(portal_url, phone, artifacts):
    """Each public page at 375 px: no sideways scrolling, nothing under 15 px in the main column and
    no button, caption or page link under 16 px, no hint cut off inside its box, no English from the
    framework, on screen or read aloud; axe-core at 0 serious / 0 critical at this width too."""
    from tests.browser.test_accessibility import BLOCKING, _axe

    problems = {}
    for name, (path, text) in PUBLIC_PAGES.items():
        phone.goto(f"{portal_url}/{path}")
        wait_for_app(phone, text)
        settle(phone, 800)
        seen = phone.evaluate(PHONE_READING)
        width = phone.evaluate("document.documentElement.scrollWidth")
        blocking = [v["id"] for v in _axe(phone) if v["impact"] in BLOCKING]
        found = {k: v for k, v in seen.items() if v} | ({"width": width} if width > 375 else {}) \
            | ({"axe": blocking} if blocking else {})
        if found:
            problems[name] = found
        _whole_page(phone, artifacts / f"walk-{name}-phone.png")
    assert not problems, problems


def test_the_phone_menu_opens_at_the_first_tap_on_the_page_it_led_to(portal_url, phone):
    """☰ 菜单 → 进度查询, then ☰ 菜单 again: one tap opens it (it took two when the popover was
    shared by every page and stayed "open" in the browser after its link was followed)."""
    phone.goto(f"{portal_url}/")
    wait_for_app(phone, "☰ 菜单")
    for target, ready in (("进度查询", "请输入提交预登记时得到的查询码"), ("接访日程", "近期接访安排")):
        phone.get_by_role("button", name="☰ 菜单").click()
        phone.locator('[data-testid="stPopoverBody"]').get_by_role("link", name=target).click()
        wait_for_app(phone, ready)
        phone.get_by_role("button", name="☰ 菜单").click()
        phone.locator('[data-testid="stPopoverBody"]').wait_for(state="visible", timeout=5_000)
        phone.keyboard.press("Escape")
        phone.locator('[data-testid="stPopoverBody"]').wait_for(state="hidden", timeout=5_000)


def test_back_after_asking_leaves_the_question_and_forward_brings_it_back(portal_url, phone):
    """Back once from the results goes to the page before them (it once wrote the question straight
    back into the address, so the first Back did nothing); Forward shows the results again."""
    phone.goto(f"{portal_url}/ask")
    wait_for_app(phone, "您的问题")
    phone.get_by_label("您的问题").first.fill("邻居装修噪音太大怎么办")
    phone.get_by_role("button", name="查找相关条文").click()
    wait_for_app(phone, "下一步怎么办")
    assert "q=" in phone.url
    phone.go_back()
    phone.wait_for_function("() => !location.search.includes('q=')", timeout=20_000)
    settle(phone)                    # nothing writes the question back (a script, after the run)
    assert "q=" not in phone.url and phone.get_by_label("您的问题").first.input_value() == ""
    assert "下一步怎么办" not in phone.locator("body").inner_text()
    phone.go_forward()
    wait_for_app(phone, "下一步怎么办")
    assert phone.get_by_label("您的问题").first.input_value() == "邻居装修噪音太大怎么办"


def test_large_text_reaches_the_timeline_and_the_options_of_a_select_box(portal_url, phone, artifacts):
    """大字号 grew the page but not the picture's words, nor the options of 目录 when it opened."""
    figure, measured = _timeline_measured(phone, f"{portal_url}/guide?a11y=large")
    assert measured["min"] >= 17.5 and measured["outside"] == [], measured   # 14 CSS px before
    figure.screenshot(path=str(artifacts / "journey-guide-timeline-large-phone.png"))
    assert_fits_phone(phone, "期限示意图（大字号）")
    phone.goto(f"{portal_url}/laws?law=xinfang-gongzuo-tiaoli-2022&a11y=large")
    wait_for_app(phone, "目录（按章阅读）")
    settle(phone, 1000)              # the run that writes a11y into the address has ended
    option = phone.get_by_role("option").first
    for _ in range(3):               # a late rerun closes an open list: opened again, as a person would
        phone.get_by_role("combobox", name="目录（按章阅读）").click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:
            phone.keyboard.press("Escape")
    size = option.evaluate("el => Math.min(...[el, ...el.querySelectorAll('*')].filter(e => e.innerText)"
                           ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert size >= 21, size          # as large as the page's text, not the 16 px of the closed box


def test_the_phone_menu_by_keyboard_tabs_through_its_links(portal_url, phone):
    """Enter on ☰ 菜单 opened the list, but Tab went on through the page behind it."""
    phone.goto(f"{portal_url}/")
    wait_for_app(phone, "☰ 菜单")
    phone.wait_for_function("() => !!window.__portalFocusAfter", timeout=10_000)   # the frame script is in
    phone.get_by_role("button", name="☰ 菜单").focus()
    phone.keyboard.press("Enter")
    body = phone.locator('[data-testid="stPopoverBody"]')
    body.wait_for(state="visible", timeout=5_000)
    phone.wait_for_function("() => document.activeElement.closest('[data-testid=stPopoverBody]')",
                            timeout=5_000)
    names = []
    for _ in range(3):
        names.append(phone.evaluate("document.activeElement.innerText.trim()"))
        phone.keyboard.press("Tab")
    assert names[:3] == ["首页（当前页面）", "法律问答", "法规库"], names
    phone.keyboard.press("Escape")
    body.wait_for(state="hidden", timeout=5_000)


def test_ending_a_lookup_on_a_shared_phone_leaves_no_code_or_password(portal_url, phone, artifacts):
    """进度查询 opened with the code in the address (/lookup?code=…), the password typed; after
    结束查询 the next person finds empty boxes (in a real browser, not only in the page test) and an
    address without the code, and 查询 opens nothing."""
    from playwright.sync_api import expect
    from sqlmodel import Session

    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
    phone.goto(f"{portal_url}/lookup?code={made.code}")
    wait_for_app(phone, "进度查询")
    code_box, secret_box = phone.get_by_label("查询码（10位，可以带横线）"), phone.get_by_label("查询密码（8位）")
    expect(code_box).to_have_value(made.code, timeout=10_000)   # drawn first, its value a moment later
    secret_box.fill(made.secret)
    # this tab kept a receipt after 确认提交 (as test_prefile_with_one_error_per_step_… shows it is)
    phone.evaluate("codes => sessionStorage.setItem('pf-receipt', JSON.stringify("
                   "{code: codes[0], secret: codes[1], at: Date.now()}))", [made.code, made.secret])
    phone.get_by_role("button", name="查询").click()
    wait_for_app(phone, "当前状态：已提交")
    phone.get_by_role("button", name="结束查询").click()
    wait_for_app(phone, "请输入提交预登记时得到的查询码和查询密码")
    settle(phone)                                              # the moment a box's value came back
    assert code_box.input_value() == "" and secret_box.input_value() == ""
    assert "code=" not in phone.url
    # the live region said the state after 查询: it now says the lookup ended, nothing of the filing
    phone.wait_for_function("() => document.getElementById('portal-announcer').textContent.startsWith('已结束查询')",
                            timeout=10_000)
    phone.screenshot(path=str(artifacts / "lookup-ended-phone.png"))
    phone.get_by_role("button", name="查询").click()           # nothing left to open the filing with
    wait_for_app(phone, "请输入查询码和查询密码。两者都在提交时保存的预登记回执上。")
    assert "当前状态" not in phone.get_by_test_id("stMain").inner_text()   # (the live region said it before)
    # nor does 网上预登记, in this tab, show the code and password it kept after 确认提交
    assert phone.evaluate("sessionStorage.getItem('pf-receipt')") is None
    phone.get_by_role("link", name="还没有提交？去网上预登记").click()
    wait_for_app(phone, "须知与授权")
    settle(phone, 1000)                                        # the kept receipt is drawn by a script
    assert phone.locator("#pf-kept-receipt .panel-code").count() == 0
    assert made.secret not in phone.get_by_test_id("stMain").inner_text()
