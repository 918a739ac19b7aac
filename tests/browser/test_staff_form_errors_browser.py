"""Staff forms' errors by keyboard (r48a §5, §8): the error summary of 典型案例管理 and of 接访日程管理
links each problem to its box, as 预登记's does, and the boxes named are marked invalid."""

from __future__ import annotations

from portal.roles import EDITOR
from tests.browser.conftest import new_staff_user, sign_in, wait_for_app, wait_for_main

SUMMARY_FOCUSED = "() => document.activeElement && document.activeElement.id === 'error-summary'"


def _editor_on(pg, portal_url: str, nav: str, ready: str) -> None:
    pg.goto(portal_url)
    wait_for_app(pg, "我们能为您做什么")
    sign_in(pg, portal_url, new_staff_user(EDITOR))
    pg.get_by_test_id("stSidebarNavLink").filter(has_text=nav).first.click()
    wait_for_main(pg, ready)


def _focused_label(pg, label: str) -> None:
    """Wait until the focus is on the box (or a part of the box) named `label`."""
    pg.wait_for_function("label => { const e = document.activeElement;"
                         " return !!e && (e.getAttribute('aria-label') || '').indexOf(label) !== -1; }",
                         arg=label, timeout=20_000)


def _add_ending_before_start(page, portal_url: str, *, leader: str | None):
    """接访日程管理 → 添加 with 结束时间 06:00, before the 09:00 start (and 接访领导 only if given):
    refused, the summary focused. The form and the 结束时间 box's first part (时)."""
    _editor_on(page, portal_url, "接访日程管理", "添加接访安排")
    form = page.get_by_test_id("stForm").first
    form.get_by_label("接待内容").wait_for()
    if leader is not None:
        form.get_by_label("接访领导").fill(leader)
    form.get_by_label("地点").fill("来访接待大厅")
    hour = form.get_by_test_id("stTimeInput").nth(1).locator("[role=spinbutton]").first
    hour.focus()
    for _ in range(6):                                      # 12:00 → 06:00, before the 09:00 start
        page.keyboard.press("ArrowDown")
    page.wait_for_function("e => e.getAttribute('aria-valuenow') === '6'", arg=hour.element_handle())
    form.get_by_role("button", name="添加接访安排").click()
    page.wait_for_function(SUMMARY_FOCUSED, timeout=30_000)
    return form, hour


def test_a_refused_schedule_entry_links_its_time_box_and_marks_it_invalid(portal_url, page):
    """添加 with the end before the start: the summary took no links and the 结束时间 box was not
    marked; now the link focuses the box's first part (时), and each part is aria-invalid and
    described by the error under it."""
    form, hour = _add_ending_before_start(page, portal_url, leader="市信访局分管负责同志")
    link = page.locator("#error-summary a", has_text="结束时间：结束时间要晚于开始时间。")
    assert link.count() == 1
    parts = form.get_by_test_id("stTimeInput").nth(1).locator("[role=spinbutton]")
    page.wait_for_function("""parts => parts.every(p => p.getAttribute('aria-invalid') === 'true'
        && (p.getAttribute('aria-describedby') || '').split(' ').some(id => {
             const e = id && document.getElementById(id);
             return e && e.textContent.indexOf('结束时间要晚于开始时间') !== -1; }))""",
                           arg=parts.element_handles(), timeout=10_000)
    link.click()
    _focused_label(page, "小时, 结束时间")


def test_a_refused_cases_save_links_each_problem_to_its_box(portal_url, page):
    """保存 on an empty new case: the summary's items were plain text; 标题's link now focuses the
    标题 box, which is marked invalid."""
    _editor_on(page, portal_url, "典型案例管理", "选择案例")
    save = page.get_by_role("button", name="保存", exact=True)
    save.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(SUMMARY_FOCUSED, timeout=30_000)
    title = page.get_by_role("textbox", name="标题", exact=True)
    page.wait_for_function("e => e.getAttribute('aria-invalid') === 'true'", arg=title.element_handle(),
                           timeout=10_000)
    page.locator("#error-summary a", has_text="标题：请填写标题。").click()
    _focused_label(page, "标题")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "标题"


def test_a_summary_link_opens_the_tab_its_box_is_in(portal_url, page):
    """保存 pressed while 预览 is shown (the list of problems already there: the tabs keep their
    place, and 预览 stays open): 案情 is in the 编辑 tab, hidden, and its link did nothing (the frame
    script skips hidden boxes). Now the link opens 编辑 and focuses 案情, in view."""
    _editor_on(page, portal_url, "典型案例管理", "选择案例")
    save = page.get_by_role("button", name="保存", exact=True)
    save.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(SUMMARY_FOCUSED, timeout=30_000)
    page.get_by_role("tab", name="预览").click()
    preview_open = ("() => { const t = [...document.querySelectorAll('[role=tab]')]"
                    ".find(t => t.textContent.trim() === '预览');"
                    " return !!t && t.getAttribute('aria-selected') === 'true'; }")
    page.wait_for_function(preview_open)
    facts = page.get_by_role("textbox", name="案情", exact=True)
    save.focus()
    page.wait_for_function("() => !!document.activeElement && document.activeElement.id !== 'error-summary'")
    page.keyboard.press("Enter")                           # again, from 预览: a new list takes the focus
    page.wait_for_function(SUMMARY_FOCUSED, timeout=30_000)
    assert page.evaluate(preview_open) and facts.is_hidden()
    page.locator("#error-summary a", has_text="案情：请填写案情。").click()
    _focused_label(page, "案情")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "案情"
    page.wait_for_function("""e => { const r = e.getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
                           arg=facts.element_handle(), timeout=10_000)


def test_a_corrected_schedule_entry_leaves_no_box_marked_invalid(portal_url, page):
    """A refused 添加 (结束时间 before 开始时间, no 接访领导) marks the time's parts and 接访领导 invalid.
    The time corrected, refused again for 接访领导 alone (the same form): the time's parts are no
    longer marked, 接访领导 still is. Added at last: no box in the form is marked (r49 P9)."""
    form, hour = _add_ending_before_start(page, portal_url, leader=None)
    marked = ("() => [...document.querySelectorAll('[data-testid=stForm] [aria-invalid=\"true\"]')]"
              ".map(e => e.getAttribute('aria-label') || '')")
    page.wait_for_function(f"""() => {{ const m = ({marked})();
        return m.some(l => l.indexOf('结束时间') !== -1) && m.some(l => l.indexOf('接访领导') !== -1); }}""",
                           timeout=10_000)
    hour.focus()
    for _ in range(10):                                     # 06:00 → 16:00, after the start
        page.keyboard.press("ArrowUp")
    page.wait_for_function("e => e.getAttribute('aria-valuenow') === '16'", arg=hour.element_handle())
    form.get_by_role("button", name="添加接访安排").click()
    page.wait_for_function("() => !document.querySelector('#error-summary a[href$=\"end_time\"]')"
                           " && !!document.querySelector('#error-summary a[href$=\"leader\"]')", timeout=30_000)
    page.wait_for_function(f"""() => {{ const m = ({marked})();
        return m.length > 0 && m.every(l => l.indexOf('接访领导') !== -1); }}""", timeout=10_000)
    form.get_by_label("接访领导").fill("市信访局分管负责同志")
    form.get_by_role("button", name="添加接访安排").click()
    page.locator(".st-key-sched-added-box").wait_for(timeout=30_000)
    page.wait_for_function(f"() => !document.getElementById('error-summary') && ({marked})().length === 0",
                           timeout=20_000)
