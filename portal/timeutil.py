"""Time: stored as aware UTC datetimes; dates citizens see are Beijing dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def beijing_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Beijing (statutory periods count calendar days there)."""
    return (now or utcnow()).astimezone(BEIJING).date()


def beijing_text(moment: dt.datetime) -> str:
    """'2026年11月29日 20:36' for a stored UTC datetime."""
    return moment.astimezone(BEIJING).strftime("%Y年%m月%d日 %H:%M")
