"""Every dashboard figure on tests/stats/fixture.py, whose answers are worked out by hand there,
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from portal.identity import Actor, PermissionDenied
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER, REPORTS
from portal.stats import figures
from portal.stats.facts import Period, RangeError, last_month, month_period
from tests.stats.fixture import TODAY, registered_long_ago, seed, utc

D = dt.date
NOVEMBER = month_period(2026, 11)
ALL = Actor("chief", frozenset({ADMIN, REPORTS}))
ADMIN_ONLY = Actor("admin", frozenset({ADMIN}))


@pytest.fixture
def session(db_engine):
    with Session(db_engine) as s:
        seed(s)
        yield s


def test_last_month_is_the_calendar_month_before():
    assert last_month(TODAY) == Period(D(2026, 11, 1), D(2026, 11, 30))
    assert last_month(D(2027, 1, 15)) == Period(D(2026, 12, 1), D(2026, 12, 31))
    assert month_period(2028, 2).end == D(2028, 2, 29)


def test_a_backwards_or_overlong_range_is_refused_in_chinese():
    with pytest.raises(RangeError, match="开始日期不能晚于结束日期"):
        Period(D(2026, 11, 2), D(2026, 11, 1))
    with pytest.raises(RangeError, match="最长三年"):
        Period(D(2020, 1, 1), D(2026, 1, 1))


def test_intake_by_category_district_channel_and_flow(session):
    got = figures.intake(session=session, actor=ALL, period=NOVEMBER)
    assert got.total == 9
    assert got.by_month == [("2026-11", 9)]
    assert got.by_category == [("建议意见", 3), ("检举控告", 1), ("申诉求决", 4), ("其他", 1)]
    assert got.by_district == [("历下区", 4), ("市中区", 3), ("天桥区", 1), ("槐荫区", 1)]
    assert got.by_channel == [("劳动争议仲裁", 2), ("人民法院（诉讼）", 1), ("征收补偿（复核评估、行政复议、行政诉讼）", 1),
                              ("纪检监察机关", 1)]
    assert got.flow == {"提交": 9, "登记": 5, "办结": 2, "不予登记": 1, "撤回": 1, "待审核": 2, "办理中": 3}
    assert got.confirmed_repeats == 2                                # A6, A8 (A9 is only 疑似重复)


def test_intake_over_several_months_lists_every_month(session):
    got = figures.intake(session=session, actor=ALL, period=Period(D(2026, 9, 1), D(2026, 11, 30)))
    assert got.by_month == [("2026-09", 0), ("2026-10", 2), ("2026-11", 9)]


def test_acceptance_and_handling_on_time_with_weekend_and_holiday_roll_forward(session):
    nov = figures.timeliness(session=session, actor=ALL, period=NOVEMBER, today=TODAY)
    # A1 A2 A6 A7 (登记 on Monday after a Sunday deadline) A8 on time; A3 late; A4 A9 pending; A5 withdrawn
    assert (nov.acceptance_on_time, nov.acceptance_late, nov.acceptance_pending) == (5, 1, 2)
    assert nov.acceptance.rate == pytest.approx(5 / 6)
    # A1 A2 on time, A7 pending; A6 is a 检举控告: no 60 days, counted apart
    assert (nov.handling_on_time, nov.handling_extended, nov.handling_late, nov.handling_pending) == (2, 0, 0, 1)
    assert nov.handling_not_counted == 1
    august = figures.timeliness(session=session, actor=ALL, period=month_period(2026, 8), today=TODAY)
    # C1 answered 10-08, the National-Day roll-forward of 10-01: on time; C2 extended; C3 open past 60 days
    assert (august.handling_on_time, august.handling_extended, august.handling_late) == (1, 1, 1)
    assert august.handling.rate == pytest.approx(1 / 3)
    assert august.handling_with_extension.rate == pytest.approx(2 / 3)
    assert (august.acceptance_on_time, august.acceptance_late) == (2, 0)
    october = figures.timeliness(session=session, actor=ALL, period=month_period(2026, 10), today=TODAY)
    # C4 received on 10-31, never told: late since 11-16; D1 told on 10-12
    assert (october.acceptance_on_time, october.acceptance_late, october.acceptance_pending) == (1, 1, 0)


def test_first_time_ratings_and_one_time_rate(session):
    nov = figures.outcomes(session=session, actor=ALL, period=NOVEMBER)
    assert (nov.first_time.part, nov.first_time.whole) == (2, 2)     # A1 15 days, A2 20 days (A6: a repeat)
    assert nov.closed == 2                                           # A1, A2 (D1 closed 00:30 on 12-01)
    assert nov.ratings == {"满意": 1, "基本满意": 1, "不满意": 0}
    assert nov.satisfaction.rate == 1.0 and nov.one_time.rate == 1.0
    october = figures.outcomes(session=session, actor=ALL, period=month_period(2026, 10))
    assert october.closed == 2 and october.ratings == {"满意": 1, "基本满意": 0, "不满意": 1}
    assert (october.one_time.part, october.one_time.whole) == (1, 2)
    december = figures.outcomes(session=session, actor=ALL, period=month_period(2026, 12))
    assert december.closed == 1 and december.ratings["满意"] == 1     # D1, by its Beijing date


def test_a_confirmed_repeat_is_not_counted_as_first_time(session):
    """初信初访 is a petitioner's first letter or visit on a matter: a 件 a handler confirmed as 重复信访
    (the same matter raised before by the same petitioner) is not one, whatever the form said. A link
    still to decide (疑似重复) changes nothing."""
    from sqlmodel import select

    from portal.prefiling.models import Prefiling
    from portal.prefiling.repeats_models import PrefilingRepeat

    ids = {code: pid for pid, code in session.exec(select(Prefiling.id, Prefiling.code))}
    session.add(PrefilingRepeat(prefiling_id=ids["A2"], earlier_id=ids["A1"], same_petitioner=True, state="疑似重复"))
    session.commit()
    nov = figures.outcomes(session=session, actor=ALL, period=NOVEMBER)
    assert (nov.first_time.part, nov.first_time.whole) == (2, 2)     # A1, A2; A6 repeats A1 (confirmed)
    left_out = figures.outcomes(session=session, actor=ADMIN_ONLY, period=NOVEMBER)
    assert (left_out.first_time.part, left_out.first_time.whole) == (2, 2)


def test_overdue_and_due_this_week_by_reference_code(session):
    lists = figures.due_lists(session=session, actor=ALL, day=TODAY)
    assert [(r.code, r.step, r.due, r.days_left) for r in lists.overdue] == [
        ("C3", "办理", D(2026, 10, 30), -32), ("C4", "登记转送", D(2026, 11, 16), -15)]
    assert [(r.code, r.due, r.days_left) for r in lists.due_this_week] == [
        ("A4", D(2026, 12, 1), 0), ("A9", D(2026, 12, 7), 6)]
    month_end = figures.due_lists(session=session, actor=ALL, day=D(2026, 11, 30))
    assert [r.code for r in month_end.overdue] == ["C3", "C4"]
    # A9's last day, 12-07, is 7 days off: 还剩 7 天 is within 7 days, as the queue's 7天内到期 counts it
    assert [(r.code, r.days_left) for r in month_end.due_this_week] == [("A4", 1), ("A9", 7)]


def test_legal_education_counts(session):
    got = figures.legal_education(session=session, actor=ALL, period=NOVEMBER)
    assert got.top_articles[:2] == [("xinfang-gongzuo-tiaoli-2022:第三十二条", 7),
                                    ("xinfang-gongzuo-tiaoli-2022:第二十二条", 3)]
    assert got.bank_by_month == [("2026-11", 2)] and got.bank_total == 2
    assert got.top_cases == [("case-a", 3), ("case-b", 1)]


def test_bank_growth_is_counted_by_the_beijing_month(session):
    """A question added in the last hours of a UTC month falls in the next Beijing month."""
    from portal.qa.models import BankQuestion

    for created in (dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC), dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC),
                    dt.datetime(2026, 9, 30, 15, 30, tzinfo=dt.UTC)):   # Beijing 11-01, 10-01, and 09-30 (left out)
        session.add(BankQuestion(question=f"边界{created.isoformat()}", state="已发布", source="工作人员",
                                 created_at=created, created_by="t", updated_at=created, updated_by="t"))
    session.commit()
    got = figures.legal_education(session=session, actor=ALL, period=Period(D(2026, 10, 1), D(2026, 11, 30)))
    assert got.bank_by_month == [("2026-10", 2), ("2026-11", 3)]


def test_reports_are_counted_only_for_the_reports_role(session):
    intake = figures.intake(session=session, actor=ADMIN_ONLY, period=NOVEMBER)
    assert intake.total == 8 and "检举控告" not in dict(intake.by_category)
    assert not intake.restricted_counted and figures.intake(session=session, actor=ALL, period=NOVEMBER).restricted_counted
    assert intake.flow["办理中"] == 2
    assert intake.confirmed_repeats == 1                             # A8; A6 is a 检举控告 件
    nov = figures.timeliness(session=session, actor=ADMIN_ONLY, period=NOVEMBER, today=TODAY)
    assert nov.acceptance_on_time == 4 and nov.handling_pending == 1
    assert figures.outcomes(session=session, actor=ADMIN_ONLY, period=NOVEMBER).first_time.whole == 2
    handler = Actor("h", frozenset({HANDLER}))
    assert figures.intake(session=session, actor=handler, period=NOVEMBER).total == 8


@pytest.mark.parametrize("roles", [(), (EDITOR,), (COUNSEL,), (REPORTS,)])
def test_other_roles_see_no_figures(session, roles):
    actor = Actor("x", frozenset(roles))
    for call in (lambda: figures.intake(session=session, actor=actor, period=NOVEMBER),
                 lambda: figures.due_lists(session=session, actor=actor, day=TODAY),
                 lambda: figures.legal_education(session=session, actor=actor, period=NOVEMBER)):
        with pytest.raises(PermissionDenied):
            call()


def test_overdue_on_a_past_day_counts_a_matter_answered_since(session):
    """C2 was registered 08-04; its 60 days ended 10-03, moved past National Day to 10-08; it was
    answered on 10-20. On 10-15 it was 7 days overdue, though it is closed today."""
    lists = figures.due_lists(session=session, actor=ALL, day=D(2026, 10, 15))
    assert [(r.code, r.step, r.due, r.days_left) for r in lists.overdue] == [("C2", "办理", D(2026, 10, 8), -7)]


def test_a_matter_open_on_its_last_day_is_pending_and_late_the_day_after(session):
    """C3, registered 08-31: its 60 days end on Friday 10-30. Still open on 10-30 it is within its
    time; on 10-31 it is late. (C1 answered on time and C2 in the extension, as before.)"""
    def handling(today):
        t = figures.timeliness(session=session, actor=ALL, period=month_period(2026, 8), today=today)
        return t.handling_on_time, t.handling_extended, t.handling_late, t.handling_pending

    assert handling(D(2026, 10, 30)) == (1, 1, 0, 1)
    assert handling(D(2026, 10, 31)) == (1, 1, 1, 0)


def test_first_time_matters_answered_on_the_21st_day_count_as_three_weeks(session):
    """Registered 06-01: answered 06-22 is within 21 days, 06-23 is not; one raised before is not
    counted at all."""
    import uuid

    from portal.prefiling.models import Prefiling

    for code, answered, before in (("W21", D(2026, 6, 22), False), ("W22", D(2026, 6, 23), False),
                                   ("W00", D(2026, 6, 5), True)):
        session.add(Prefiling(code=code, secret_hash="x", idempotency_token=uuid.uuid4().hex, state="已办结",
                              category="申诉求决", district="历城区", received_date=D(2026, 5, 29),
                              registered_date=D(2026, 6, 1), closed_at=dt.datetime.combine(answered, dt.time(4),
                                                                                         tzinfo=dt.UTC),
                              rating="", raised_before=before))
    session.commit()
    june = figures.outcomes(session=session, actor=ALL, period=month_period(2026, 6))
    assert (june.first_time.part, june.first_time.whole) == (1, 2)


def test_a_repeat_received_on_the_last_day_of_the_range_is_counted(session):
    """A8 (received 11-28) and A6 (11-12) are confirmed repeats: a range ending 11-28 holds both."""
    got = figures.intake(session=session, actor=ALL, period=Period(D(2026, 11, 1), D(2026, 11, 28)))
    assert got.confirmed_repeats == 2
    assert figures.intake(session=session, actor=ALL, period=Period(D(2026, 11, 1), D(2026, 11, 27))
                          ).confirmed_repeats == 1


def test_a_proposal_or_report_registered_70_days_ago_is_neither_late_nor_on_time(session):
    """The 60 days to 办结 are a 申诉求决 matter's (信访工作条例 第三十四条: a 第三十一条第六项 matter;
    山东省信访条例 第四十二条): registered on 09-22 and open on TODAY, the 申诉求决 is late and 8 days
    overdue; the 建议意见 and 检举控告 are neither in the 60-day rate (open, or answered on day 10 or
    day 69) nor in the overdue lists, and are counted apart. Their 15 days to 登记 still count."""
    for code, category in (("P1", "建议意见"), ("R1", "检举控告"), ("S1", "申诉求决")):
        registered_long_ago(session, code, category)
    registered_long_ago(session, "P2", "建议意见", closed=utc(2026, 10, 2))
    registered_long_ago(session, "R2", "检举控告", closed=utc(2026, 11, 30))
    september = figures.timeliness(session=session, actor=ALL, period=month_period(2026, 9), today=TODAY)
    assert (september.handling_on_time, september.handling_extended, september.handling_late,
            september.handling_pending, september.handling_not_counted) == (0, 0, 1, 0, 4)
    assert (september.handling.part, september.handling.whole) == (0, 1)
    assert (september.acceptance_on_time, september.acceptance_late) == (5, 0)
    lists = figures.due_lists(session=session, actor=ALL, day=TODAY)
    assert [(r.code, r.step, r.due, r.days_left) for r in lists.overdue] == [
        ("C3", "办理", D(2026, 10, 30), -32), ("C4", "登记转送", D(2026, 11, 16), -15),
        ("S1", "办理", D(2026, 11, 23), -8)]
    assert not {"P1", "R1", "P2", "R2"} & {r.code for r in lists.overdue + lists.due_this_week}
    # on 11-20, three days before the 申诉求决's last day, only it is due within 7 days
    assert [r.code for r in figures.due_lists(session=session, actor=ALL, day=D(2026, 11, 20)).due_this_week
            if r.code[0] in "PRS"] == ["S1"]
    assert "建议意见类、检举控告类没有规定办结天数" in figures.DEFINITIONS["handling"]
