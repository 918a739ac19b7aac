"""Reception schedule services: import from content/schedule.yaml, staff edits, what is next.

The bureau receives visitors every week on a fixed weekday (Wednesday); those regular receptions
are generated, not stored, and an announced leader session on the same day takes their place.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import false, update
from sqlmodel import Session, select

from portal.clock import calendar, is_rest_day
from portal.field_errors import FieldError, ValidationFailed
from portal.identity import Actor, require
from portal.roles import EDITOR
from portal.schedule.models import ReceptionSession
from portal.timeutil import utcnow
from portal.yamlload import safe_load

WEEKDAYS = "一二三四五六日"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LIMITS = {"leader": 100, "place": 200, "topics": 500}


@dataclass(frozen=True)
class SessionData:
    """What staff (or the YAML file) say about one session."""

    leader: str
    day: dt.date
    start_time: str
    end_time: str
    place: str
    topics: str = ""


@dataclass(frozen=True)
class RegularReception:
    """The weekly reception day (每周三接待日)."""

    weekday: int          # Monday = 0, so Wednesday = 2
    start_time: str
    end_time: str
    place: str
    leader: str
    topics: str

    @property
    def weekday_text(self) -> str:
        """每周三 for weekday 2."""
        return f"每周{WEEKDAYS[self.weekday]}"


@dataclass(frozen=True)
class ScheduleFile:
    regular: RegularReception
    sessions: dict[str, SessionData]   # by key


class ScheduleInvalid(ValidationFailed):
    """Raised by add/update with the same FieldErrors that validate_session returns."""


class SessionNotFound(LookupError):
    pass


class SessionChanged(Exception):
    """Another editor saved the session after this editor's boxes were filled: their save would
    overwrite it unseen. `current` is what is stored now, `by` and `at` who saved it and when."""

    def __init__(self, current: SessionData, by: str, at: dt.datetime) -> None:
        super().__init__(f"这场接访已被 {by} 修改")
        self.current, self.by, self.at = current, by, at


def data_of(row: ReceptionSession) -> SessionData:
    """What a stored session says, as staff edit it."""
    return SessionData(leader=row.leader, day=row.day, start_time=row.start_time, end_time=row.end_time,
                       place=row.place, topics=row.topics)


@dataclass(frozen=True)
class ScheduleEntry:
    """One line of the public schedule."""

    day: dt.date
    start_time: str
    end_time: str
    leader: str
    place: str
    topics: str
    regular: bool
    session_id: int | None = None

    @property
    def day_text(self) -> str:
        return f"{self.day.year}年{self.day.month}月{self.day.day}日（星期{WEEKDAYS[self.day.weekday()]}）"


def load_schedule_file(path: Path) -> ScheduleFile:
    raw = safe_load(path.read_text(encoding="utf-8")) or {}
    reg = raw["regular"]
    regular = RegularReception(weekday=int(reg["weekday"]), start_time=str(reg["start_time"]),
                               end_time=str(reg["end_time"]), place=str(reg["place"]),
                               leader=str(reg["leader"]), topics=str(reg.get("topics", "")))
    sessions = {}
    for item in raw.get("sessions", []):
        data = SessionData(leader=str(item["leader"]), day=item["day"], start_time=str(item["start_time"]),
                           end_time=str(item["end_time"]), place=str(item["place"]),
                           topics=str(item.get("topics", "")))
        errors = validate_session(data)
        if errors:
            raise ScheduleInvalid(errors)
        sessions[str(item["key"])] = data
    return ScheduleFile(regular=regular, sessions=sessions)


def validate_session(data: SessionData, *, today: dt.date | None = None) -> list[FieldError]:
    """Plain-Chinese problems with `data`, field by field (empty when it is fine)."""
    errors: list[FieldError] = []
    if not data.leader.strip():
        errors.append(FieldError("leader", "请填写接访领导。"))
    if not isinstance(data.day, dt.date):
        errors.append(FieldError("day", "请选择接访日期。"))
    elif today and data.day < today:
        errors.append(FieldError("day", "接访日期已经过去，请选择今天或以后的日期。"))
    times_ok = True
    for name, label in (("start_time", "开始时间"), ("end_time", "结束时间")):
        if not _TIME.match(getattr(data, name)):
            times_ok = False
            errors.append(FieldError(name, f"{label}请按“09:00”的格式填写。"))
    if times_ok and data.end_time <= data.start_time:
        errors.append(FieldError("end_time", "结束时间要晚于开始时间。"))
    if not data.place.strip():
        errors.append(FieldError("place", "请填写接访地点。"))
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors.append(FieldError(name, f"内容太长，最多 {limit} 个字。"))
    return errors


def _columns(data: SessionData) -> dict[str, object]:
    """The stored columns `data` sets."""
    return {"leader": data.leader.strip(), "day": data.day, "place": data.place.strip(),
            "start_time": data.start_time, "end_time": data.end_time, "topics": data.topics.strip()}


def _apply(row: ReceptionSession, data: SessionData) -> None:
    for column, value in _columns(data).items():
        setattr(row, column, value)


def import_schedule(*, session: Session, schedule: ScheduleFile) -> int:
    """Add the file's sessions that the database has never seen; returns how many were added.
    Rows already there (edited or deleted by staff) are left alone, so importing twice is harmless."""
    known = set(session.exec(select(ReceptionSession.key)))
    added = 0
    for key, data in schedule.sessions.items():
        if key in known:
            continue
        row = ReceptionSession(key=key, updated_by="content/schedule.yaml")
        _apply(row, data)
        session.add(row)
        added += 1
    session.commit()
    return added


FAR_AHEAD_DAYS = 183


def day_notes(day: dt.date, *, today: dt.date) -> list[str]:
    """What an editor should look at again about a session's day: a Saturday, Sunday or public
    holiday (the hall is open 周一至周五，法定节假日除外), a year the holiday calendar does not list yet,
    a day more than half a year ahead. Said beside 已保存, never refused (a special reception day
    may be meant)."""
    notes = []
    listed = day.year in calendar().notices
    if is_rest_day(day):
        notes.append(f"{day.isoformat()} 是休息日（星期{WEEKDAYS[day.weekday()]}或法定节假日），来访接待大厅平时不开放，请核对日期。")
    elif not listed and day.weekday() < 5:
        notes.append(f"{day.year} 年的节假日安排还没有录入，无法核对 {day.isoformat()} 是不是法定节假日。")
    if (day - today).days > FAR_AHEAD_DAYS:
        notes.append(f"{day.isoformat()} 在半年以后，请核对年份。")
    return notes


def add_session(*, session: Session, actor: Actor, data: SessionData, today: dt.date) -> ReceptionSession:
    require(actor, EDITOR)
    errors = validate_session(data, today=today)
    if errors:
        raise ScheduleInvalid(errors)
    row = ReceptionSession(key=f"staff-{uuid.uuid4().hex[:16]}", updated_by=actor.username)
    _apply(row, data)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def _live(session: Session, session_id: int) -> ReceptionSession:
    row = session.get(ReceptionSession, session_id)
    if row is None or row.deleted:
        raise SessionNotFound("没有找到这场接访，可能已被删除。")
    return row


def update_session(*, session: Session, actor: Actor, session_id: int, data: SessionData,
                   seen: SessionData | None = None) -> ReceptionSession:
    """Save staff's `data`; `seen`: what the editor's boxes started from (SessionChanged when the
    stored session is no longer that: another editor saved it meanwhile)."""
    require(actor, EDITOR)
    errors = validate_session(data)
    if errors:
        raise ScheduleInvalid(errors)
    for _ in range(3):
        row = _live(session, session_id)
        if seen is not None and data_of(row) != seen:
            raise SessionChanged(data_of(row), row.updated_by, row.updated_at)
        # written only if still as read: two editors saving at once (two replicas) both passed the
        # check above, and the later write replaced the other's without a word
        table = ReceptionSession.__table__
        written = session.execute(update(table).where(
            table.c.id == row.id, table.c.updated_at == row.updated_at, table.c.deleted == false(),
        ).values(**_columns(data), updated_by=actor.username, updated_at=utcnow()))
        if written.rowcount == 1:
            session.commit()
            session.refresh(row)
            return row
        session.rollback()   # saved or deleted meanwhile: read again (and tell, if it now differs)
    raise SessionChanged(data_of(row), row.updated_by, row.updated_at)


def delete_session(*, session: Session, actor: Actor, session_id: int) -> None:
    require(actor, EDITOR)
    row = _live(session, session_id)
    row.deleted, row.updated_by, row.updated_at = True, actor.username, utcnow()
    session.add(row)
    session.commit()


def announced(*, session: Session, since: dt.date) -> list[ReceptionSession]:
    """Announced sessions on or after `since`, soonest first."""
    query = (select(ReceptionSession).where(ReceptionSession.deleted == False, ReceptionSession.day >= since)  # noqa: E712
             .order_by(ReceptionSession.day, ReceptionSession.start_time))
    return list(session.exec(query))


def upcoming(*, session: Session, today: dt.date, regular: RegularReception, weeks: int = 6) -> list[ScheduleEntry]:
    """The next receptions, soonest first: announced sessions plus the regular weekly reception
    day for the next `weeks` weeks (where no leader session is announced that day and it is not a
    法定休假日 of content/holidays.yaml: the office hours say 法定节假日除外)."""
    rows = announced(session=session, since=today)
    entries = [ScheduleEntry(day=r.day, start_time=r.start_time, end_time=r.end_time, leader=r.leader,
                             place=r.place, topics=r.topics, regular=False, session_id=r.id) for r in rows]
    busy = {r.day for r in rows}
    first = today + dt.timedelta(days=(regular.weekday - today.weekday()) % 7)
    for week in range(weeks):
        day = first + dt.timedelta(weeks=week)
        if day not in busy and not is_rest_day(day):
            entries.append(ScheduleEntry(day=day, start_time=regular.start_time, end_time=regular.end_time,
                                         leader=regular.leader, place=regular.place, topics=regular.topics,
                                         regular=True))
    return sorted(entries, key=lambda e: (e.day, e.start_time))
