"""Time: stored as aware UTC datetimes; dates citizens see are Beijing dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored datetime as an aware UTC one: SQLite hands back naive datetimes even for
    timezone=True columns, and they were stored as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def beijing_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Beijing (statutory periods count calendar days there)."""
    return (now or utcnow()).astimezone(BEIJING).date()


def beijing_midnight(day: dt.date) -> dt.datetime:
    """The moment (aware UTC) Beijing's `day` begins."""
    return dt.datetime.combine(day, dt.time(), tzinfo=BEIJING).astimezone(dt.UTC)


def date_text(day: dt.date) -> str:
    """'2026年12月5日', as the receipt, the laws and the case pages write a day."""
    return f"{day.year}年{day.month}月{day.day}日"


def beijing_text(moment: dt.datetime) -> str:
    """'2026年12月5日 09:05' for a stored UTC datetime (the day as the receipt and the laws write it,
    not 12月05日)."""
    local = moment.astimezone(BEIJING)
    return f"{date_text(local.date())} {local:%H:%M}"
