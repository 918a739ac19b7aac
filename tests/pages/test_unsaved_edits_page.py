"""Unsaved edits on 典型案例管理 and 常见问题库 (AppTest): 发布 publishes what is stored, so it is
refused while the boxes hold something else (the public would get the old text under 已发布)."""

from __future__ import annotations

from sqlmodel import Session

from portal.cases.models import TypicalCase
from portal.qa import service as bank
from portal.qa.models import BankQuestion
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
