"""信访指南编辑 (AppTest): only an 编辑 opens it; an editor previews and publishes a section, is told
inline what is refused, and citizens see the published text on 信访指南 at once. An article cited by its
law's name ([[信访工作条例第21条]]) is linked in 预览 and on the public page; one the library cannot
read is marked in 预览 and refused on 发布, named."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from portal.guide import service
from portal.guide.models import GuideSectionRecord
from portal.identity import Actor
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER
from tests.conftest import page_text
from tests.staff.portal_db import ready_engine, signed_in_state

SLUG = "shenme-shi-xinfang"   # the first section: the one 选择章节 opens on
ARTICLE = "[[xinfang-gongzuo-tiaoli-2022:第二十一条]]"


@pytest.fixture
def section(library):
    """The first section as stored; published back as it was after the test (the run's database is
    shared with the other page tests)."""
    engine = ready_engine()
    with Session(engine) as s:
        before = s.get(GuideSectionRecord, SLUG)
    yield before
    with Session(engine) as s:
        now = s.get(GuideSectionRecord, SLUG)
        if (now.title, now.body, now.show_timeline) != (before.title, before.body, before.show_timeline):
            service.publish_section(session=s, actor=Actor("test-cleanup", frozenset({EDITOR})), library=library,
                                    slug=SLUG, title=before.title, body=before.body,
                                    show_timeline=before.show_timeline, expected_revision=now.revision)
            s.commit()


def test_a_citizen_is_sent_to_sign_in_and_the_editor_box_never_shows(app_page):
    ready_engine()
    at = app_page("pages/staff_guide.py")
    assert [t.value for t in at.title] == ["工作人员登录"]
    assert "请先登录，登录后将打开“信访指南编辑”" in page_text(at)
    assert not [w for w in at.text_area if str(w.key).startswith("guide-")]


@pytest.mark.parametrize("roles", [(HANDLER,), (ADMIN,), (COUNSEL,)])
def test_a_role_without_the_editor_right_does_not_open_it(app_page, roles):
    at = app_page("pages/staff_guide.py", session_state=signed_in_state(*roles))
    assert [t.value for t in at.title] == ["工作台"]
    assert not [w for w in at.text_area if str(w.key).startswith("guide-")]


def test_an_editor_previews_publishes_and_citizens_see_it(app_page, section):
    marker = f"页面测试追加的一段{uuid.uuid4().hex[:6]}"
    at = app_page("pages/staff_guide.py", session_state=signed_in_state(EDITOR, username=f"ed{uuid.uuid4().hex[:8]}"))
    assert [t.value for t in at.title] == ["信访指南编辑"] and at.selectbox(key="guide-pick").value == SLUG
    assert at.text_input(key=f"guide-title-{SLUG}").value == section.title
    body = at.text_area(key=f"guide-body-{SLUG}")
    assert body.value == section.body
    # a mistyped article is refused, named, and nothing is published
    body.input(section.body + f"\n\n{marker}，依据 [[xinfang-gongzuo-tiaoli-2022:第九百条]]。").run()
    at.button(key=f"guide-publish-{SLUG}").click().run()
    text = page_text(at)
    assert "[[xinfang-gongzuo-tiaoli-2022:第九百条]]" in text and "法规库中没有这些条文" in text and "已发布" not in text
    assert marker not in page_text(app_page("pages/guide.py"))
    # corrected: the preview links the article as the public page does, and 发布 publishes it
    at.text_area(key=f"guide-body-{SLUG}").input(section.body + f"\n\n{marker}，依据 {ARTICLE}。").run()
    assert any("[《信访工作条例》第二十一条](/laws?law=xinfang-gongzuo-tiaoli-2022&article=" in str(m.value)
               and marker in str(m.value) for m in at.markdown)
    assert "法规库中没有这些条文" not in page_text(at)   # the stale error went with the text it was about
    at.button(key=f"guide-publish-{SLUG}").click().run()
    assert not at.exception and any(f"已发布第 {section.revision + 1} 版" in s.value for s in at.success)
    assert marker in at.text_area(key=f"guide-body-{SLUG}").value     # the boxes hold what is stored
    public = page_text(app_page("pages/guide.py"))
    assert marker in public and "[[" not in public
    assert "[《信访工作条例》第二十一条](/laws?law=xinfang-gongzuo-tiaoli-2022&article=" in public


def test_an_editor_whose_colleague_published_first_is_told_and_nothing_is_overwritten(app_page, section, library):
    at = app_page("pages/staff_guide.py", session_state=signed_in_state(EDITOR))
    at.text_area(key=f"guide-body-{SLUG}").input(section.body + "\n\n我的改动。").run()
    with Session(ready_engine()) as s:
        service.publish_section(session=s, actor=Actor("editor-colleague", frozenset({EDITOR})), library=library,
                                slug=SLUG, title=section.title, body=section.body + "\n\n同事的改动。",
                                expected_revision=section.revision)
        s.commit()
    at.button(key=f"guide-publish-{SLUG}").click().run()
    assert "editor-colleague" in page_text(at) and "已发布" not in " ".join(s.value for s in at.success)
    with Session(ready_engine()) as s:
        assert s.get(GuideSectionRecord, SLUG).body.endswith("同事的改动。")
    # told, the editor may knowingly put theirs in place of the colleague's version
    at.button(key=f"overwrite-guide-{SLUG}-{section.revision + 1}").click().run()
    assert any(f"已发布第 {section.revision + 2} 版" in s.value for s in at.success)
    with Session(ready_engine()) as s:
        assert s.get(GuideSectionRecord, SLUG).body.endswith("我的改动。")


def test_an_earlier_version_is_published_again_from_the_revision_list(app_page, section, library):
    with Session(ready_engine()) as s:
        service.publish_section(session=s, actor=Actor("editor-colleague", frozenset({EDITOR})), library=library,
                                slug=SLUG, title=section.title, body=section.body + "\n\n要撤掉的一段。",
                                expected_revision=section.revision)
        s.commit()
    at = app_page("pages/staff_guide.py", session_state=signed_in_state(EDITOR))
    assert "要撤掉的一段。" in at.text_area(key=f"guide-body-{SLUG}").value
    at.selectbox(key=f"guide-rev-{SLUG}").select(section.revision).run()
    at.button(key=f"guide-restore-{SLUG}-{section.revision}").click().run()
    assert any(f"已按第 {section.revision} 版的内容发布为第 {section.revision + 2} 版" in s.value for s in at.success)
    assert at.text_area(key=f"guide-body-{SLUG}").value == section.body
    assert "要撤掉的一段。" not in page_text(app_page("pages/guide.py"))


# --- citing an article by its law's name: [[信访工作条例第21条]] -----------------------------------

LINK_21 = "[《信访工作条例》第二十一条](/laws?law=xinfang-gongzuo-tiaoli-2022&article="


def _editor(app_page):
    return app_page("pages/staff_guide.py", session_state=signed_in_state(EDITOR, username=f"ed{uuid.uuid4().hex[:8]}"))


def test_a_citation_by_the_laws_name_is_linked_in_the_preview_and_on_the_public_page(app_page, section):
    marker = f"页面测试简写引用{uuid.uuid4().hex[:6]}"
    at = _editor(app_page)
    at.text_area(key=f"guide-body-{SLUG}").input(section.body + f"\n\n{marker}，依据 [[信访工作条例第21条]]。").run()
    assert any(LINK_21 in str(m.value) and marker in str(m.value) for m in at.markdown)
    assert not at.warning and "找不到这一条" not in page_text(at)
    at.button(key=f"guide-publish-{SLUG}").click().run()
    assert not at.exception and any(f"已发布第 {section.revision + 1} 版" in s.value for s in at.success)
    public = page_text(app_page("pages/guide.py"))
    assert marker in public and LINK_21 in public and "信访工作条例第21条" not in public


def test_an_unknown_citation_is_marked_in_the_preview_and_refused_on_publish(app_page, section):
    marker = f"页面测试错误引用{uuid.uuid4().hex[:6]}"
    at = _editor(app_page)
    at.text_area(key=f"guide-body-{SLUG}").input(
        section.body + f"\n\n{marker}，依据 [[信访工作条例第九十九条]] 和 [[信访条例第十条]]。").run()
    warned = " ".join(w.value for w in at.warning)
    assert "发布时会被退回" in warned and "信访工作条例第九十九条" in warned and "《信访工作条例》没有第九十九条" in warned
    assert "“信访条例”指哪一部" in warned
    preview = next(str(m.value) for m in at.markdown if marker in str(m.value))
    assert ":orange-background[" in preview and "信访工作条例第九十九条" in preview and "（法规库中找不到这一条）" in preview
    at.button(key=f"guide-publish-{SLUG}").click().run()
    text = page_text(at)
    assert "没有发布" in text and "法规库中没有这些条文" in text and "信访工作条例第九十九条" in text
    assert not at.success
    assert marker not in page_text(app_page("pages/guide.py"))
