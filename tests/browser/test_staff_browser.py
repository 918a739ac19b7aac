"""In a real browser: a case on a phone, a published XSS payload stays inert, staff sign-in shows
only the role's pages, and the first box clicked on a page keeps what is typed."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlmodel import Session

from portal.roles import EDITOR
from tests.browser.conftest import (
    after_rerun,
    assert_fits_phone,
    new_staff_user,
    settle,
    sidebar_folded,
    sign_in,
    wait_for_app,
)
from tests.cases.factories import make_case
from tests.staff.portal_db import ready_engine


def test_case_detail_on_a_phone(portal_url, phone, artifacts):
    phone.goto(f"{portal_url}/cases?case=staff-example-tiaojie-xieyi")
    wait_for_app(phone, "邻里漏水纠纷经人民调解达成协议")
    phone.screenshot(path=str(artifacts / "case-detail-phone.png"), full_page=True)
    expect(phone.locator(".case-badge").first).to_be_visible()  # waits: the badge may render after the title
    link = phone.get_by_role("link", name="《中华人民共和国人民调解法》第三十一条")
    assert "/laws?law=renmin-tiaojie-fa-2010" in link.get_attribute("href")
    phone.screenshot(path=str(artifacts / "case-detail-phone.png"), full_page=True)
    assert_fits_phone(phone)


def test_published_payload_does_not_run(portal_url, page, library):
    slug = f"xss-{uuid.uuid4().hex[:8]}"
    with Session(ready_engine()) as s:
        make_case(s, library, slug, state="已发布", title="脚本测试案例",
                  facts='正文<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>'
                        "[点我](javascript:window.__pwned=3)")
        s.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{portal_url}/cases?case={slug}")
    wait_for_app(page, "脚本测试案例")
    settle(page, 1000)
    link = page.get_by_text("点我")
    if link.count():
        link.first.click()
        settle(page, 500)
    assert dialogs == [] and page.evaluate("window.__pwned === undefined")


def test_editor_signs_in_and_sees_only_editor_pages(portal_url, page, artifacts):
    name = new_staff_user(EDITOR)
    sign_in(page, portal_url, name)
    assert page.get_by_role("link", name="典型案例管理").count() >= 1
    assert page.get_by_role("link", name="账号管理").count() == 0
    assert page.get_by_role("link", name="操作日志").count() == 0
    page.screenshot(path=str(artifacts / "staff-signed-in.png"))
    page.get_by_role("link", name="典型案例管理").first.click()
    wait_for_app(page, "选择案例")
    page.screenshot(path=str(artifacts / "staff-case-editor.png"), full_page=True)


def test_reloading_a_staff_page_asks_to_sign_in_and_opens_it_again(portal_url, page, artifacts):
    """A reload (F5) or a bookmark of 预登记办理 starts a new, signed-out session: the page says in
    Chinese to sign in and opens the queue after it — no English "Page not found", no home page."""
    from portal.roles import HANDLER

    name = new_staff_user(HANDLER)
    page.goto(f"{portal_url}/staff_queue")
    wait_for_app(page, "请先登录，登录后将打开“预登记办理”")
    assert "Page not found" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "staff-reload-sign-in.png"))
    from tests.staff.factories import PASSWORD

    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page, "按查询码查找")
    assert page.url.endswith("/staff_queue")


def test_the_first_box_clicked_after_opening_a_page_keeps_the_typing(portal_url, page):
    """Typing a title, then clicking into 案情 reruns the page. A scroll script the first run of a
    page drew (and the rerun did not) moved every element after it, Streamlit redrew them all, and
    the box just clicked lost its focus: what was typed next went nowhere."""
    name = new_staff_user(EDITOR)
    sign_in(page, portal_url, name)
    page.get_by_role("link", name="典型案例管理").first.click()
    wait_for_app(page, "选择案例")
    page.get_by_role("textbox", name="标题", exact=True).click()
    page.keyboard.type("邻里噪音纠纷调解", delay=30)
    facts = page.get_by_role("textbox", name="案情", exact=True)
    facts.click()
    page.keyboard.type("楼上住户每晚跳绳", delay=60)
    settle(page)                       # any run the typing started, and the page's focus moves after it
    assert facts.input_value() == "楼上住户每晚跳绳"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "案情"


def test_streamlits_own_small_targets_are_big_enough_on_a_phone(portal_url, phone):
    """显示密码 in the password box was 32 × 16 px, the 编辑 / 预览 tabs 28 × 40 px."""
    phone.goto(f"{portal_url}/staff_login")
    wait_for_app(phone, "工作人员登录")
    eye = phone.get_by_role("button", name="显示密码").bounding_box()
    assert eye["width"] >= 44 and eye["height"] >= 40, eye      # as tall as its box
    name = new_staff_user(EDITOR)
    sign_in(phone, portal_url, name)
    phone.locator('[data-testid="stMain"]').get_by_role("link", name="典型案例管理").click()
    wait_for_app(phone, "选择案例")
    tabs = [t.bounding_box() for t in phone.get_by_role("tab").all()]
    assert len(tabs) == 2 and all(t["width"] >= 44 and t["height"] >= 44 for t in tabs), tabs


def test_each_remove_button_names_its_article_and_shows_remove(portal_url, page):
    """典型案例管理's 法律依据: a screen reader heard 移除, 移除, 移除 and could not tell which article
    each removes; each is named after its article now, and still shows 移除 alone."""
    import re

    name = new_staff_user(EDITOR)
    sign_in(page, portal_url, name)
    page.locator('[data-testid="stMain"]').get_by_role("link", name="典型案例管理").click()
    wait_for_app(page, "选择案例")
    page.get_by_role("button", name="添加这一条").click()
    remove = page.get_by_role("button", name=re.compile(r"^移除 《.+》第.+条$"))
    remove.wait_for(state="visible", timeout=20_000)
    assert remove.evaluate("b => b.querySelector('em').getBoundingClientRect().width") <= 1   # shown: 移除
    reason = page.get_by_role("textbox", name=re.compile(r"^《.+》第.+条的适用理由（一句话）$"))
    assert reason.count() == 1


def test_a_created_account_leaves_the_new_account_form_empty(portal_url, phone, artifacts):
    """An administrator creating two accounts in a row found the first one's name and password
    still in the boxes (Streamlit's browser kept the values a deleted key had held)."""
    from portal.roles import ADMIN
    from tests.browser.conftest import open_staff_page

    admin = new_staff_user(ADMIN)
    open_staff_page(phone, portal_url, admin, "账号管理", "新建账号")
    name = f"zhao{uuid.uuid4().hex[:6]}"
    phone.get_by_label("用户名（小写字母、数字、点、横线、下划线，2–40 个字符）").fill(name)
    phone.get_by_label("初始密码（至少", exact=False).fill("a-long-password-1")
    phone.get_by_label("再输入一次密码").fill("a-long-password-1")
    roles = phone.get_by_role("combobox", name="角色").first
    roles.click()
    roles.press_sequentially(EDITOR)
    roles.press("Enter")
    roles.press("Escape")
    phone.get_by_role("button", name="创建账号").click()
    wait_for_app(phone, f"已创建账号 {name}。")
    settle(phone)                      # the scroll after the run (150 and 600 ms), the focus's (1.5 s)
    said, bar = phone.locator(".st-key-users-flash-box").bounding_box(), phone.get_by_test_id("stHeader").bounding_box()
    assert said["y"] >= bar["y"] + bar["height"] - 1, (said, bar)   # in view, not under the top bar
    phone.screenshot(path=str(artifacts / "users-created.png"), full_page=True)
    # the focus is not on the page's body, nor on 创建账号 left a screen below the message brought
    # up (no ring in sight): on the message, in view
    phone.wait_for_function(f"() => document.activeElement.innerText.includes('已创建账号 {name}')", timeout=10_000)
    # and a screen reader hears the message, which a new role=status element did not reliably say
    phone.wait_for_function("w => (document.getElementById('portal-announcer') || {}).textContent === w",
                            arg=f"已创建账号 {name}。", timeout=10_000)
    assert phone.locator("#portal-announcer").get_attribute("aria-live") == "polite"
    assert phone.get_by_label("用户名（小写字母、数字、点、横线、下划线，2–40 个字符）").input_value() == ""
    assert phone.get_by_label("初始密码（至少", exact=False).input_value() == ""
    assert phone.get_by_label("再输入一次密码").input_value() == ""


def test_giving_up_ones_edits_to_a_case_shows_the_colleagues_reasons(portal_url, phone, library, artifacts):
    """The same for a typical case's 适用理由 boxes: after 放弃我的修改 they kept this editor's words
    in the browser, and the next 保存 put them over the colleague's."""
    from portal.cases import service
    from portal.cases.content import Citation
    from tests.browser.conftest import after_rerun, open_staff_page
    from tests.cases.factories import ARTICLE_22, EDITOR_ACTOR, MEDIATION_31, make_draft

    slug = f"overtaken-{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_case(s, library, slug, title=f"欠薪纠纷 {slug}")
        s.commit()
    open_staff_page(phone, portal_url, new_staff_user(EDITOR), "典型案例管理", "选择案例")
    phone.get_by_role("combobox", name="选择案例").click()
    after_rerun(phone, lambda: phone.get_by_role("option", name=slug, exact=False).first.click(), "保存")
    reason = phone.get_by_label("《信访工作条例》第二十二条的适用理由（一句话）")
    assert reason.input_value() == "信访部门收到信访事项应当登记并转送。"
    with Session(ready_engine()) as s:
        service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug=slug, draft=make_draft(
            title=f"欠薪纠纷 {slug}", provisions=(Citation(ARTICLE_22, "同事改过的理由。"),
                                                 Citation(MEDIATION_31, "调解协议具有法律约束力。"))))
        s.commit()
    reason.fill("我改的理由。")
    after_rerun(phone, lambda: phone.get_by_role("button", name="保存", exact=True).click(), "修改并保存了这个")
    after_rerun(phone, lambda: phone.get_by_role("button", name="放弃我的修改，显示最新内容").click(), "保存")
    expect(reason).to_have_value("同事改过的理由。", timeout=10_000)
    settle(phone)                                    # and no later run puts another text back
    assert reason.input_value() == "同事改过的理由。"


def test_the_date_and_time_boxes_speak_chinese(portal_url, phone):
    """接访日程管理's date and time boxes were read out in English (Choose date, year, 接访日期,
    Selected Date: December 05, 2026)."""
    from tests.browser.conftest import open_staff_page

    open_staff_page(phone, portal_url, new_staff_user(EDITOR), "接访日程管理", "添加接访安排")
    settle(phone, 1000)               # the frame script puts the boxes' words in Chinese
    english = phone.evaluate("""() => {
        const boxes = [...document.querySelectorAll('[data-testid="stDateInput"], [data-testid="stTimeInput"]')];
        const said = boxes.flatMap(b => [b.innerText,
            ...[...b.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))]);
        const hidden = [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e =>
            e.children.length === 0 && !['SCRIPT', 'STYLE'].includes(e.tagName)
            && /Selected (Date|Time)/.test(e.textContent)).map(e => e.textContent);
        return [...said, ...hidden].filter(s => /[A-Za-z]{3,}/.test(s)); }""")
    assert english == [], english
    assert phone.get_by_text(re.compile(r"^已选日期：\d{4}年\d{1,2}月\d{2}日$")).count() >= 1


def test_a_chosen_role_reads_white_on_red_in_high_contrast_and_its_remove_is_a_target(portal_url, phone, artifacts):
    """高对比度 turned a chosen role's chip text black on its red (2.6:1), and its ✕ was 23 × 13 px at
    320 px; the date boxes were 37 px high with a light grey frame beside black-framed text boxes
    (a staff-page review)."""
    from portal.roles import ADMIN
    from tests.browser.conftest import open_staff_page

    admin = new_staff_user(ADMIN)
    phone.set_viewport_size({"width": 320, "height": 640})
    open_staff_page(phone, portal_url, admin, "账号管理", "新建账号")
    # 高对比度: its run over before typing in 角色 (a run landing then dropped what was typed)
    after_rerun(phone, lambda: phone.locator(".st-key-a11y-bar label").nth(1).click(), "新建账号")
    phone.wait_for_function("() => document.querySelectorAll('[role=switch]')[1].checked", timeout=20_000)
    settle(phone, 500)
    roles = phone.get_by_role("combobox", name="角色").first
    roles.click()
    roles.press_sequentially(EDITOR)
    roles.press("Enter")
    roles.press("Escape")
    chip = phone.get_by_test_id("stMultiSelect").first.locator("[data-tag]").first
    chip.wait_for(state="visible", timeout=20_000)
    colour = chip.evaluate("el => getComputedStyle(el.querySelector('span')).color")
    assert colour == "rgb(255, 255, 255)", colour
    remove = chip.get_by_role("button", name=f"删除 {EDITOR}").bounding_box()
    assert remove["width"] >= 24 and remove["height"] >= 24, remove
    chip.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "users-role-chip-contrast-320.png"))

    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.get_by_test_id("stSidebarNavLink").filter(has_text="操作日志").first.click()
    wait_for_app(phone, "操作类型")
    sidebar_folded(phone)
    box = phone.get_by_test_id("stDateInputField").first
    frame = box.evaluate("el => [el.getBoundingClientRect().height, getComputedStyle(el).borderTopColor]")
    assert frame[0] >= 44 and frame[1] == "rgb(0, 0, 0)", frame
