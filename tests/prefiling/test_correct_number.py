"""更正信访件编号: a registered pre-filing's mistyped number is put right — the citizen's 进度查询 and
the staff detail show the new number, the history says from which to which and why, the audit log
records it; the state and the clock do not move. Refusals write nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.audit.service import CORRECTION, TRANSITION
from portal.identity import Actor, PermissionDenied
from portal.prefiling import handling, staff
from portal.prefiling.codes import grouped
from portal.prefiling.lookup import lookup
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.states import IllegalTransition
from portal.roles import EDITOR, HANDLER
from tests.prefiling.factories import client, make_prefiling

CLERK = Actor("clerk", frozenset({HANDLER}))
COLLEAGUE = Actor("colleague", frozenset({HANDLER}))
EDITOR_ONLY = Actor("editor", frozenset({EDITOR}))
WRONG, RIGHT = "LX2026-0518", "LX2026-0815"


def registered(s: Session, number: str = WRONG):
    made = make_prefiling(s)
    staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=number)
    return made


def entries(s: Session, made, action: str) -> list[AuditEntry]:
    return list(s.exec(select(AuditEntry).where(AuditEntry.action == action,
                                                AuditEntry.target == f"prefiling:{made.code}")))


def events(s: Session, made) -> int:
    return len(s.exec(select(PrefilingEvent.id).where(PrefilingEvent.prefiling_id == made.prefiling.id)).all())


def test_the_citizen_and_staff_see_the_corrected_number_and_why(db_engine):
    with Session(db_engine) as s:
        made = registered(s)
        pid = made.prefiling.id
        before = lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert before.official_number == WRONG

        staff.correct_number(session=s, actor=CLERK, prefiling_id=pid, official_number=f"  {RIGHT} ",
                             reason="登记时两位数字录反")

        seen = lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert seen.official_number == RIGHT
        assert seen.state == "已登记" and seen.can_rate is False
        last = seen.history[-1]
        assert (last.action, last.state) == ("更正信访件编号", "已登记")
        assert last.reply == f"信访件编号由 {WRONG} 更正为 {RIGHT}。更正原因：登记时两位数字录反。"
        # the clock still runs from the day of 登记: nothing restarted
        assert seen.registered_date == before.registered_date and seen.days_left == before.days_left
        assert [line.text for line in seen.clock] == [line.text for line in before.clock]

        detail = handling.detail(session=s, actor=CLERK, prefiling_id=pid)
        assert detail.official_number == RIGHT and detail.registered_date == before.registered_date
        assert detail.history[-1].reply.startswith(f"信访件编号由 {WRONG} 更正为 {RIGHT}")
        # still 已登记: the handler can close it (or correct it again)
        assert handling.offered_actions(detail.state) == ("close", "correct_number")


def test_the_correction_is_in_the_audit_log_with_both_numbers_not_as_a_state_change(db_engine):
    with Session(db_engine) as s:
        made = registered(s)
        staff.correct_number(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=RIGHT,
                             reason="录入错误")
        [entry] = entries(s, made, CORRECTION)
        assert (entry.actor_name, entry.detail) == ("clerk", f"信访件编号：{WRONG} → {RIGHT}")
        assert [e.detail for e in entries(s, made, TRANSITION)] == ["登记为信访件：已提交 → 已登记"]


def test_a_closed_filing_keeps_its_number(db_engine):
    with Session(db_engine) as s:
        made = registered(s)
        pid = made.prefiling.id
        staff.close(session=s, actor=CLERK, prefiling_id=pid, reply="已修复屋顶。")
        count = events(s, made)
        with pytest.raises(IllegalTransition) as refused:
            staff.correct_number(session=s, actor=CLERK, prefiling_id=pid, official_number=RIGHT, reason="录入错误")
        assert str(refused.value) == "只有“已登记”的件可以更正信访件编号，此件当前状态为“已办结”。"
        s.rollback()
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).official_number == WRONG
        assert events(s, made) == count and entries(s, made, CORRECTION) == []


def test_a_filing_not_yet_registered_has_no_number_to_correct(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        with pytest.raises(IllegalTransition, match="此件当前状态为“已提交”"):
            staff.correct_number(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=RIGHT,
                                 reason="录入错误")
        s.rollback()
        seen = lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert seen.official_number == "" and seen.state == "已提交"


def test_the_same_number_again_is_refused_at_the_number(db_engine):
    with Session(db_engine) as s:
        made = registered(s)
        with pytest.raises(staff.StaffInputError) as refused:
            staff.correct_number(session=s, actor=CLERK, prefiling_id=made.prefiling.id,
                                 official_number=f" {WRONG}", reason="录入错误")
        assert refused.value.field == "official_number"
        assert str(refused.value) == f"新的信访件编号与现在的编号 {WRONG} 相同，请填写正确的编号。"
        s.rollback()
        assert events(s, made) == 2 and entries(s, made, CORRECTION) == []


@pytest.mark.parametrize(("number", "reason", "field", "message"), [
    ("", "录入错误", "official_number", "请填写信访件编号。"),
    ("\u200b", "录入错误", "official_number", "请填写信访件编号。"),
    ("X" * 41, "录入错误", "official_number", "信访件编号不能超过40个字"),
    ("=HYPERLINK(1)", "录入错误", "official_number", "信访件编号不能以 = + - @ 这几个符号开头"),
    (RIGHT, "", "reason", "请填写更正原因。"),
    (RIGHT, "错" * 201, "reason", "更正原因不能超过200个字"),
])
def test_an_invalid_number_or_a_missing_reason_is_refused_as_at_registration(db_engine, number, reason,
                                                                              field, message):
    with Session(db_engine) as s:
        made = registered(s)
        with pytest.raises(staff.StaffInputError) as refused:
            staff.correct_number(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=number,
                                 reason=reason)
        assert refused.value.field == field and str(refused.value).startswith(message)
        if field == "official_number":  # the very words 登记 gives for the same number
            other = make_prefiling(s)
            with pytest.raises(staff.StaffInputError) as at_registration:
                staff.register(session=s, actor=CLERK, prefiling_id=other.prefiling.id, official_number=number)
            assert str(at_registration.value) == str(refused.value)
        s.rollback()
        assert s.get(Prefiling, made.prefiling.id).official_number == WRONG


def test_only_handlers_may_correct(db_engine):
    with Session(db_engine) as s:
        made = registered(s)
        for who in (EDITOR_ONLY, None):
            with pytest.raises(PermissionDenied):
                staff.correct_number(session=s, actor=who, prefiling_id=made.prefiling.id, official_number=RIGHT,
                                     reason="录入错误")
        assert s.get(Prefiling, made.prefiling.id).official_number == WRONG


def _colleague_closes(s: Session, pid: int, seen: int) -> None:
    staff.close(session=s, actor=COLLEAGUE, prefiling_id=pid, reply="已办结。", version=seen)


def _colleague_corrects(s: Session, pid: int, seen: int) -> None:
    staff.correct_number(session=s, actor=COLLEAGUE, prefiling_id=pid, official_number=RIGHT,
                         reason="录入错误", version=seen)


@pytest.mark.parametrize(("meanwhile", "number", "corrections"), [
    (_colleague_closes, WRONG, 0),      # a colleague closed it: nothing to correct any more
    (_colleague_corrects, RIGHT, 1),    # two handlers correcting from the same screen: the first wins
])
def test_a_correction_after_a_colleague_acted_is_refused_and_writes_nothing(db_engine, meanwhile, number,
                                                                             corrections):
    with Session(db_engine, expire_on_commit=False) as s:
        made = registered(s)
        pid = made.prefiling.id
        seen = s.get(Prefiling, pid).version
    with Session(db_engine) as s:
        meanwhile(s, pid, seen)
    with Session(db_engine) as s:
        with pytest.raises(IllegalTransition, match="刚刚已有他人处理，您这次的操作没有执行"):
            staff.correct_number(session=s, actor=CLERK, prefiling_id=pid, official_number="LX2026-0999",
                                 reason="录入错误", version=seen)
        s.rollback()
        assert s.get(Prefiling, pid).official_number == number
        assert events(s, made) == 3 and len(entries(s, made, CORRECTION)) == corrections


@pytest.mark.parametrize("move", ["register", "correct_number"])
@pytest.mark.parametrize("typed", [f" {RIGHT}", RIGHT.lower(), "ＬＸ２０２６－０８１５", "LX 2026-0815"])
def test_a_number_another_filing_already_carries_is_refused_and_names_that_filing(db_engine, move, typed):
    with Session(db_engine) as s:
        first = registered(s, RIGHT)
        made = registered(s) if move == "correct_number" else make_prefiling(s)
        count = events(s, made)
        with pytest.raises(staff.StaffInputError) as refused:
            if move == "register":
                staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=typed)
            else:
                staff.correct_number(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=typed,
                                     reason="录入错误")
        assert refused.value.field == "official_number"
        assert str(refused.value) == (f"信访件编号 {RIGHT} 已用于另一件预登记（查询码 {grouped(first.code)}），"
                                      "请核对编号。")
        s.rollback()
        assert s.get(Prefiling, made.prefiling.id).official_number == ("" if move == "register" else WRONG)
        assert events(s, made) == count and entries(s, made, CORRECTION) == []
        # the number that is free is taken as before
        staff.correct_number(session=s, actor=CLERK, prefiling_id=first.prefiling.id, official_number="LX2026-0999",
                             reason="录入错误")
        if move == "register":
            staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=RIGHT)
        else:
            staff.correct_number(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=RIGHT,
                                 reason="录入错误")
        assert s.get(Prefiling, made.prefiling.id).official_number == RIGHT


def test_a_correction_weeks_later_does_not_restart_the_60_days(db_engine, monkeypatch):
    """登记 on 2026-11-03, the number corrected on 2026-11-20: 办理 still runs 60 days from 11-03,
    to 2027-01-02 (27 days of November, 31 of December, 2), not from the correction (2027-01-19)."""
    import datetime as dt

    from portal.prefiling import states

    def at(*when):
        monkeypatch.setattr(states, "utcnow", lambda: dt.datetime(*when, tzinfo=dt.UTC))

    with Session(db_engine) as s:
        made = make_prefiling(s)
        pid = made.prefiling.id
        p = s.get(Prefiling, pid)
        p.received_date = dt.date(2026, 11, 1)
        s.add(p)
        s.commit()
        at(2026, 11, 3, 2)          # 10:00 in Beijing
        staff.register(session=s, actor=CLERK, prefiling_id=pid, official_number=WRONG)
        at(2026, 11, 20, 2)
        staff.correct_number(session=s, actor=CLERK, prefiling_id=pid, official_number=RIGHT, reason="录入错误")
        seen = lookup(session=s, code=made.code, secret=made.secret, client=client(), today=dt.date(2026, 11, 25))
        row = staff.queue(session=s, actor=CLERK, code=made.code, today=dt.date(2026, 11, 25))[0]
    handling_line = {line.name: line for line in seen.clock}["办理"]
    assert handling_line.due == dt.date(2027, 1, 2)
    # 2027-01-02 is a Saturday: the handling body's last day moves to Monday 2027-01-04
    assert "按登记日（2026年11月3日）推算最迟 2027年1月4日（2027年1月2日为法定休假日，顺延）" in handling_line.text
    assert "11月20日" not in handling_line.text
    # 40 days from 2026-11-25 to 2027-01-04 (5 + 31 + 4), on 进度查询 and in the queue alike
    assert seen.days_left == row.days_left == 40
