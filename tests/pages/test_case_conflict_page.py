"""Two editors on one typical case or bank question (AppTest, ui.overtaken): a save made on text
another editor has changed since is refused until this editor chooses, and an editor who typed
nothing simply sees the new text."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.cases import service
from portal.cases.models import TypicalCase
from portal.identity import Actor
from portal.qa import service as bank
from portal.qa.models import BankQuestion
from portal.roles import COUNSEL, EDITOR
from tests.cases.factories import make_case, make_draft
from tests.conftest import page_text
from tests.staff.portal_db import ready_engine, signed_in_state

COLLEAGUE = Actor("editor-li", frozenset({EDITOR}))


def _stored(slug: str) -> TypicalCase:
    with Session(ready_engine()) as s:
        return s.get(TypicalCase, slug)


def _colleague_saves(library, slug: str, **changes) -> None:
    with Session(ready_engine()) as s:
        case = s.get(TypicalCase, slug)
        service.save_case(session=s, actor=COLLEAGUE, library=library, slug=slug, draft=make_draft(**changes),
                          expected_revision=case.revision)
        s.commit()


def open_case(app_page, library, title: str = "两人同时编辑的案例"):
    """A new 草稿 case titled `title`, open in 典型案例管理 for a signed-in 编辑: (AppTest, slug)."""
    slug = f"ui-{uuid.uuid4().hex[:8]}"
    with Session(ready_engine()) as s:
        make_case(s, library, slug, title=title)
        s.commit()
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    at.selectbox(key="cases-pick").set_value(slug).run()
    return at, slug


def test_a_save_on_text_a_colleague_has_changed_since_is_refused_until_the_editor_chooses(app_page, library):
    at, slug = open_case(app_page, library)
    at.text_input(key=f"title-{slug}").input("我改的标题")
    at.run()
    _colleague_saves(library, slug, title="两人同时编辑的案例", facts="同事补充的案情。")
    at.button(key=f"save-{slug}").click().run()
    text = page_text(at)
    assert "没有保存" in text and "editor-li" in text and "修改并保存了这个案例" in text
    stored = _stored(slug)
    assert (stored.title, stored.facts) == ("两人同时编辑的案例", "同事补充的案情。"), "the colleague's save stands"
    assert at.text_input(key=f"title-{slug}").value == "我改的标题", "what this editor typed is still there"
    assert at.button(key=f"发布-{slug}").disabled, "not publishing a version this editor has not seen"
    # the editor chooses to replace the colleague's version with theirs
    at.button(key=f"overwrite-{slug}-{stored.revision}").click().run()
    assert "已保存" in page_text(at) and "修改并保存了这个案例" not in page_text(at)
    stored = _stored(slug)
    assert (stored.title, stored.facts) == ("我改的标题", "某公司拖欠职工工资三个月。")


def test_giving_up_ones_edits_shows_the_colleagues_text(app_page, library):
    at, slug = open_case(app_page, library)
    at.text_area(key=f"facts-{slug}").input("我写到一半的案情。")
    at.run()
    _colleague_saves(library, slug, title="同事改过的标题")
    at.run()
    assert "修改并保存了这个案例" in page_text(at)
    assert at.text_input(key=f"title-{slug}").value == "两人同时编辑的案例"
    at.button(key=f"take-latest-{slug}").click().run()
    assert "修改并保存了这个案例" not in page_text(at)
    assert at.text_input(key=f"title-{slug}").value == "同事改过的标题"
    assert at.text_area(key=f"facts-{slug}").value == "某公司拖欠职工工资三个月。"
    at.button(key=f"save-{slug}").click().run()              # and saving now goes through
    assert "已保存" in page_text(at)


def test_an_editor_who_typed_nothing_sees_the_colleagues_text_without_a_warning(app_page, library):
    at, slug = open_case(app_page, library)
    _colleague_saves(library, slug, title="同事改过的标题")
    at.run()
    assert "修改并保存了这个案例" not in page_text(at)
    assert at.text_input(key=f"title-{slug}").value == "同事改过的标题"


def test_publishing_does_not_count_as_someone_elses_change(app_page, library):
    """Nor does withdrawing with edits not yet saved (发布 waits for them to be saved: see
    tests/pages/test_unsaved_edits_page.py)."""
    at, slug = open_case(app_page, library)
    at.text_input(key=f"title-{slug}").input("发布前改的标题")
    at.button(key=f"save-{slug}").click().run()
    at.button(key=f"发布-{slug}").click().run()
    assert "已发布" in page_text(at) and "修改并保存了这个案例" not in page_text(at)
    at.text_input(key=f"title-{slug}").input("撤回前改的标题")
    at.run()
    at.button(key=f"撤回-{slug}").click().run()
    assert "已撤回" in page_text(at) and "修改并保存了这个案例" not in page_text(at)
    at.button(key=f"save-{slug}").click().run()
    assert "已保存" in page_text(at) and _stored(slug).title == "撤回前改的标题"


def _colleague_edits_question(library, question_id: int, text: str) -> None:
    with Session(ready_engine()) as s:
        entry = s.get(BankQuestion, question_id)
        bank.edit_question(session=s, actor=Actor("counsel-zhao", frozenset({COUNSEL})), library=library,
                           question_id=question_id, question=text, provision_ids=list(bank.provisions_of(entry)),
                           expected_revision=entry.revision)
        s.commit()


def _open_question(app_page, library):
    with Session(ready_engine()) as s:
        entry = bank.add_question(session=s, actor=Actor("counsel-qian", frozenset({COUNSEL})), library=library,
                                  question=f"两人同时修改的问题{uuid.uuid4().hex[:6]}",
                                  provision_ids=["xinfang-gongzuo-tiaoli-2022:第二十二条"])
        s.commit()
        qid, text = entry.id, entry.question
    at = app_page("pages/staff_bank.py", session_state=signed_in_state(COUNSEL))
    at.selectbox(key="bank-pick").set_value(qid).run()
    return at, qid, text


def test_a_bank_question_changed_by_a_colleague_keeps_this_counsels_text_until_they_choose(app_page, library):
    at, qid, original = _open_question(app_page, library)
    at.text_area(key=f"bank-text-q{qid}").input(original + "（我改的）")
    at.run()
    _colleague_edits_question(library, qid, original + "（同事改的）")
    at.button(key=f"bank-save-q{qid}").click().run()
    text = page_text(at)
    assert "没有保存" in text and "counsel-zhao" in text and "修改并保存了这个问题" in text
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（我改的）"
    with Session(ready_engine()) as s:
        assert s.get(BankQuestion, qid).question == original + "（同事改的）"
    at.button(key=f"take-latest-q{qid}").click().run()
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（同事改的）"
    assert "修改并保存了这个问题" not in page_text(at)


def test_a_bank_question_changed_by_a_colleague_shows_at_once_when_nothing_was_typed(app_page, library):
    at, qid, original = _open_question(app_page, library)
    _colleague_edits_question(library, qid, original + "（同事改的）")
    at.run()
    assert "修改并保存了这个问题" not in page_text(at)
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（同事改的）"
    at.text_area(key=f"bank-text-q{qid}").input(original + "（我再改）")
    at.button(key=f"bank-save-q{qid}").click().run()
    with Session(ready_engine()) as s:
        assert s.get(BankQuestion, qid).question == original + "（我再改）"


def test_the_revision_history_opens_on_the_newest_version(app_page, library):
    """修订记录's 查看某一版的全文 opened on 第 1 版, the oldest."""
    slug = f"ui-{uuid.uuid4().hex[:8]}"
    with Session(ready_engine()) as s:
        make_case(s, library, slug, title="第一版的标题")
        s.commit()
    _colleague_saves(library, slug, title="第二版的标题")
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    at.selectbox(key="cases-pick").set_value(slug).run()
    versions = at.selectbox(key=f"rev-{slug}")
    assert versions.options[0] == versions.format_func(versions.value) and versions.options[0].endswith("（最新）")


def test_the_editor_is_told_what_the_public_page_will_not_show(app_page, library):
    """A <script> or a javascript: link typed into a section vanished from the preview without a word."""
    at, slug = open_case(app_page, library)
    at.text_area(key=f"facts-{slug}").input("案情。<script>alert(1)</script>[点我](javascript:alert(1))")
    at.run()
    [note] = [c.value for c in at.caption if "公开页面上不会显示" in c.value]
    assert "script" in note and "javascript" in note and "正文只保留文字格式" in note
    at.text_area(key=f"facts-{slug}").input("案情。**加粗**")
    at.run()
    assert not [c for c in at.caption if "公开页面上不会显示" in c.value]


def test_publishing_a_case_a_colleague_changed_since_the_page_was_drawn_is_refused_once(app_page, library):
    """The staleness audit: an editor who had typed nothing clicked 发布 on a page drawn before a
    colleague's save; the run that took the click refreshed the boxes and published the colleague's
    text, which the editor had never seen, saying 已发布."""
    at, slug = open_case(app_page, library)
    _colleague_saves(library, slug, title="【他人修改】的标题")
    at.button(key=f"发布-{slug}").click().run()
    text = page_text(at)
    assert "没有发布：这个案例在您看到之后已被 editor-li 修改" in text and "已发布。公众" not in text
    assert _stored(slug).state == "草稿"
    assert at.text_input(key=f"title-{slug}").value == "【他人修改】的标题", "the page now shows what is stored"
    at.button(key=f"发布-{slug}").click().run()     # seen now: the second click publishes it
    assert "已发布。公众现在可以看到这个案例。" in page_text(at) and _stored(slug).state == "已发布"


def test_a_click_on_an_action_a_colleague_has_taken_meanwhile_is_said(app_page, library):
    """The button is not drawn any more (the case is 已发布 now): the click was dropped without a word."""
    at, slug = open_case(app_page, library)
    with Session(ready_engine()) as s:
        service.transition(session=s, actor=COLLEAGUE, library=library, slug=slug, action="发布")
        s.commit()
    at.button(key=f"发布-{slug}").click().run()
    assert "没有发布：editor-li 在" in page_text(at) and "已把这个案例改为“已发布”" in page_text(at)
    at.run()
    assert "没有发布" not in page_text(at), "said once, for the click"


def test_publishing_a_bank_question_a_colleague_edited_since_is_refused_once(app_page, library):
    at, qid, original = _open_question(app_page, library)
    _colleague_edits_question(library, qid, original + "（同事改的）")
    at.button(key=f"bank-发布-q{qid}").click().run()
    assert "没有发布：这个问题在您看到之后已被 counsel-zhao 修改" in page_text(at)
    with Session(ready_engine()) as s:
        assert s.get(BankQuestion, qid).state == "草稿"
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（同事改的）"
    at.button(key=f"bank-发布-q{qid}").click().run()
    with Session(ready_engine()) as s:
        assert s.get(BankQuestion, qid).state == "已发布"


def test_two_cases_with_one_title_can_each_be_opened(app_page, library):
    """Streamlit tells a picker's options apart by their labels: with two 草稿 cases of one title,
    choosing the second opened the first."""
    first, slug = open_case(app_page, library, "同名的两个案例")
    second, other = open_case(app_page, library, "同名的两个案例")
    assert second.selectbox(key="cases-pick").value == other
    assert second.caption[0].value.endswith(f"网址名：{other}")
    second.selectbox(key="cases-pick").set_value(slug).run()
    assert second.caption[0].value.endswith(f"网址名：{slug}")
