"""In a real browser on a phone: an 编辑 opens 信访指南编辑, types into 正文, sees the article link
in 预览, publishes, and a citizen's 信访指南 shows the new text."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.guide import service
from portal.guide.models import GuideSectionRecord
from portal.identity import Actor
from portal.roles import EDITOR
from tests.browser.conftest import after_rerun, new_staff_user, open_staff_page, settle, wait_for_app
from tests.staff.portal_db import ready_engine

SLUG = "shenme-shi-xinfang"


def test_an_editor_previews_and_publishes_a_guide_section_on_a_phone(portal_url, phone, browser, library, artifacts):
    with Session(ready_engine()) as s:
        before = s.get(GuideSectionRecord, SLUG)
    marker = f"手机上追加的一段{uuid.uuid4().hex[:6]}"
    try:
        open_staff_page(phone, portal_url, new_staff_user(EDITOR), "信访指南编辑", "选择章节")
        body = phone.get_by_label("正文", exact=True)
        body.fill(before.body + f"\n\n{marker}，依据 [[xinfang-gongzuo-tiaoli-2022:第二十一条]]。")
        body.press("Control+Enter")
        settle(phone, 800)             # the run that takes the text in
        phone.get_by_role("tab", name="预览").click()
        preview = phone.get_by_role("tabpanel", name="预览")
        wait_for_app(phone, marker, within=preview)
        assert preview.get_by_role("link", name="《信访工作条例》第二十一条").count() >= 1
        phone.screenshot(path=str(artifacts / "staff-guide-preview-phone.png"), full_page=True)
        after_rerun(phone, lambda: phone.get_by_role("button", name="发布", exact=True).click(), "已发布第")
        citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
        citizen.goto(f"{portal_url}/guide")
        wait_for_app(citizen, marker)
        citizen.context.close()
    finally:
        with Session(ready_engine()) as s:
            now = s.get(GuideSectionRecord, SLUG)
            if now.body != before.body:
                service.publish_section(session=s, actor=Actor("test-cleanup", frozenset({EDITOR})),
                                        library=library, slug=SLUG, title=before.title, body=before.body,
                                        expected_revision=now.revision)
                s.commit()


def test_an_editor_adds_a_section_on_a_phone_and_withdraws_it_again(portal_url, phone, browser, artifacts):
    """新增章节 on a phone: the citizen's 信访指南 shows it last, with its entry in 本页内容; after
    从公众页面撤回 the citizen's page no longer has it (the section is kept, never deleted)."""
    from playwright.sync_api import expect

    tag = uuid.uuid4().hex[:6]
    slug, title = f"tongzhi-{tag}", f"接待大厅临时通知{tag}"
    open_staff_page(phone, portal_url, new_staff_user(EDITOR), "信访指南编辑", "选择章节")
    phone.get_by_text("新增章节", exact=True).click()
    phone.get_by_label("新章节的网址名", exact=True).fill(slug)
    phone.get_by_label("新章节的标题", exact=True).fill(title)
    body = phone.get_by_label("新章节的正文", exact=True)
    body.fill("十二月份每周三下午接待大厅改在二楼，依据 [[xinfang-gongzuo-tiaoli-2022:第二十一条]]。")
    body.press("Control+Enter")
    settle(phone, 800)                 # the run that takes the text in
    after_rerun(phone, lambda: phone.get_by_role("button", name="新增并发布").click(), "已新增并发布")
    phone.screenshot(path=str(artifacts / "staff-guide-added-phone.png"), full_page=True)

    citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    citizen.goto(f"{portal_url}/guide")
    wait_for_app(citizen, "十二月份每周三下午接待大厅改在二楼")
    expect(citizen.get_by_role("link", name=title)).to_have_count(1)   # 本页内容

    after_rerun(phone, lambda: phone.get_by_role("button", name="从公众页面撤回").click(), "已撤回")
    citizen.goto(f"{portal_url}/guide")
    wait_for_app(citizen, "什么是信访")
    expect(citizen.get_by_text("十二月份每周三下午接待大厅改在二楼")).to_have_count(0)
    expect(citizen.get_by_role("link", name=title)).to_have_count(0)
    citizen.context.close()
    with Session(ready_engine()) as s:
        kept = s.get(GuideSectionRecord, slug)
    assert kept is not None and kept.state == "已撤回"
