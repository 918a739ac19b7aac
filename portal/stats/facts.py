"""The rows the figures are counted from: non-sensitive columns of a pre-filing only (category,
district, dates, state, rating, suggested channels, the 查询码). Complaint text and personal data
are never selected, so nothing here decrypts anything.

Who may count: 管理员 and 办理. 检举控告 pre-filings are counted only for an actor who also holds the
检举控告 role; for everyone else they are left out of every figure (and each figure says so)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import String, and_, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import Session, col, select

from portal.clock import ACCEPTANCE_NOTICE, HANDLING
from portal.identity import Actor, require
from portal.prefiling.models import Prefiling
from portal.prefiling.receipt import handling_counted
from portal.prefiling.states import DRAFT, WITHDRAWN
from portal.roles import ADMIN, HANDLER, REPORTS

BEIJING_OFFSET = dt.timedelta(hours=8)   # China has no daylight saving time
MAX_DAYS = 3 * 366                       # the longest range a figure is computed over


class RangeError(ValueError):
    """A date range the figures refuse (message in plain Chinese)."""


@dataclass(frozen=True)
class Period:
    """A range of Beijing calendar days, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise RangeError("开始日期不能晚于结束日期。")
        if (self.end - self.start).days >= MAX_DAYS:
            raise RangeError("统计区间最长三年，请缩短区间。")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, to) in UTC for the stored timestamps of these Beijing days."""
        start = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC) - BEIJING_OFFSET
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) - BEIJING_OFFSET
        return start, end


def month_period(year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return Period(first, nxt - dt.timedelta(days=1))


def previous_month(period: Period) -> Period:
    before = period.start - dt.timedelta(days=1)
    return month_period(before.year, before.month)


def last_month(today: dt.date) -> Period:
    """The calendar month before the one `today` is in (the dashboard's default)."""
    return previous_month(month_period(today.year, today.month))


@dataclass(slots=True)
class Fact:
    """One open (or then open) matter for the overdue lists. `ended` is the Beijing date it reached
    已办结, 不予登记 or 已撤回 (None while running). The other figures are counted in the database."""

    code: str
    state: str
    category: str
    district: str
    received: dt.date
    registered: dt.date | None
    ended: dt.date | None

    @property
    def acceptance_due(self) -> dt.date:
        return ACCEPTANCE_NOTICE.real_last_day(self.received)

    def handling_due(self, *, extended: bool = False) -> dt.date | None:
        """The real last day of the 60 days (or 90) from 登记; None before it, and for a 建议意见 or
        检举控告, which have no day count (receipt.handling_counted)."""
        if self.registered is None or not handling_counted(self.category):
            return None
        return HANDLING.real_last_day(self.registered, extended=extended)

    def step_on(self, day: dt.date) -> tuple[str, dt.date] | None:
        """(step name, real last day) of the period running on `day`; None when not running then or
        when no period is counted (a 建议意见 or 检举控告 once registered)."""
        if self.received > day or self.ended is not None and self.ended <= day:
            return None
        if self.state == WITHDRAWN and self.ended is None:
            return None
        if self.registered is None or self.registered > day:
            return ACCEPTANCE_NOTICE.name, self.acceptance_due
        due = self.handling_due()
        return None if due is None else (HANDLING.name, due)


def counting(actor: Actor | None) -> bool:
    """Check the actor may see figures; True when 检举控告 pre-filings are counted for them."""
    require(actor, ADMIN, HANDLER)
    return actor.has(REPORTS)


class beijing_day(FunctionElement):  # noqa: N801 - an SQL function, named like one
    """The Beijing calendar date of a stored UTC timestamp as 'YYYY-MM-DD' text, computed by the
    database (far cheaper than turning every timestamp into a Python datetime)."""

    type = String()
    inherit_cache = True
    name = "beijing_day"


@compiles(beijing_day, "sqlite")
def _beijing_day_sqlite(element, compiler, **kw):  # stored as naive UTC text
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(beijing_day, "postgresql")
def _beijing_day_postgresql(element, compiler, **kw):
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"


class iso_day(FunctionElement):  # noqa: N801 - an SQL function, named like one
    """A DATE column as 'YYYY-MM-DD' text (SQLite stores it so; PostgreSQL formats it)."""

    type = String()
    inherit_cache = True
    name = "iso_day"


@compiles(iso_day, "sqlite")
def _iso_day_sqlite(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(iso_day, "postgresql")
def _iso_day_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


@lru_cache(maxsize=8192)
def to_day(text: str | None) -> dt.date | None:
    """A 'YYYY-MM-DD' read from the database as a date (cached: a few hundred distinct days)."""
    return dt.date.fromisoformat(text) if text else None


_COLUMNS = (Prefiling.code, Prefiling.state, Prefiling.category, Prefiling.district,
            iso_day(Prefiling.received_date), iso_day(Prefiling.registered_date), beijing_day(Prefiling.closed_at))


def load(*, session: Session, include_restricted: bool, where) -> list[Fact]:
    """Facts of the pre-filings matching the SQL condition `where`."""
    query = select(*_COLUMNS).where(Prefiling.state != DRAFT, where)
    if not include_restricted:
        query = query.where(col(Prefiling.restricted).is_(False))
    return [Fact(code, state, category, district or "", to_day(received), to_day(registered), to_day(ended))
            for code, state, category, district, received, registered, ended in session.exec(query)]


def counted_by(*, session: Session, include_restricted: bool, where, columns: tuple) -> list[tuple]:
    """(column values…, count) of the pre-filings matching `where`, grouped by `columns` in the
    database: for figures that need no per-row date arithmetic."""
    query = select(*columns, func.count()).where(Prefiling.state != DRAFT, where).group_by(*columns)
    if not include_restricted:
        query = query.where(col(Prefiling.restricted).is_(False))
    return [tuple(row) for row in session.exec(query)]


def received_in(period: Period):
    return and_(col(Prefiling.received_date) >= period.start, col(Prefiling.received_date) <= period.end)


def registered_in(period: Period):
    return and_(col(Prefiling.registered_date) >= period.start, col(Prefiling.registered_date) <= period.end)


def ended_in(period: Period):
    start, end = period.utc_bounds()
    return and_(col(Prefiling.closed_at) >= start, col(Prefiling.closed_at) < end)


def open_now():
    """Not ended yet (the index on closed_at finds these without reading the closed ones)."""
    return col(Prefiling.closed_at).is_(None)


def ended_after(day: dt.date):
    """Ended after the end of `day` (running on it if received by then: Fact.step_on checks)."""
    _start, end = Period(day, day).utc_bounds()
    # only closed_at here: with received_date too, SQLite walks the received_date index instead
    return col(Prefiling.closed_at) >= end
