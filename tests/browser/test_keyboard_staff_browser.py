"""工作台 by keyboard alone (a keyboard-only review, r48a): where the focus goes after a button that
goes away, the 角色 list's first option, the sidebar at 200 % zoom, and 大字号's date and time boxes."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import Session

from portal.prefiling.codes import grouped
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER, ROLES
from tests.browser.conftest import (
    after_rerun,
    filter_queue,
    new_staff_user,
    open_expander,
    open_prefiling,
    pick_option,
    settle,
    sign_in,
    wait_for_app,
    wait_for_main,
)
from tests.prefiling.factories import make_prefiling
from tests.staff.portal_db import ready_engine

FOCUSED = """() => { const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.innerText || '').trim(), label: e.getAttribute('aria-label') || '',
          inView: r.bottom > 0 && r.top < window.innerHeight && r.height > 0}; }"""


def _staff_page(pg, portal_url: str, role: str, nav: str, ready: str, *, large: bool = False) -> str:
    """Signed in with `role` on the page `nav` of a wide screen (its sidebar open beside the page)."""
    name = new_staff_user(role)
    pg.goto(portal_url + ("/?a11y=large" if large else ""))
    wait_for_app(pg, "我们能为您做什么")
    sign_in(pg, portal_url, name)
    pg.get_by_test_id("stSidebarNavLink").filter(has_text=nav).first.click()
    wait_for_main(pg, ready)
    return name


def _focused(pg, *, wait_ms: int = 2000):
    settle(pg, wait_ms)   # the page's own focus moves run up to 1.5 s after a rerun
    return pg.evaluate(FOCUSED)


def _focus_settles(pg, where: str, *, timeout: float = 10_000):
    """Wait until the keyboard focus is on an element in view for which the JavaScript condition
    `where` (on `e`) holds (the page's own focus moves run up to 3 s after a rerun); return it as
    FOCUSED reads it, or what holds the focus instead (None: the page's body) when it never does."""
    try:
        pg.wait_for_function("() => { const e = document.activeElement; if (!e || e === document.body) return false;"
                             " const r = e.getBoundingClientRect();"
                             f" return r.bottom > 0 && r.top < window.innerHeight && r.height > 0 && ({where}); }}",
                             timeout=timeout)
    except PlaywrightTimeout:
        pass
    return pg.evaluate(FOCUSED)


def _send_questions(*texts: str) -> list[int]:
    """群众来问 sent in with `texts`, in that order; their ids."""
    from portal.prefiling.crypto import get_cipher
    from portal.prefiling.ratelimit import ClientInfo
    from portal.qa import inbox

    with Session(ready_engine(), expire_on_commit=False) as s:
        sent = [inbox.send_question(session=s, text=text, cipher=get_cipher(),
                                    client=ClientInfo(f"kb-{uuid.uuid4().hex[:6]}")) for text in texts]
        s.commit()
        return [q.id for q in sent]


def test_arrow_down_and_enter_in_roles_choose_one_role_not_all(portal_url, page):
    """角色's first option was Streamlit's 全选: ArrowDown, Enter gave the new account all five roles.
    The chosen roles' group was named "Selected values" in English."""
    _staff_page(page, portal_url, ADMIN, "账号管理", "新建账号")
    settle(page)                 # the page's own focus moves after its run are over before the list opens
    roles = page.get_by_role("combobox", name="角色").first
    options = page.get_by_role("option")
    for attempt in range(4):   # a rerun landing as the list opens closes it: opened again, as a person would
        roles.focus()
        page.keyboard.press("ArrowDown")
        try:
            options.first.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 3:
                raise
            settle(page)
    assert "全选" not in [o.strip() for o in options.all_inner_texts()]
    page.wait_for_function("e => !!e.getAttribute('aria-activedescendant')", arg=roles.element_handle(),
                           timeout=10_000)   # the highlighted line is named a moment after the list opens
    active = page.locator(f"[id='{roles.get_attribute('aria-activedescendant')}']").inner_text().strip()
    assert active in ROLES   # the highlighted line is a role (a retried ArrowDown may have moved it on)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    box = page.get_by_test_id("stMultiSelect").first
    chips = box.locator("[data-tag]")
    chips.first.wait_for(timeout=10_000)
    assert [c.strip() for c in chips.all_inner_texts()] == [active]   # that one role, not all five
    expect(box.get_by_role("group", name="已选择的项")).to_have_count(1, timeout=10_000)   # put in Chinese by a script
    assert box.get_by_role("group", name="Selected values").count() == 0


def _reveal_by_keyboard(page, portal_url: str) -> None:
    """A new 件 opened in 预登记办理 by a 办理 account, and 显示个人信息 pressed with Enter."""
    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
    _staff_page(page, portal_url, HANDLER, "预登记办理", "按查询码查找")
    filter_queue(page, made.code)
    open_prefiling(page, made.code)
    page.get_by_role("button", name="显示个人信息").focus()
    after_rerun(page, lambda: page.keyboard.press("Enter"), "13812345678")


def test_revealing_and_hiding_personal_data_keeps_the_focus_on_the_button_in_its_place(portal_url, page):
    """显示个人信息 gives way to 隐藏个人信息: the focus fell to the page's body and the next Tab went
    past 隐藏个人信息."""
    _reveal_by_keyboard(page, portal_url)
    focused = _focused(page)
    assert focused and focused["text"].endswith("隐藏个人信息") and focused["inView"], focused
    after_rerun(page, lambda: page.keyboard.press("Enter"), "138****5678")
    focused = _focused(page)
    assert focused and focused["text"].endswith("显示个人信息") and focused["inView"], focused


def test_a_click_elsewhere_after_revealing_personal_data_is_not_pulled_back(portal_url, page):
    """隐藏个人信息 is watched for 5 s after 显示个人信息 in case a slow run redraws it and drops its
    focus. A person who clicks elsewhere meanwhile is left where they are: the focus was put back on
    the button every time it fell to the page's body, until the 5 s ran out. (A click on the page's
    own text focuses stMain, which the watchers leave alone; the sidebar's blank foot leaves the
    focus on the page's body.)"""
    _reveal_by_keyboard(page, portal_url)
    focused = _focus_settles(page, "(e.innerText || '').trim().endsWith('隐藏个人信息')")
    assert focused and focused["text"].endswith("隐藏个人信息"), focused
    sidebar = page.get_by_test_id("stSidebar")   # its foot, under the links: the focus falls to the page's body
    sidebar.click(position={"x": 150, "y": sidebar.bounding_box()["height"] - 60})
    page.wait_for_function("() => document.activeElement === document.body", timeout=10_000)
    settle(page, 5500)                                          # after every look (the button is watched 5 s)
    assert page.evaluate("() => document.activeElement === document.body"), page.evaluate(FOCUSED)


def test_after_registering_the_focus_is_on_the_message_that_says_so(portal_url, page):
    """登记's button goes with the state it belongs to: the focus fell to the page's body, and the
    next Tab went to the queue's 状态 filter, the message read only by a screen reader."""
    with Session(ready_engine(), expire_on_commit=False) as s:
        made = make_prefiling(s)
    _staff_page(page, portal_url, HANDLER, "预登记办理", "按查询码查找")
    filter_queue(page, made.code)
    open_prefiling(page, made.code)
    open_expander(page, "登记")
    page.get_by_role("textbox", name="信访件编号（正式登记的编号）").fill(f"LX-{uuid.uuid4().hex[:6]}")
    page.get_by_role("button", name="登记", exact=True).focus()
    after_rerun(page, lambda: page.keyboard.press("Enter"), "现在的状态是“已登记”")
    focused = _focused(page)
    assert focused and f"已办理：{grouped(made.code)}" in focused["text"] and focused["inView"], focused


def test_a_message_brought_up_takes_the_focus_from_a_button_left_off_the_screen(portal_url, page):
    """创建账号 at the foot of the form, its message brought into view at the top: the focus stayed on
    the button, a screen below, with no ring in sight, and the next Tab went on from there."""
    page.set_viewport_size({"width": 1280, "height": 500})
    _staff_page(page, portal_url, ADMIN, "账号管理", "新建账号")
    name = f"z{uuid.uuid4().hex[:8]}"
    page.get_by_label("用户名（小写字母").fill(name)
    page.get_by_label("初始密码").fill("a-long-password-1")
    page.get_by_label("再输入一次密码").fill("a-long-password-1")
    page.get_by_role("button", name="创建账号").focus()
    after_rerun(page, lambda: page.keyboard.press("Enter"), f"已创建账号 {name}")
    focused = _focused(page)
    assert focused and f"已创建账号 {name}" in focused["text"] and focused["inView"], focused


def test_the_question_bank_tabs_keep_the_focus_under_the_arrow_keys(portal_url, page):
    """常见问题库's tabs: ArrowLeft from 群众来问（N） back to 问题库 dropped the focus to the page's body,
    every time (the tabs were drawn anew on each switch)."""
    from portal.prefiling.crypto import get_cipher
    from portal.prefiling.ratelimit import ClientInfo
    from portal.qa import inbox

    with Session(ready_engine()) as s:
        inbox.send_question(session=s, text="单位拖欠工资三个月，应该去哪里反映？", cipher=get_cipher(),
                            client=ClientInfo(f"kb-{uuid.uuid4().hex[:6]}"))
        s.commit()
    _staff_page(page, portal_url, COUNSEL, "常见问题库", "选择问题")
    page.get_by_role("tab", name="问题库").focus()
    for key, tab in (("ArrowRight", "群众来问"), ("ArrowLeft", "问题库")) * 2:
        after_rerun(page, lambda key=key: page.keyboard.press(key), "常见问题库")
        focused = _focused(page, wait_ms=1000)
        assert focused and focused["text"].startswith(tab), (key, focused)


def test_at_200_percent_zoom_the_open_sidebar_can_be_closed_by_keyboard(portal_url, browser):
    """A laptop at 200 % (640 × 400 CSS px): the sidebar opened with 展开侧边导航 lay over half the page
    after a page was chosen in it; Escape did nothing and 收起侧边导航 was shown only under the mouse,
    so Tab never reached it."""
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(portal_url)
        wait_for_app(pg, "我们能为您做什么")
        sign_in(pg, portal_url, new_staff_user(EDITOR))
        sidebar = pg.get_by_test_id("stSidebar")
        expand = pg.get_by_test_id("stExpandSidebarButton").locator("xpath=descendant-or-self::button").first
        expand.focus()
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'false'")
        # the focus goes into it, on 收起侧边导航 (seen: Streamlit shows it only under the mouse), and
        # Tab goes on to its links, not through the page under it
        focused = _focused(pg, wait_ms=800)
        assert focused and focused["label"] == "收起侧边导航" and focused["inView"], focused
        pg.keyboard.press("Tab")
        assert pg.evaluate("() => !!document.activeElement.closest('[data-testid=stSidebarNavLink]')")
        # Escape folds it, the focus back on 展开侧边导航
        pg.keyboard.press("Escape")
        pg.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'true'")
        focused = _focused(pg, wait_ms=800)
        assert focused and focused["label"] == "展开侧边导航", focused
        # a page chosen in it: the sidebar folds away, the page in view
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'false'")
        link = pg.get_by_test_id("stSidebarNavLink").filter(has_text="接访日程管理").first
        link.focus()
        pg.keyboard.press("Enter")
        wait_for_main(pg, "添加接访安排")
        pg.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'true'",
                             timeout=10_000)
        assert sidebar.get_attribute("data-collapsed") == "true"
        # 大字号: the date and time boxes' text as large as a text box's (they stayed 17.5 px, the boxes 22)
        pg.locator(".st-key-a11y-bar label").nth(0).click()
        pg.wait_for_function("() => document.querySelectorAll('[role=switch]')[0].checked", timeout=20_000)
        wait_for_main(pg, "添加接访安排")
        settle(pg, 500)
        sizes = pg.evaluate("""() => {
            const px = e => parseFloat(getComputedStyle(e).fontSize);
            const text = document.querySelector('[data-testid=stTextInput] input');
            const parts = [...document.querySelectorAll('[data-testid=stDateInput] [role=spinbutton], '
                                                       + '[data-testid=stTimeInput] [role=spinbutton]')];
            return {text: text && px(text), parts: parts.map(px)}; }""")
        assert sizes["text"] >= 22 and sizes["parts"] and min(sizes["parts"]) >= sizes["text"], sizes
    finally:
        context.close()


# every focus ring drawn around the focused text area (its own, its frame's) and the box that clips
# them: the nearest ancestor whose overflow is not visible
RINGS = """el => {
  const rings = [], shadows = [];
  for (const e of [el, el.closest('[data-testid=stTextAreaRootElement]')]) {
    const cs = getComputedStyle(e);
    if (cs.boxShadow !== 'none' && cs.boxShadow.indexOf('inset') === -1) shadows.push(cs.boxShadow);
    if (cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) === 0) continue;
    const out = parseFloat(cs.outlineOffset) + parseFloat(cs.outlineWidth), r = e.getBoundingClientRect();
    rings.push([r.left - out, r.top - out, r.right + out, r.bottom + out]);
  }
  let clip = el.parentElement;
  while (clip && getComputedStyle(clip).overflow === 'visible') clip = clip.parentElement;
  const c = clip.getBoundingClientRect();
  return {rings: rings, shadows: shadows, clip: [c.left, c.top, c.right, c.bottom]}; }"""


def test_a_text_areas_focus_ring_is_drawn_whole_inside_the_box_that_clips_it(portal_url, page):
    """Every text area showed only the top edge of its 3-px ring: the row around it (overflow:auto,
    as wide as the box) cut off its sides and bottom, at 1280 and at 640 px, in 高对比度 too."""
    _staff_page(page, portal_url, EDITOR, "典型案例管理", "选择案例")
    facts = page.get_by_role("textbox", name="案情", exact=True)
    for width, contrast in ((1280, False), (640, False), (640, True)):
        page.set_viewport_size({"width": width, "height": 800})
        if contrast:
            page.locator(".st-key-a11y-bar label").nth(1).click()             # 高对比度
            page.wait_for_function("() => document.querySelectorAll('[role=switch]')[1].checked", timeout=20_000)
            wait_for_main(page, "选择案例")
        facts.focus()
        page.wait_for_function("el => document.activeElement === el && getComputedStyle("
                               "el.closest('[data-testid=stTextAreaRootElement]')).outlineStyle !== 'none'",
                               arg=facts.element_handle(), timeout=10_000)
        seen = page.evaluate(RINGS, facts.element_handle())
        left, top, right, bottom = seen["clip"]
        assert seen["rings"] and not seen["shadows"], (width, contrast, seen)
        for ring in seen["rings"]:
            assert (ring[0] >= left - 0.5 and ring[1] >= top - 0.5 and ring[2] <= right + 0.5
                    and ring[3] <= bottom + 0.5), (width, contrast, seen)


def test_each_sent_question_is_a_group_named_by_its_number_and_its_buttons_say_it(portal_url, page):
    """群众来问: each 来问 repeated 收入为草稿, 附上这一条, 按条文附上… with the same names and no number:
    a screen-reader user could not tell which 来问 a button belonged to. Each is now a group named
    来问 N, and its own buttons say 来问 N too (their visible words unchanged)."""
    from portal.prefiling.crypto import get_cipher
    from portal.prefiling.ratelimit import ClientInfo
    from portal.qa import inbox

    with Session(ready_engine()) as s:
        ids = [inbox.send_question(session=s, text=text, cipher=get_cipher(),
                                   client=ClientInfo(f"kg-{uuid.uuid4().hex[:6]}")).id
               for text in ("单位拖欠工资三个月，应该去哪里反映？", "邻居装修噪音太大，找哪个部门？")]
        s.commit()
    _staff_page(page, portal_url, COUNSEL, "常见问题库", "选择问题")
    page.get_by_role("tab", name=re.compile("^群众来问")).click()
    for sent_id in ids:
        group = page.get_by_role("group", name=re.compile(f"^来问 {sent_id}(?!\\d)"))
        group.get_by_role("button", name=f"收入为草稿 来问 {sent_id}", exact=True).wait_for(timeout=30_000)
        assert group.get_by_role("button", name=f"收入并发布 来问 {sent_id}", exact=True).count() == 1
        assert group.get_by_role("button", name="附上这一条", exact=True).count() == 1   # its own, in its group
        assert group.get_by_role("textbox", name=re.compile("^按条文附上")).count() == 1
        # what the eye reads is as before
        hidden = group.get_by_role("button", name=f"收入为草稿 来问 {sent_id}").locator("em").bounding_box()
        assert hidden["width"] <= 1 and hidden["height"] <= 1, hidden


@pytest.fixture
def page(browser):
    """A laptop's 1280 × 800, as the review used."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield context.new_page()
    context.close()



def test_after_filing_a_sent_question_the_focus_is_not_on_the_next_ones_button(portal_url, page):
    """收入并发布 on one 来问 takes it off the list: the focus fell to the page's body and was put back
    on a button with the same words, the next 来问's, and a second Enter filed and published that one.
    The message saying what became of the first takes the focus (filed, or handled by a colleague)."""
    from portal.identity import Actor
    from portal.qa import inbox, lifecycle
    from portal.qa.models import SentQuestion

    tag = uuid.uuid4().hex[:6]
    gone, first, second = _send_questions(f"邻居噪音扰民怎么办{tag}甲", f"单位拖欠工资三个月怎么办{tag}乙",
                                          f"房东不退押金怎么办{tag}丙")
    _staff_page(page, portal_url, COUNSEL, "常见问题库", "选择问题")
    after_rerun(page, lambda: page.get_by_role("tab", name="群众来问", exact=False).click(), f"{tag}丙")
    blocks = page.get_by_test_id("stVerticalBlock")
    for words in (f"{tag}乙", f"{tag}丙"):   # each with an article: 收入并发布 would publish either
        box = blocks.filter(has_text=words).last
        box.get_by_label("按条文附上", exact=False).fill("信访工作条例第32条")
        after_rerun(page, lambda box=box: box.get_by_role("button", name="附上这一条").click(), "信访工作条例")
        box.get_by_role("button", name="移除", exact=False).wait_for()
    # a colleague ignores the first meanwhile: 收入并发布 on it is refused, and it leaves the list
    with Session(ready_engine()) as s:
        inbox.dismiss_sent(session=s, actor=Actor("colleague", frozenset({COUNSEL})), sent_id=gone)
        s.commit()
    blocks.filter(has_text=f"{tag}甲").last.get_by_role("button", name="收入并发布").focus()
    after_rerun(page, lambda: page.keyboard.press("Enter"), f"没有收入：来问 {gone}")
    focused = _focus_settles(page, f"(e.innerText || '').includes('没有收入：来问 {gone}')")
    assert focused and f"没有收入：来问 {gone}" in focused["text"] and focused["inView"], focused
    # filed: the message says so, with the focus
    blocks.filter(has_text=f"{tag}乙").last.get_by_role("button", name="收入并发布").focus()
    after_rerun(page, lambda: page.keyboard.press("Enter"), f"来问 {first} 已收入问题库")
    focused = _focus_settles(page, "!!e.closest('.st-key-bank-flash-shown')")
    assert focused and f"来问 {first} 已收入问题库" in focused["text"] and focused["inView"], focused
    page.keyboard.press("Tab")   # on from the message, at the top: not the page's body
    assert page.evaluate(FOCUSED), "Tab from the message went to the page's body"
    with Session(ready_engine()) as s:
        assert s.get(SentQuestion, second).state == lifecycle.PENDING


def test_clearing_all_roles_leaves_the_focus_in_the_roles_box(portal_url, page):
    """角色's 全部清除 goes with the roles it clears: the focus fell to the page's body, and the next
    Tab went on from the top of the form's end (创建账号), past the box just emptied."""
    _staff_page(page, portal_url, ADMIN, "账号管理", "新建账号")
    box = page.get_by_test_id("stMultiSelect").first
    after_rerun(page, lambda: pick_option(page, box.get_by_role("combobox").click,
                                          page.get_by_role("option", name=EDITOR).first), "新建账号")
    page.keyboard.press("Escape")
    box.locator("[data-tag]").first.wait_for()
    box.get_by_role("button", name="全部清除").focus()
    after_rerun(page, lambda: page.keyboard.press("Enter"), "新建账号")
    box.locator("[data-tag]").first.wait_for(state="detached")
    focused = _focus_settles(page, "e.tagName === 'INPUT' && !!e.closest('[data-testid=stMultiSelect]')")
    assert focused and focused["tag"] == "INPUT" and focused["inView"], focused
    assert page.evaluate("() => document.activeElement.closest('[data-testid=stMultiSelect]')"
                         " === document.querySelector('[data-testid=stMultiSelect]')")   # this form's 角色
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED), "Tab from 角色 went to the page's body"


def test_attaching_a_found_article_moves_the_focus_to_the_next_result(portal_url, page):
    """群众来问's 或搜索条文: 附上 on a result is disabled once the article is attached, and the focus
    fell to the page's body. It goes on to the next result's 附上."""
    tag = uuid.uuid4().hex[:6]
    (sent,) = _send_questions(f"单位拖欠工资三个月怎么办{tag}")
    _staff_page(page, portal_url, COUNSEL, "常见问题库", "选择问题")
    after_rerun(page, lambda: page.get_by_role("tab", name="群众来问", exact=False).click(), tag)
    box = page.get_by_test_id("stVerticalBlock").filter(has_text=tag).last
    words = box.get_by_label("或搜索条文")
    words.fill("拖欠工资")
    after_rerun(page, lambda: words.press("Enter"), "附上")
    results = box.locator(f'[class*="st-key-picker-sent-{sent}-hit-"] button')
    assert results.count() >= 2
    results.first.focus()
    attached = results.first.inner_text().strip()
    after_rerun(page, lambda: page.keyboard.press("Enter"), "移除")
    focused = _focus_settles(page, f"e.tagName === 'BUTTON' && !e.disabled"
                                   f" && !!e.closest('[class*=\"st-key-picker-sent-{sent}-hit-\"]')")
    assert focused and focused["text"].startswith("附上") and focused["text"] != attached and focused["inView"], focused
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED), "Tab from the next 附上 went to the page's body"


def test_a_wrong_password_in_large_text_is_brought_into_view(portal_url, page):
    """大字号 on a 1280 × 800 laptop: 用户名或密码不正确 was drawn under the form, below the fold, and
    nothing on the screen changed after Enter in 密码. It is brought into view; the focus stays in 密码
    where 密码 is still in sight (else the message takes it)."""
    page.goto(f"{portal_url}/staff_login?a11y=large")
    wait_for_main(page, "工作人员登录")
    page.get_by_label("用户名").fill(f"nobody{uuid.uuid4().hex[:6]}")
    page.get_by_label("密码", exact=True).fill("not-the-password-1")
    after_rerun(page, lambda: page.get_by_label("密码", exact=True).press("Enter"), "用户名或密码不正确")
    error = page.get_by_test_id("stAlert").filter(has_text="用户名或密码不正确")
    try:
        page.wait_for_function("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }",
                               arg=error.element_handle(), timeout=10_000)
    except PlaywrightTimeout:
        pass
    shown = error.bounding_box()
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= 800, shown   # the whole message on the screen
    focused = _focus_settles(page, "e.getAttribute('aria-label') === '密码'"
                                   " || (e.innerText || '').includes('用户名或密码不正确')")
    assert focused and focused["inView"] and (focused["label"] == "密码" or "用户名或密码不正确" in focused["text"]), focused
    settle(page)   # the message is role=alert, said by the screen reader itself: not again by the live region
    assert "用户名或密码不正确" not in page.evaluate(
        "() => (document.getElementById('portal-announcer') || {}).textContent || ''")
