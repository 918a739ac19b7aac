"""The statutory clock from what actually happened: 登记转送 from submission, 办理 from the recorded
registration, 请求复查 from the recorded answer — the same on 进度查询, the receipt and the staff
queue. Events on real dates, a month end and a leap year."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from portal.clock import StatutoryClock
from portal.identity import Actor
from portal.prefiling import staff
from portal.prefiling.lookup import lookup, receipt_again
from portal.prefiling.models import Prefiling
from portal.prefiling.receipt import clock_lines, clock_of, make_receipt
from portal.prefiling.states import apply_transition
from portal.roles import HANDLER
from tests.prefiling.factories import client, make_prefiling

CLERK = Actor("clerk", frozenset({HANDLER}))


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _move(session: Session, prefiling_id: int, action: str, at: dt.datetime, **changes) -> None:
    """A transition recorded at a given moment (what staff did on that day)."""
    p = session.get(Prefiling, prefiling_id)
    event = apply_transition(p, action, actor="clerk", reply=f"{action} 的答复", at=at)
    for name, value in changes.items():
        setattr(p, name, value)
    session.add_all([p, event])
    session.commit()


def _received(session: Session, prefiling_id: int, day: dt.date) -> None:
    p = session.get(Prefiling, prefiling_id)
    p.received_date = day
    session.add(p)
    session.commit()


def test_leap_year_dates_count_february_29():
    clock = StatutoryClock(dt.date(2028, 1, 31), accepted=dt.date(2028, 2, 10), answered=dt.date(2028, 2, 29))
    assert clock.acceptance_due() == dt.date(2028, 2, 15)
    assert clock.handling_due() == dt.date(2028, 4, 10)         # 19 days of February, 31 of March, 10
    assert clock.handling_due(extended=True) == dt.date(2028, 5, 10)
    assert clock.review_request_due() == dt.date(2028, 3, 30)   # from the answer on 29 February
    timeline = {m.rule.key: m for m in clock.timeline()}
    assert timeline["review_request"].recorded and timeline["review_request"].start == dt.date(2028, 2, 29)
    assert not timeline["review_answer"].recorded
    assert timeline["review_answer"].start == dt.date(2028, 3, 30)  # projected from the latest review request


def test_answered_on_1_december_the_review_window_ends_31_december(db_engine):
    """The reported bug: an answer on 1 December showed 请求复查 by 2027-03-31."""
    with Session(db_engine) as s:
        made = make_prefiling(s)
        pid = made.prefiling.id
        _received(s, pid, dt.date(2026, 10, 30))
        _move(s, pid, "register", utc(2026, 10, 31, 2), official_number="XF-2026-1031")  # month end
        # 30 November 17:30 UTC is already 1 December in Beijing: the answer is dated 1 December
        _move(s, pid, "close", utc(2026, 11, 30, 17, 30))
        view = lookup(session=s, code=made.code, secret=made.secret, client=client(), today=dt.date(2026, 12, 5))
        staff_view = staff.staff_view(session=s, actor=CLERK, prefiling_id=pid)
    lines = {line.name: line for line in view.clock}
    assert lines["登记转送"].due == dt.date(2026, 11, 14)
    assert lines["办理"].due == dt.date(2026, 12, 30)                # 60 days from 31 October
    assert "按登记日（2026年10月31日）推算" in lines["办理"].text and "最迟约" not in lines["办理"].text
    assert lines["请求复查"].due == dt.date(2026, 12, 31)
    assert "按本网站记录的办结日（2026年12月1日）推算，最迟 2026年12月31日" in lines["请求复查"].text
    assert "2027" not in lines["请求复查"].text
    # later steps hang on the citizen's own request: no projected dates
    assert lines["复查意见"].due is None and lines["请求复核"].due is None
    assert "2027" not in lines["复查意见"].text + lines["请求复核"].text
    assert view.days_left is None                                    # closed: no running deadline
    assert staff_view.registered_date == dt.date(2026, 10, 31)
    assert staff_view.answered_date == dt.date(2026, 12, 1)


def test_handling_runs_from_the_actual_registration_in_every_view(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s, district="长清区")
        pid = made.prefiling.id
        _received(s, pid, dt.date(2028, 1, 30))
        _move(s, pid, "register", utc(2028, 1, 31, 3), official_number="XF-2028-0131")
        today = dt.date(2028, 3, 1)
        view = lookup(session=s, code=made.code, secret=made.secret, client=client(), today=today)
        row = staff.queue(session=s, actor=CLERK, district="长清区", today=today)[0]
    # 31 January + 60 days in a leap year = 31 March; the page, the queue and the clock agree
    assert {line.name: line.due for line in view.clock}["办理"] == dt.date(2028, 3, 31)
    assert view.days_left == row.days_left == 30


def test_receipt_and_lookup_show_the_same_dates_right_after_submission(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        view = lookup(session=s, code=made.code, secret=made.secret, client=client())
        p = s.get(Prefiling, made.prefiling.id)
        receipt = make_receipt(code=made.code, secret=made.secret, submitted=p.received_date,
                               category=p.category, district=p.district)
        assert [(x.name, x.due) for x in receipt.lines] == [(x.name, x.due) for x in view.clock]
        assert [(x.name, x.due) for x in clock_lines(clock_of(p), category=p.category)] == [(x.name, x.due) for x in view.clock]


def test_the_review_request_date_is_the_nominal_day_even_in_the_national_day_holiday(db_engine):
    """Answered (办结) on Tuesday 2026-09-01: 30 days later is Thursday 2026-10-01, 国庆 (10-01 to
    10-07 are 放假). The citizen's own 请求复查 period is given at that nominal day, never moved on to
    10-08 (信访工作条例 第三十五条; the receipt says their own dates are not moved): a later date could
    make them ask too late."""
    with Session(db_engine) as s:
        made = make_prefiling(s)
        pid = made.prefiling.id
        _received(s, pid, dt.date(2026, 8, 20))
        _move(s, pid, "register", utc(2026, 8, 21, 2), official_number="XF-2026-0821")
        _move(s, pid, "close", utc(2026, 9, 1, 2))                 # 10:00 in Beijing, 1 September
        view = lookup(session=s, code=made.code, secret=made.secret, client=client(), today=dt.date(2026, 9, 2))
        again = receipt_again(view, office=None, today=dt.date(2026, 9, 2))
    line = {x.name: x for x in view.clock}["请求复查"]
    assert line.due == dt.date(2026, 10, 1)
    assert "按本网站记录的办结日（2026年9月1日）推算，最迟 2026年10月1日；" in line.text
    assert "10月8日" not in line.text and "顺延" not in line.text
    receipt_line = next(x for x in again.text().splitlines() if x.startswith("· 请求复查"))
    assert "最迟 2026年10月1日；" in receipt_line and "10月8日" not in receipt_line


def test_the_review_request_date_on_a_sunday_is_not_moved_to_monday():
    """Answered on Friday 2026-11-06: +30 days is Sunday 2026-12-06. The date given (to the
    citizen on 进度查询 and the receipt, and to staff as the reminder) is that Sunday, not Monday 12-07."""
    clock = StatutoryClock(dt.date(2026, 9, 1), accepted=dt.date(2026, 9, 8), answered=dt.date(2026, 11, 6))
    assert clock.review_request_due() == dt.date(2026, 12, 6)
    line = {x.name: x for x in clock_lines(clock, category="申诉求决")}["请求复查"]
    assert line.due == dt.date(2026, 12, 6)
    assert "最迟 2026年12月6日；" in line.text and "12月7日" not in line.text
