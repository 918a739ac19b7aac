"""Unsaved edits on 典型案例管理 and 常见问题库 (AppTest): 发布 publishes what is stored, so it is
refused while the boxes hold something else (the public would get the old text under 已发布), and a
bank question's unsaved text survives looking at another question, as a case's does."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.cases.models import TypicalCase
from portal.identity import Actor
from portal.qa import service as bank
from portal.qa.models import BankQuestion
from portal.roles import COUNSEL
from tests.conftest import page_text
from tests.pages.test_case_conflict_page import _open_question, open_case
from tests.staff.portal_db import ready_engine

UNSAVED = "有未保存的修改"


def _case(slug: str) -> TypicalCase:
    with Session(ready_engine()) as s:
        return s.get(TypicalCase, slug)


def _question(qid: int) -> BankQuestion:
    with Session(ready_engine()) as s:
        return s.get(BankQuestion, qid)


def test_a_case_with_an_unsaved_title_is_not_published(app_page, library):
    at, slug = open_case(app_page, library, "保存过的标题")
    assert not at.button(key=f"发布-{slug}").disabled and UNSAVED not in page_text(at)
    # typed, then 发布 clicked at once: the click and the new text arrive in one run
    at.text_input(key=f"title-{slug}").input("还没保存的标题")
    at.button(key=f"发布-{slug}").click().run()
    assert "没有发布：有未保存的修改：请先保存，再发布。" in page_text(at) and "已发布。" not in page_text(at)
    assert at.button(key=f"发布-{slug}").disabled
    assert "有未保存的修改：请先保存，再发布。" in [c.value for c in at.caption]
    at.run()
    assert "没有发布" not in page_text(at), "said once, for the click"
    stored = _case(slug)
    assert (stored.state, stored.title) == ("草稿", "保存过的标题"), "nothing published"
    assert at.text_input(key=f"title-{slug}").value == "还没保存的标题", "what was typed is still there"
    at.button(key=f"save-{slug}").click().run()
    assert not at.button(key=f"发布-{slug}").disabled and UNSAVED not in page_text(at)
    at.button(key=f"发布-{slug}").click().run()
    assert "已发布。公众现在可以看到这个案例。" in page_text(at)
    stored = _case(slug)
    assert (stored.state, stored.title) == ("已发布", "还没保存的标题")
    public = app_page("pages/cases.py", case=slug)
    assert "还没保存的标题" in page_text(public) and "保存过的标题" not in page_text(public)


def test_a_case_with_unsaved_edits_can_still_be_withdrawn_and_says_so(app_page, library):
    at, slug = open_case(app_page, library, "要撤回的案例")
    at.button(key=f"发布-{slug}").click().run()
    at.text_area(key=f"facts-{slug}").input("改到一半的案情。").run()
    assert UNSAVED in page_text(at), "a published case with unsaved edits says so too"
    assert not at.button(key=f"撤回-{slug}").disabled
    at.button(key=f"撤回-{slug}").click().run()
    assert "已撤回。公众已看不到这个案例。" in page_text(at) and _case(slug).state == "已撤回"
    assert at.text_area(key=f"facts-{slug}").value == "改到一半的案情。"
    assert at.button(key=f"发布-{slug}").disabled and "请先保存，再发布" in page_text(at)


def test_a_bank_question_with_unsaved_text_or_articles_is_not_published(app_page, library):
    at, qid, original = _open_question(app_page, library)
    publish = f"bank-发布-q{qid}"
    assert not at.button(key=publish).disabled
    at.text_area(key=f"bank-text-q{qid}").input(original + "（未保存）")
    at.button(key=publish).click().run()                                # in one run, as in the browser
    assert "没有发布：有未保存的修改" in page_text(at) and "已发布。" not in page_text(at)
    assert at.button(key=publish).disabled and "有未保存的修改：请先保存，再发布。" in page_text(at)
    stored = _question(qid)
    assert (stored.state, stored.question) == ("草稿", original)
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（未保存）"
    at.text_area(key=f"bank-text-q{qid}").input(original).run()         # back as stored: may publish
    assert not at.button(key=publish).disabled and UNSAVED not in page_text(at)
    at.text_input(key=f"picker-q{qid}-id").input("信访工作条例第23条")    # an article attached, not saved
    at.button(key=f"picker-q{qid}-add").click().run()
    assert at.button(key=publish).disabled and UNSAVED in page_text(at)
    assert _question(qid).state == "草稿"
    at.button(key=f"bank-save-q{qid}").click().run()
    assert not at.button(key=publish).disabled
    at.button(key=publish).click().run()
    stored = _question(qid)
    assert stored.state == "已发布"
    assert bank.provisions_of(stored) == ("xinfang-gongzuo-tiaoli-2022:第二十二条",
                                          "xinfang-gongzuo-tiaoli-2022:第二十三条")


def _another_question(library) -> int:
    with Session(ready_engine()) as s:
        entry = bank.add_question(session=s, actor=Actor("counsel-qian", frozenset({COUNSEL})), library=library,
                                  question=f"另一个问题{uuid.uuid4().hex[:6]}",
                                  provision_ids=["xinfang-gongzuo-tiaoli-2022:第二十二条"])
        s.commit()
        return entry.id


def test_a_bank_questions_unsaved_text_survives_opening_another_question(app_page, library):
    other = _another_question(library)
    at, qid, original = _open_question(app_page, library)
    at.text_area(key=f"bank-text-q{qid}").input(original + "（未保存）").run()
    at.selectbox(key="bank-pick").set_value(other).run()
    assert at.text_area(key=f"bank-text-q{other}").value.startswith("另一个问题")
    assert UNSAVED not in page_text(at)
    at.selectbox(key="bank-pick").set_value(qid).run()
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（未保存）"
    assert "有未保存的修改：请先保存，再发布。" in page_text(at), "the kept edit is said"
    assert _question(qid).question == original


def test_a_bank_questions_unsaved_text_survives_a_filter_that_hides_it(app_page, library):
    at, qid, original = _open_question(app_page, library)
    at.text_area(key=f"bank-text-q{qid}").input(original + "（未保存）").run()
    at.text_input(key="bank-contains").input(f"没有这样的问题{uuid.uuid4().hex}").run()
    assert at.selectbox(key="bank-pick").value == 0                   # the list no longer has it
    at.text_input(key="bank-contains").input("").run()
    at.selectbox(key="bank-pick").set_value(qid).run()
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（未保存）"


def test_a_new_bank_questions_text_survives_opening_a_question(app_page, library):
    at, qid, original = _open_question(app_page, library)
    at.selectbox(key="bank-pick").set_value(0).run()
    at.text_area(key="bank-text-new").input("写到一半的新问题").run()
    at.selectbox(key="bank-pick").set_value(qid).run()
    assert at.text_area(key=f"bank-text-q{qid}").value == original
    at.selectbox(key="bank-pick").set_value(0).run()
    assert at.text_area(key="bank-text-new").value == "写到一半的新问题"


def test_saving_a_bank_question_after_coming_back_saves_the_kept_text(app_page, library):
    other = _another_question(library)
    at, qid, original = _open_question(app_page, library)
    at.text_area(key=f"bank-text-q{qid}").input(original + "（改过）").run()
    at.selectbox(key="bank-pick").set_value(other).run()
    at.selectbox(key="bank-pick").set_value(qid).run()
    at.button(key=f"bank-save-q{qid}").click().run()
    assert "已保存" in page_text(at) and UNSAVED not in page_text(at)
    assert _question(qid).question == original + "（改过）"
    at.selectbox(key="bank-pick").set_value(other).run()                # nothing unsaved is kept now
    at.selectbox(key="bank-pick").set_value(qid).run()
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（改过）" and UNSAVED not in page_text(at)


def test_a_kept_bank_edit_a_colleague_saved_over_meanwhile_asks_before_saving(app_page, library):
    """The kept text counts as typed (ui.overtaken): coming back after a colleague's save, this
    counsel is asked, not given the colleague's text over theirs, nor theirs saved over it."""
    from tests.pages.test_case_conflict_page import _colleague_edits_question

    other = _another_question(library)
    at, qid, original = _open_question(app_page, library)
    at.text_area(key=f"bank-text-q{qid}").input(original + "（我改的）").run()
    at.selectbox(key="bank-pick").set_value(other).run()
    _colleague_edits_question(library, qid, original + "（同事改的）")
    at.selectbox(key="bank-pick").set_value(qid).run()
    assert "修改并保存了这个问题" in page_text(at)
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（我改的）"
    at.button(key=f"bank-save-q{qid}").click().run()
    assert "没有保存" in page_text(at) and _question(qid).question == original + "（同事改的）"
