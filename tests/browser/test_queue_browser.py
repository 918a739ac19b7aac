"""预登记办理 in a real browser on a 375-px phone: sign in as a handler, the queue with an overdue
record in words, open it masked, reveal; nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlmodel import Session

from portal.prefiling.codes import grouped
from portal.prefiling.models import Prefiling
from portal.roles import HANDLER
from portal.timeutil import beijing_today
from tests.browser.conftest import (
    after_rerun,
    assert_fits_phone,
    filter_queue,
    open_expander,
    open_prefiling,
    pick_option,
    settle,
    sidebar_folded,
    sign_in,
    wait_for_app,
)
from tests.prefiling.factories import make_prefiling
from tests.staff.factories import make_user
from tests.staff.portal_db import ready_engine


def test_queue_on_a_phone(portal_url, phone, artifacts):
    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district="天桥区")
        p = s.get(Prefiling, made.prefiling.id)
        p.received_date = beijing_today() - dt.timedelta(days=18)
        s.add(p)
        s.commit()
    # a fresh server's very first session can keep Streamlit's pages-folder sidebar (see
    # notes/queue.md); open any page first so the process is in st.navigation mode
    phone.goto(portal_url)
    wait_for_app(phone, "我们能为您做什么")
    sign_in(phone, portal_url, name)
    # the sidebar is collapsed on a phone; a new address would start a new (signed-out) session
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.screenshot(path=str(artifacts / "queue-nav-phone.png"))
    phone.get_by_test_id("stSidebarNavLink").filter(has_text="预登记办理").first.click()
    wait_for_app(phone, "按查询码查找")
    sidebar_folded(phone)
    filter_queue(phone, made.code, "有 1 件已超过法定期限")
    phone.screenshot(path=str(artifacts / "queue-list-phone.png"), full_page=True)
    assert_fits_phone(phone)

    open_prefiling(phone, made.code)
    assert phone.get_by_text("138****5678").count() >= 1
    assert phone.get_by_text("张秀兰").count() == 0
    phone.get_by_role("button", name="显示个人信息").click()
    wait_for_app(phone, "13812345678")
    phone.screenshot(path=str(artifacts / "queue-detail-phone.png"), full_page=True)
    assert_fits_phone(phone)

    # the petitioner rang with a new number: 更正联系方式, under the revealed data
    open_expander(phone, "更正联系方式（信访人申请更正电话或住址时）")
    phone.get_by_role("textbox", name="联系电话").fill("139 0000 1111")
    phone.get_by_role("button", name="保存更正").scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "queue-contact-form-phone.png"))
    phone.get_by_role("button", name="保存更正").click()
    wait_for_app(phone, f"已更正 {grouped(made.code)} 的联系电话。")
    assert phone.get_by_text("13812345678").count() == 0          # masked again, the old number gone
    phone.get_by_role("button", name="显示个人信息").click()
    wait_for_app(phone, "13900001111")
    phone.screenshot(path=str(artifacts / "queue-corrected-phone.png"), full_page=True)
    assert_fits_phone(phone)


def test_staff_lists_are_cards_on_a_phone_and_the_grid_on_a_wide_screen(portal_url, page, artifacts):
    """The grid draws a canvas that shows two or three of the queue's seven columns on a phone:
    there each 件 is a card with every column labelled; a wide screen keeps the grid (sorting,
    search) and no second copy of the list."""
    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district="平阴县")
    page.goto(portal_url)
    wait_for_app(page, "我们能为您做什么")
    sign_in(page, portal_url, name)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="预登记办理").first.click()
    wait_for_app(page, "按查询码查找")
    filter_queue(page, made.code, "共 1 件")
    grid = page.locator('[data-testid="stDataFrame"]')
    cards = page.locator('[class*="st-key-stack-table"] [data-testid="stTable"]')
    grid.wait_for(state="visible", timeout=20_000)
    assert not cards.is_visible()
    page.set_viewport_size({"width": 375, "height": 812})
    cell = cards.locator("td", has_text="平阴县")
    cell.wait_for(state="visible", timeout=20_000)
    assert not grid.is_visible()
    card = cards.locator("tbody tr").first
    labels = card.locator("td").evaluate_all("tds => tds.map(td => td.getAttribute('data-label'))")
    assert labels == ["期限", "查询码", "重复信访", "状态", "类别", "问题属地", "收到日期"], labels
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "queue-cards-phone.png"))
    assert_fits_phone(page)


def test_the_queue_in_large_text_is_one_card_per_filing_on_a_phone(portal_url, phone, artifacts):
    """大字号 draws the list as a page table (the grid's canvas text does not grow); on a phone each
    件 is a card with every column labelled, nothing cut off or scrolled sideways."""
    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district="商河县")   # not 长清区: test_repeats_browser counts its 前件 there
    phone.goto(portal_url)
    wait_for_app(phone, "我们能为您做什么")
    sign_in(phone, portal_url, name)
    phone.locator('[data-testid="stMain"]').get_by_role("link", name="预登记办理").click()
    wait_for_app(phone, "按查询码查找")
    phone.locator(".st-key-a11y-bar label").first.click()             # 大字号
    phone.wait_for_function("() => document.querySelector('[role=switch]').checked", timeout=20_000)
    filter_queue(phone, made.code, "共 1 件")
    cell = phone.locator('[data-testid="stTable"] td', has_text="商河县")
    cell.wait_for(state="visible", timeout=20_000)
    card = phone.locator('[data-testid="stTable"] tbody tr').first
    labels = card.locator("td").evaluate_all(
        "tds => tds.map(td => [td.getAttribute('data-label'), getComputedStyle(td).display])")
    assert [label for label, _ in labels] == ["期限", "查询码", "重复信访", "状态", "类别", "问题属地", "收到日期"], labels
    assert all(display == "block" for _, display in labels), labels     # stacked: one line each
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    card.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "queue-large-phone.png"))
    assert_fits_phone(phone)


def test_a_corrected_number_empties_the_correction_boxes(portal_url, phone, artifacts):
    """更正信访件编号 stays offered after a correction: its boxes kept the number, the reason and the
    tick in the browser (deleted keys, whose values the browser sent back), one click from a second
    correction."""
    from portal.identity import Actor
    from portal.prefiling import staff
    from tests.browser.conftest import open_expander, open_staff_page
    from tests.browser.test_prefile_browser import LINKED

    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s)
        number = f"LX-{uuid.uuid4().hex[:6]}"
        staff.register(session=s, actor=Actor(name, frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                       official_number=number)
    open_staff_page(phone, portal_url, name, "预登记办理", "按查询码查找")
    filter_queue(phone, made.code)
    open_prefiling(phone, made.code)
    open_expander(phone, "更正信访件编号")
    phone.get_by_text("我已核对新的编号，确认更正").click()
    phone.get_by_role("button", name="更正信访件编号").click()
    wait_for_app(phone, "错误：")            # no number: said under its box, and tied to it
    phone.wait_for_function(LINKED)
    assert phone.get_by_label("正确的信访件编号").get_attribute("aria-invalid") == "true"
    phone.get_by_label("正确的信访件编号").fill(number + "A")
    phone.get_by_label("更正原因（信访人会看到）").fill("登记时少写一位")
    phone.get_by_role("button", name="更正信访件编号").click()
    wait_for_app(phone, "已更正：")
    settle(phone, 1000)
    assert phone.get_by_label("正确的信访件编号").input_value() == ""
    assert phone.get_by_label("更正原因（信访人会看到）").input_value() == ""
    assert not phone.get_by_label("我已核对新的编号，确认更正").is_checked()


def test_a_long_queue_on_a_phone_is_paged_and_next_page_brings_its_top_up(portal_url, phone, artifacts):
    """25 件 on a phone: 打开一件预登记 above them, 20 cards, then 下一页 at their foot; the next
    page's top (its pager) is brought up, not left a screen below the last card, and said."""
    name = f"h{uuid.uuid4().hex[:8]}"
    where = f"分页区{uuid.uuid4().hex[:6]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        for _ in range(25):
            make_prefiling(s, district=where)
    phone.goto(portal_url)
    wait_for_app(phone, "我们能为您做什么")
    sign_in(phone, portal_url, name)
    phone.locator('[data-testid="stMain"]').get_by_role("link", name="预登记办理").click()
    wait_for_app(phone, "按查询码查找")
    # the option itself, typed to and picked as a person would (Enter pressed before the list had
    # filtered to it, or a rerun closing the list, chose nothing under a full test run)
    district = phone.get_by_label("问题属地", exact=True)

    def type_district() -> None:
        district.click()
        district.fill(where)

    pick_option(phone, type_district, phone.get_by_role("option", name=where))
    wait_for_app(phone, "共 25 件")
    cards = phone.locator('[class*="st-key-stack-table-phone-queue"] [data-testid="stTable"] tbody tr')
    assert cards.count() == 20
    # the picker above the cards: below them, each next 件 meant scrolling back through 20 cards
    picker = phone.get_by_label("打开一件预登记")
    assert picker.bounding_box()["y"] < cards.first.bounding_box()["y"]
    turn = phone.get_by_role("button", name="下一页：第 21–25 件（共 25 件）")
    turn.scroll_into_view_if_needed()
    after_rerun(phone, turn.click, "第 21–25 件（共 25 件）")
    phone.wait_for_function("() => document.querySelectorAll("
                            "'[class*=st-key-stack-table-phone-queue] [data-testid=stTable] tbody tr').length === 5",
                            timeout=20_000)
    pager = phone.locator(".st-key-table-page-queue")
    phone.wait_for_function("() => { const r = document.querySelector('.st-key-table-page-queue')"
                            ".getBoundingClientRect(); return r.top >= 0 && r.top < 812 / 2; }", timeout=20_000)
    # said, not focused: a select of more than 10 options takes typing, and a phone's keyboard
    # would come up over the cards
    phone.wait_for_function("w => (document.getElementById('portal-announcer') || {}).textContent === w",
                            arg="现在显示第 21–25 件（共 25 件）", timeout=10_000)
    assert not pager.locator("input").evaluate("el => el === document.activeElement")
    assert phone.get_by_role("button", name="下一页", exact=False).count() == 0
    phone.screenshot(path=str(artifacts / "queue-paged-phone.png"))
    assert_fits_phone(phone)


def test_a_long_value_in_a_card_wraps_inside_it_on_a_small_phone(portal_url, phone, artifacts):
    """At 320 px a 问题属地 of 33 characters ran past its card and was cut off (the cell kept one line,
    its value a box as wide as the cell placed after the label): it wraps inside the card."""
    name = f"h{uuid.uuid4().hex[:8]}"
    where = f"历下区某某街道某某社区某某小区{uuid.uuid4().hex[:4]}号楼所在片区的某某村庄"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district=where)
    phone.set_viewport_size({"width": 320, "height": 640})
    phone.goto(portal_url)
    wait_for_app(phone, "我们能为您做什么")
    sign_in(phone, portal_url, name)
    phone.locator('[data-testid="stMain"]').get_by_role("link", name="预登记办理").click()
    wait_for_app(phone, "按查询码查找")
    filter_queue(phone, made.code, "共 1 件")
    cell = phone.locator('[class*="st-key-stack-table-phone-queue"] td[data-label="问题属地"]')
    cell.wait_for(state="visible", timeout=20_000)
    cell.scroll_into_view_if_needed()
    card = cell.locator("xpath=ancestor::tr[1]")
    right = card.bounding_box()["x"] + card.bounding_box()["width"]
    spill = cell.evaluate("""td => Math.max(...[td, ...td.querySelectorAll('*')].map(
        el => { const r = el.getBoundingClientRect(); return r.width ? r.right : 0; }))""")
    assert spill <= right + 0.5, (spill, right)
    assert where in cell.inner_text().replace("\\n", "").replace("\n", "")   # all of it shown
    phone.screenshot(path=str(artifacts / "queue-long-value-320.png"))
    assert_fits_phone(phone)


def test_the_queue_in_large_text_keeps_its_codes_whole_on_a_laptop_or_turns_to_cards(portal_url, page, artifacts):
    """大字号 at 1280 px: the page's column grows to 920 px and a 查询码, a date, a state keep one line
    beside a long 问题属地 (seven columns in 736 px broke 3M4A-/8YHP-EW and 已提/交). At 1024 px, beside
    the sidebar, the list has no room for them whole: one card per 件, as on a phone."""
    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district="平阴县高新技术产业开发区某某街道办事处")
    sign_in(page, portal_url, name)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="预登记办理").first.click()
    wait_for_app(page, "按查询码查找")
    page.locator(".st-key-a11y-bar label").first.click()             # 大字号
    page.wait_for_function("() => document.querySelector('[role=switch]').checked", timeout=20_000)
    filter_queue(page, made.code, "共 1 件")
    row = page.locator('[data-testid="stTable"] tbody tr').first
    row.locator("td", has_text="平阴县").wait_for(state="visible", timeout=20_000)
    lines = row.locator("td").evaluate_all("""tds => tds.map(td => {
        const r = document.createRange(); r.selectNodeContents(td.querySelector('p') || td);
        return [td.getAttribute('data-label'), new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size,
                getComputedStyle(td).display, parseFloat(getComputedStyle(td).fontSize)]; })""")
    by_label = {label: (n, display, size) for label, n, display, size in lines}
    for label in ("期限", "查询码", "重复信访", "状态", "类别", "收到日期"):
        assert by_label[label][:2] == (1, "table-cell"), (label, lines)
    assert by_label["问题属地"][0] > 1                     # the long one wraps instead
    assert all(size >= 20 for _, _, size in by_label.values()), lines   # as large as the text around it
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "queue-large-1280.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    page.set_viewport_size({"width": 1024, "height": 800})
    page.wait_for_function("""() => getComputedStyle(document.querySelector('[data-testid=stTable] td')).display === 'block'""",
                           timeout=20_000)
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1024, box
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "queue-large-1024.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
