"""领导接访日程: the shipped file imports once, staff edits stick, only 编辑 may edit, and the
public list shows the next receptions first with every Wednesday covered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select

from portal.identity import Actor, PermissionDenied
from portal.roles import EDITOR, HANDLER
from portal.schedule.models import ReceptionSession
from portal.schedule.service import (
    ScheduleInvalid,
    SessionData,
    SessionNotFound,
    add_session,
    delete_session,
    import_schedule,
    load_schedule_file,
    upcoming,
    update_session,
)

SHIPPED = Path(__file__).resolve().parents[2] / "content" / "schedule.yaml"
EDITOR_ACTOR = Actor("bianji", frozenset({EDITOR}))
HANDLER_ACTOR = Actor("banli", frozenset({HANDLER}))
MONDAY = dt.date(2026, 11, 30)


def make_data(**changes) -> SessionData:
    base = dict(leader="市信访局局长", day=dt.date(2026, 12, 2), start_time="09:00", end_time="12:00",
                place="市信访局来访接待大厅", topics="综合类信访事项")
    return SessionData(**{**base, **changes})


def _rows(engine) -> list[ReceptionSession]:
    with Session(engine) as s:
        return list(s.exec(select(ReceptionSession)))


def test_shipped_schedule_imports_once_and_keeps_staff_edits(db_engine):
    schedule = load_schedule_file(SHIPPED)
    assert schedule.regular.weekday == 2, "the bureau receives visitors every Wednesday"
    with Session(db_engine) as s:
        assert import_schedule(session=s, schedule=schedule) == len(schedule.sessions) >= 4
    first = min(_rows(db_engine), key=lambda r: r.day)
    with Session(db_engine) as s:
        update_session(session=s, actor=EDITOR_ACTOR, session_id=first.id, data=make_data(leader="改后的领导",
                       day=first.day))
        second = max(_rows(db_engine), key=lambda r: r.day)
        delete_session(session=s, actor=EDITOR_ACTOR, session_id=second.id)
    with Session(db_engine) as s:
        assert import_schedule(session=s, schedule=schedule) == 0
    rows = {r.id: r for r in _rows(db_engine)}
    assert len(rows) == len(schedule.sessions)
    assert rows[first.id].leader == "改后的领导" and rows[first.id].updated_by == "bianji"
    assert rows[second.id].deleted, "a deleted session must not come back on the next start-up"


def test_next_sessions_first_and_every_wednesday_listed(db_engine):
    regular = load_schedule_file(SHIPPED).regular
    with Session(db_engine) as s:
        add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=dt.date(2026, 12, 16), leader="乙"),
                    today=MONDAY)
        add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=dt.date(2026, 12, 2), leader="甲"),
                    today=MONDAY)
        add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=dt.date(2026, 12, 4), leader="丙",
                    start_time="14:00", end_time="16:00"), today=MONDAY)
        entries = upcoming(session=s, today=dt.date(2026, 12, 3), regular=regular, weeks=4)
    days = [e.day for e in entries]
    assert days == sorted(days)
    assert dt.date(2026, 12, 2) not in days, "past sessions are not in the upcoming list"
    assert entries[0].leader == "丙" and entries[0].day == dt.date(2026, 12, 4)
    wednesdays = [dt.date(2026, 12, 9), dt.date(2026, 12, 16), dt.date(2026, 12, 23), dt.date(2026, 12, 30)]
    for wed in wednesdays:
        assert wed in days
    on_16th = [e for e in entries if e.day == dt.date(2026, 12, 16)]
    assert [e.leader for e in on_16th] == ["乙"], "an announced leader session replaces the regular one"
    assert entries[1].regular and entries[1].day_text == "2026年12月9日（星期三）"


def test_the_weekly_reception_is_not_listed_on_a_public_holiday(db_engine):
    """The office hours say 法定节假日除外: Wednesday 30 September 2026 is a working day, Wednesday
    7 October is 国庆节 (content/holidays.yaml), Wednesday 18 February 2026 is 春节."""
    regular = load_schedule_file(SHIPPED).regular
    with Session(db_engine) as s:
        autumn = [e.day for e in upcoming(session=s, today=dt.date(2026, 9, 28), regular=regular, weeks=3)
                  if e.regular]
        spring = [e.day for e in upcoming(session=s, today=dt.date(2026, 2, 9), regular=regular, weeks=3)
                  if e.regular]
    assert autumn == [dt.date(2026, 9, 30), dt.date(2026, 10, 14)]
    assert spring == [dt.date(2026, 2, 11), dt.date(2026, 2, 25)]


def test_only_editors_may_change_the_schedule(db_engine):
    with Session(db_engine) as s:
        for actor in (None, HANDLER_ACTOR):
            with pytest.raises(PermissionDenied):
                add_session(session=s, actor=actor, data=make_data(), today=MONDAY)
        row = add_session(session=s, actor=EDITOR_ACTOR, data=make_data(), today=MONDAY)
        with pytest.raises(PermissionDenied):
            update_session(session=s, actor=HANDLER_ACTOR, session_id=row.id, data=make_data(leader="x"))
        with pytest.raises(PermissionDenied):
            delete_session(session=s, actor=None, session_id=row.id)
    rows = _rows(db_engine)
    assert len(rows) == 1 and rows[0].leader == "市信访局局长" and not rows[0].deleted


def test_invalid_session_is_refused_with_plain_messages(db_engine):
    with Session(db_engine) as s:
        with pytest.raises(ScheduleInvalid) as info:
            add_session(session=s, actor=EDITOR_ACTOR, today=MONDAY,
                        data=make_data(leader=" ", day=dt.date(2026, 11, 1), start_time="9点", place=""))
        fields = {e.field: e.message for e in info.value.errors}
        assert set(fields) == {"leader", "day", "start_time", "place"}
        assert fields["day"].startswith("接访日期已经过去")
        with pytest.raises(ScheduleInvalid) as info:
            add_session(session=s, actor=EDITOR_ACTOR, today=MONDAY, data=make_data(start_time="12:00",
                        end_time="09:00"))
        assert [e.field for e in info.value.errors] == ["end_time"]
        with pytest.raises(SessionNotFound):
            delete_session(session=s, actor=EDITOR_ACTOR, session_id=999)
    assert _rows(db_engine) == []


def test_the_reception_day_is_worded_from_the_file():
    from portal.schedule.service import RegularReception

    def day(n):
        return RegularReception(weekday=n, start_time="09:00", end_time="17:00", place="大厅", leader="", topics="")

    assert day(2).weekday_text == "每周三" and day(4).weekday_text == "每周五" and day(6).weekday_text == "每周日"


def test_on_a_wednesday_todays_reception_is_still_listed_and_deleted_sessions_are_not(db_engine):
    """A citizen looking on Wednesday 2 December 2026 morning sees that day's reception first; a
    leader session announced for that day is shown; a session staff deleted is gone."""
    regular = load_schedule_file(SHIPPED).regular
    wednesday = dt.date(2026, 12, 2)
    with Session(db_engine) as s:
        add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=wednesday, leader="甲"), today=MONDAY)
        gone = add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=dt.date(2026, 12, 4), leader="丁"),
                           today=MONDAY)
        delete_session(session=s, actor=EDITOR_ACTOR, session_id=gone.id)
        entries = upcoming(session=s, today=wednesday, regular=regular, weeks=2)
        regular_only = upcoming(session=s, today=dt.date(2026, 12, 9), regular=regular, weeks=1)
    assert [(e.day, e.leader) for e in entries][:1] == [(wednesday, "甲")]
    assert "丁" not in [e.leader for e in entries], "a deleted session is not shown to citizens"
    assert [e.day for e in entries] == [wednesday, dt.date(2026, 12, 9)]
    assert [(e.day, e.regular) for e in regular_only] == [(dt.date(2026, 12, 9), True)]


def test_session_times_and_today_at_their_limits(db_engine):
    """Today may be announced; 24:00 is no time; a session must end after it starts."""
    with Session(db_engine) as s:
        add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=MONDAY), today=MONDAY)
        for bad, field in (({"start_time": "24:00"}, "start_time"), ({"end_time": "09:00"}, "end_time")):
            with pytest.raises(ScheduleInvalid) as info:
                add_session(session=s, actor=EDITOR_ACTOR, today=MONDAY, data=make_data(**bad))
            assert [e.field for e in info.value.errors] == [field]
    assert len(_rows(db_engine)) == 1


def test_a_save_made_on_what_another_editor_has_changed_since_is_refused(db_engine):
    from portal.schedule.service import SessionChanged, data_of

    with Session(db_engine) as s:
        row = add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=dt.date(2099, 1, 6)),
                          today=dt.date(2099, 1, 1))
        seen = data_of(row)
        update_session(session=s, actor=Actor("bianji-li", frozenset({EDITOR})), session_id=row.id,
                       data=make_data(day=dt.date(2099, 1, 6), topics="同事改的"), seen=seen)
        with pytest.raises(SessionChanged) as changed:
            update_session(session=s, actor=EDITOR_ACTOR, session_id=row.id,
                           data=make_data(day=dt.date(2099, 1, 6), topics="我改的"), seen=seen)
        assert (changed.value.by, changed.value.current.topics) == ("bianji-li", "同事改的")
        s.refresh(row)
        assert row.topics == "同事改的"
        update_session(session=s, actor=EDITOR_ACTOR, session_id=row.id,   # on what is stored now: saved
                       data=make_data(day=dt.date(2099, 1, 6), topics="我改的"), seen=changed.value.current)
        s.refresh(row)
        assert (row.topics, row.updated_by) == ("我改的", "bianji")


def test_two_editors_saving_at_once_do_not_both_win(db_engine):
    """Two editors on two replicas save the same session at the same instant: both read it as their
    boxes started and passed the check; the later write replaced the other's without a word (a
    replica review). Written only if still as read: the later one is told."""
    from portal.schedule.models import ReceptionSession
    from portal.schedule.service import SessionChanged, data_of

    with Session(db_engine) as s:
        row = add_session(session=s, actor=EDITOR_ACTOR, data=make_data(day=dt.date(2099, 1, 6)),
                          today=dt.date(2099, 1, 1))
        session_id, seen = row.id, data_of(row)
    with Session(db_engine, expire_on_commit=False) as late:
        read = late.get(ReceptionSession, session_id)   # read (and held) as the boxes started, not yet written
        assert data_of(read) == seen
        with Session(db_engine) as first:
            update_session(session=first, actor=Actor("bianji-li", frozenset({EDITOR})), session_id=session_id,
                           data=make_data(day=dt.date(2099, 1, 6), topics="同事改的"), seen=seen)
        with pytest.raises(SessionChanged) as changed:
            update_session(session=late, actor=EDITOR_ACTOR, session_id=session_id,
                           data=make_data(day=dt.date(2099, 1, 6), topics="我改的"), seen=seen)
        assert (changed.value.by, changed.value.current.topics) == ("bianji-li", "同事改的")
    with Session(db_engine) as s:
        assert s.get(ReceptionSession, session_id).topics == "同事改的"


@pytest.mark.parametrize(("day", "said"), [
    (dt.date(2026, 12, 12), "是休息日（星期六"),               # a Saturday
    (dt.date(2026, 10, 1), "是休息日（星期四"),                # 国庆节, a Thursday off
    (dt.date(2029, 1, 3), "2029 年的节假日安排还没有录入"),     # a Wednesday of a year not listed
    (dt.date(2027, 9, 1), "在半年以后"),
])
def test_a_day_to_look_at_again_is_named_and_a_plain_working_day_is_not(day, said):
    from portal.schedule.service import day_notes

    today = dt.date(2026, 12, 7)
    assert any(said in note for note in day_notes(day, today=today)), day_notes(day, today=today)
    assert day_notes(dt.date(2026, 12, 9), today=today) == []       # a Wednesday, soon
