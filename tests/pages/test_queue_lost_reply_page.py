"""预登记办理 when the database's answer to a handler's click is lost (AppTest): the page shows the
staff fault text, and the 件 shown next says what became of the click, from the 件's own events.
A 登记 that was committed is not called someone else's (刚刚已有他人处理，您这次的操作没有执行 was
false twice over: a reviewer found it with a commit delayed past the reply timeout)."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.identity import Actor
from portal.prefiling import staff, transitions
from portal.roles import HANDLER
from tests.conftest import database_away, page_text
from tests.pages.test_staff_queue_page import audit, citizen_sees, district, open_queue, open_record, stored
from tests.staff.portal_db import ready_engine

REPLY = "已登记，转区住建局办理。"


def _register_with_the_answer_lost(at, pid: int, monkeypatch, *, committed: bool) -> None:
    """登记 clicked; the database fails after the commit (`committed`: the reply lost) or before it."""
    real = transitions.register

    def lost(**kwargs):
        if committed:
            real(**kwargs)
        database_away()

    # a number of its own: the database is shared, and a number registered twice is refused
    at.text_input(key=f"number-{pid}").input(f"示信〔2026〕{uuid.uuid4().int % 10**6}号")
    at.text_area(key=f"reply-register-{pid}").input(REPLY)
    with monkeypatch.context() as away:
        away.setattr(transitions, "register", lost)
        at.button(key=f"do-register-{pid}").click().run()
    assert at.exception   # the staff fault text: the outcome unknown to the page


def _reopened(at, made):
    """预登记办理 opened again from the menu, as the fault text says, the database back."""
    at.switch_page("pages/staff_queue.py").run()
    assert not at.exception, [e.value for e in at.exception]
    if at.selectbox(key="q-open").value != made.prefiling.id:
        open_record(at, made)
    return page_text(at)


def test_a_committed_registration_whose_answer_was_lost_is_said_to_be_done(app_page, monkeypatch):
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    _register_with_the_answer_lost(at, pid, monkeypatch, committed=True)
    text = _reopened(at, made)
    assert "您刚才的操作已经完成（当时没有收到确认）。下面是最新的状态。" in text
    assert "他人" not in text and "没有执行" not in text
    assert citizen_sees(made).state == "已登记"
    assert len(audit(f"prefiling:{made.code}", "transition")) == 1
    at.run()   # said once
    assert "您刚才的操作已经完成" not in page_text(at)


def test_a_registration_that_failed_before_its_commit_is_said_not_to_have_run(app_page, monkeypatch):
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    _register_with_the_answer_lost(at, pid, monkeypatch, committed=False)
    text = _reopened(at, made)
    assert "您刚才的操作没有执行（当时系统出现故障），此件没有变动，可以再次办理。" in text
    assert "已经完成" not in text and "他人" not in text
    assert citizen_sees(made).state == "已提交"
    at.button(key=f"do-register-{pid}").click().run()   # the boxes came back; the next click goes through
    assert citizen_sees(made).state == "已登记"


def test_a_colleagues_move_after_a_failed_click_is_still_theirs(app_page, monkeypatch):
    """Not committed, and a colleague acted meanwhile: that is what the handler is told."""
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    _register_with_the_answer_lost(at, pid, monkeypatch, committed=False)
    with Session(ready_engine()) as s:
        staff.request_more(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid,
                           reply="请补充劳动合同复印件。")
    text = _reopened(at, made)
    assert "刚刚已有他人处理，您这次的操作没有执行。下面是最新的状态。" in text
    assert "已经完成" not in text


def test_a_committed_move_followed_by_a_colleagues_says_both(app_page, monkeypatch):
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    _register_with_the_answer_lost(at, pid, monkeypatch, committed=True)
    with Session(ready_engine()) as s:
        staff.close(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid,
                    reply="已转区住建局，物业已修复。")
    text = _reopened(at, made)
    assert "您刚才的操作已经完成（当时没有收到确认）。之后又有他人处理了此件。下面是最新的状态。" in text
    assert "没有执行" not in text
