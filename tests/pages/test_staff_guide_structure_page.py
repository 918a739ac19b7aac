"""信访指南编辑 (AppTest), the page's structure: an editor adds a section citizens then read, withdraws
and restores it, moves a section down and up, and is told in words what is refused. The run's
database is shared with the other page tests: each test leaves the public guide as it found it."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from portal.guide import service, structure
from portal.guide.lifecycle import PUBLISHED
from portal.identity import Actor
from portal.roles import EDITOR
from tests.conftest import page_text
from tests.staff.portal_db import ready_engine, signed_in_state

ARTICLE = "[[xinfang-gongzuo-tiaoli-2022:第二十一条]]"
CLEANUP = Actor("test-cleanup", frozenset({EDITOR}))


def public_titles(app_page) -> list[str]:
    return [str(h.value) for h in app_page("pages/guide.py").header]


@pytest.fixture
def order_kept():
    """The order and states as stored; put back after the test."""
    engine = ready_engine()
    with Session(engine) as s:
        before = [(r.slug, r.state) for r in service.staff_sections(session=s, actor=CLEANUP)]
    yield before
    with Session(engine) as s:
        for slug, _state in before:   # bubble each back into place
            now = [r.slug for r in service.staff_sections(session=s, actor=CLEANUP)]
            while now.index(slug) > [b for b, _ in before].index(slug):
                structure.move_section(session=s, actor=CLEANUP, slug=slug, direction=structure.UP)
                now = [r.slug for r in service.staff_sections(session=s, actor=CLEANUP)]
        for row in service.staff_sections(session=s, actor=CLEANUP):
            if row.slug not in dict(before) and row.state == PUBLISHED:   # added by the test: off the page
                structure.withdraw_section(session=s, actor=CLEANUP, slug=row.slug)
        s.commit()


def editor(app_page):
    return app_page("pages/staff_guide.py", session_state=signed_in_state(EDITOR, username=f"ed{uuid.uuid4().hex[:8]}"))


def test_an_editor_adds_a_section_citizens_read_then_withdraws_and_restores_it(app_page, order_kept):
    slug, title = f"dating-{uuid.uuid4().hex[:6]}", f"接待大厅冬季开放{uuid.uuid4().hex[:4]}"
    before = public_titles(app_page)
    at = editor(app_page)
    at.text_input(key="guide-new-slug").input("Da Ting")
    at.text_input(key="guide-new-title").input(title)
    at.text_area(key="guide-new-body").input("咨询电话 138-1234-5678。").run()
    at.button(key="guide-add").click().run()
    text = page_text(at)
    assert "没有新增" in text and "网址名只能用小写英文字母" in text and "身份证号或电话号码" in text
    assert public_titles(app_page) == before                                  # nothing was added
    at.text_input(key="guide-new-slug").input(slug)
    at.text_area(key="guide-new-body").input(f"冬季接待大厅照常开放，依据 {ARTICLE}。").run()
    at.button(key="guide-add").click().run()
    assert any("已新增并发布" in s.value and title in s.value for s in at.success), page_text(at)
    assert at.selectbox(key="guide-pick").value == slug and at.text_input(key=f"guide-title-{slug}").value == title
    assert public_titles(app_page) == [*before, title]                        # the last section
    assert not at.text_input(key="guide-new-slug").value                      # the form is empty again

    at.button(key=f"guide-withdraw-{slug}").click().run()
    assert any("已撤回" in s.value and "可随时恢复" in s.value for s in at.success)
    assert "（已撤回）" in at.selectbox(key="guide-pick").format_func(slug)
    assert title not in public_titles(app_page)
    at.button(key=f"guide-restore-section-{slug}").click().run()
    assert any("已恢复" in s.value for s in at.success)
    assert public_titles(app_page) == [*before, title]


def test_moving_the_first_section_down_and_back_up_reorders_the_public_page(app_page, order_kept):
    first, second, *rest = public_titles(app_page)
    at = editor(app_page)
    slug = at.selectbox(key="guide-pick").value
    assert at.button(key=f"guide-up-{slug}").disabled                        # already the first
    at.button(key=f"guide-down-{slug}").click().run()
    assert any(f"已将“{first}”下移到第 2 节" in s.value for s in at.success), page_text(at)
    assert "位置：第 2 节" in page_text(at)
    assert public_titles(app_page)[:2] == [second, first]
    at.button(key=f"guide-up-{slug}").click().run()
    assert public_titles(app_page)[:2] == [first, second]


def test_a_move_over_a_colleagues_reordering_is_refused_in_words(app_page, order_kept):
    at = editor(app_page)
    slug = at.selectbox(key="guide-pick").value
    below = order_kept[1][0]
    with Session(ready_engine()) as s:   # a colleague moves the second section up meanwhile
        structure.move_section(session=s, actor=CLEANUP, slug=below, direction=structure.UP)
        s.commit()
    order = public_titles(app_page)
    at.button(key=f"guide-down-{slug}").click().run()
    assert any("顺序刚被他人调整" in e.value for e in at.error) and public_titles(app_page) == order


def test_withdrawing_the_section_the_deadline_picture_follows_is_refused_in_words(app_page, order_kept):
    with Session(ready_engine()) as s:
        timeline = next(r.slug for r in service.staff_sections(session=s, actor=CLEANUP) if r.show_timeline)
    at = editor(app_page)
    at.selectbox(key="guide-pick").select(timeline).run()
    at.button(key=f"guide-withdraw-{timeline}").click().run()
    assert any("没有撤回" in e.value and "期限示意图" in e.value for e in at.error), page_text(at)
    assert "期限示意图" in [str(h.value) for h in app_page("pages/guide.py").subheader]


def test_a_second_section_asking_for_the_deadline_picture_does_not_break_the_public_page(app_page, order_kept, library):
    """新增 (or 恢复) can tick the picture on a second section: /guide drew it twice under one key, and
    the citizen got Streamlit's error page instead of the guide. It is drawn once, after the first."""
    slug = f"second-timeline-{uuid.uuid4().hex[:6]}"
    with Session(ready_engine()) as s:
        structure.add_section(session=s, actor=CLEANUP, library=library, slug=slug, title="第二个期限示意图",
                              body=f"也想在这一节之后显示期限示意图，依据 {ARTICLE}。", show_timeline=True)
        s.commit()
    page = app_page("pages/guide.py")
    assert not page.exception, page.exception
    assert [str(h.value) for h in page.subheader].count("期限示意图") == 1
    assert "第二个期限示意图" in [str(h.value) for h in page.header]
    caption = " ".join(str(c.value) for c in page.caption)
    # the first period as the receipt and 进度查询 name it, and the notice that follows it
    assert "登记转送：信访部门自收到之日起 15 日内登记" in caption and "第二十三条" in caption
    assert "图中按收到转送当日受理推算" in caption   # what the picture's 最迟第几日 assume
