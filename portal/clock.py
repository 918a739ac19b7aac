"""StatutoryClock (法定期限): the deadlines of the 信访工作条例, encoded once.

Periods are counted in calendar days from the day after the starting day (民法典 第二百零一条:
the starting day is not counted). When the last day falls on a public holiday the period runs to
the next working day (民法典 第二百零三条, applied by analogy). The bureau's and the handling
body's last days are shown moved, naming the nominal day; a period the citizen must keep (请求复查 /
请求复核) is shown to the citizen at its nominal day (the earliest the law could mean, whatever the
calendar knows), and to staff as a reminder, not as the cutoff. `last_day()` applies 第二百零三条 with
the rest-day calendar of content/holidays.yaml (weekends, the State Council's 放假 days, minus its
调休 working days; portal.holidays) and is what the statistics
(portal.stats) judge "on time" against and what the staff queue and the citizen's 进度查询 count
their days by (`StatutoryClock.days_left(..., real=True)`; 进度查询 also says when a last day
moved), so none of them disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from portal.holidays import FILE_NAME as HOLIDAYS_FILE
from portal.holidays import HolidayCalendar, load_calendar
from portal.settings import get_settings


@dataclass(frozen=True)
class ClockRule:
    """One statutory period: its name, length, optional extension and the articles behind it."""

    key: str
    name: str
    days: int
    extension_days: int
    starts_from: str
    provision_ids: tuple[str, ...]
    who: str

    def deadline(self, start: dt.date, *, extended: bool = False) -> dt.date:
        return start + dt.timedelta(days=self.days + (self.extension_days if extended else 0))

    def real_last_day(self, start: dt.date, *, extended: bool = False) -> dt.date:
        """The deadline moved past 法定休假日 (`last_day`, 民法典 第二百零三条): what "on time" is judged by."""
        return last_day(self.deadline(start, extended=extended))


ACCEPTANCE_NOTICE = ClockRule(
    "acceptance_notice", "登记转送", 15, 0, "收到信访事项之日",
    ("xinfang-gongzuo-tiaoli-2022:第二十二条", "xinfang-gongzuo-tiaoli-2022:第二十三条"), "信访部门或有权处理的机关")
HANDLING = ClockRule(
    "handling", "办理", 60, 30, "受理之日", ("xinfang-gongzuo-tiaoli-2022:第三十四条",), "办理机关")
REVIEW_REQUEST = ClockRule(
    "review_request", "请求复查", 30, 0, "收到书面答复之日", ("xinfang-gongzuo-tiaoli-2022:第三十五条",), "信访人")
REVIEW_ANSWER = ClockRule(
    "review_answer", "复查意见", 30, 0, "收到复查请求之日", ("xinfang-gongzuo-tiaoli-2022:第三十五条",), "复查机关")
RECHECK_REQUEST = ClockRule(
    "recheck_request", "请求复核", 30, 0, "收到复查意见之日", ("xinfang-gongzuo-tiaoli-2022:第三十六条",), "信访人")
RECHECK_ANSWER = ClockRule(
    "recheck_answer", "复核意见", 30, 0, "收到复核请求之日", ("xinfang-gongzuo-tiaoli-2022:第三十六条",), "复核机关")

RULES: tuple[ClockRule, ...] = (
    ACCEPTANCE_NOTICE, HANDLING, REVIEW_REQUEST, REVIEW_ANSWER, RECHECK_REQUEST, RECHECK_ANSWER)


@dataclass(frozen=True)
class Milestone:
    """A step of the timeline: the latest date by which it happens. `recorded` is True when the
    period starts from a date that actually happened (registration, answer), not a projection."""

    rule: ClockRule
    start: dt.date
    due: dt.date
    due_extended: dt.date | None
    recorded: bool = False


class StatutoryClock:
    """The statutory timeline of one petition from the dates that actually happened.

    登记转送 runs from the day the petition was received (submission); 办理 from the actual
    registration (受理) date once recorded; 请求复查 from the day the written answer was given, once
    recorded; 复查意见 / 请求复核 / 复核意见 from the review dates once recorded. Until a date is
    recorded, later periods are projected from the latest the earlier ones may end."""

    def __init__(self, received: dt.date, *, accepted: dt.date | None = None,
                 answered: dt.date | None = None, review_requested: dt.date | None = None,
                 review_answered: dt.date | None = None, recheck_requested: dt.date | None = None) -> None:
        self.received = received
        self.accepted = accepted
        self.answered = answered
        self._recorded = {HANDLING.key: accepted, REVIEW_REQUEST.key: answered,
                          REVIEW_ANSWER.key: review_requested, RECHECK_REQUEST.key: review_answered,
                          RECHECK_ANSWER.key: recheck_requested}

    def acceptance_due(self) -> dt.date:
        return ACCEPTANCE_NOTICE.deadline(self.received)

    def handling_due(self, *, extended: bool = False) -> dt.date:
        # not yet accepted: at the latest on the acceptance period's real last day (moved past
        # 法定休假日), so the projection agrees with the acceptance date the pages show
        start = self.accepted or last_day(self.acceptance_due())
        return HANDLING.deadline(start, extended=extended)

    def review_request_due(self) -> dt.date | None:
        """The last day to ask for a review (请求复查), once the answer date is recorded."""
        return REVIEW_REQUEST.deadline(self.answered) if self.answered else None

    def current_due(self, *, extended: bool = False, real: bool = False) -> dt.date:
        """The last day of the period running now: acceptance until accepted, then handling.
        `real`: moved past 法定休假日 (`last_day`), as staff and the statistics judge it."""
        due = self.handling_due(extended=extended) if self.accepted else self.acceptance_due()
        return last_day(due) if real else due

    def days_left(self, today: dt.date, *, extended: bool = False, real: bool = False) -> int:
        """Days until the current deadline (`current_due`); negative: days overdue."""
        return (self.current_due(extended=extended, real=real) - today).days

    def timeline(self) -> list[Milestone]:
        """Every step at its latest; a step starts on its recorded date when there is one, else
        when the one before it ends at the latest."""
        out: list[Milestone] = []
        start = self.received
        for rule in RULES:
            recorded = rule is ACCEPTANCE_NOTICE or self._recorded.get(rule.key) is not None
            if rule is not ACCEPTANCE_NOTICE and self._recorded.get(rule.key) is not None:
                start = self._recorded[rule.key]
            due = rule.deadline(start)
            extended = rule.deadline(start, extended=True) if rule.extension_days else None
            out.append(Milestone(rule=rule, start=start, due=due, due_extended=extended, recorded=recorded))
            start = last_day(extended or due)   # the next step starts after the real last day
        return out


def calendar() -> HolidayCalendar:
    """The rest-day calendar in the content folder (`content/holidays.yaml`, portal.holidays), read
    once per file; HolidayFileError when it is missing or malformed (the start refuses to serve)."""
    settings = get_settings()
    if _read[0] is not settings:   # a dict lookup less per deadline: the statistics count 100,000s
        _read[:] = [settings, calendar_in(settings.content_dir)]
    return _read[1]


_read: list = [None, None]   # (the settings object, its calendar)


@lru_cache(maxsize=4)
def calendar_in(content_dir: Path) -> HolidayCalendar:
    """The calendar of a content folder, read once (`setup` checks it and the pages count with it)."""
    return load_calendar(content_dir / HOLIDAYS_FILE)


def reload_calendar() -> None:
    """Read content/holidays.yaml again on next use (the portal reads it once per start)."""
    _read[:] = [None, None]
    calendar_in.cache_clear()


def is_rest_day(day: dt.date) -> bool:
    """法定休假日: a public holiday, or a Saturday or Sunday that is not a 调休 working day."""
    return calendar().is_rest_day(day)


def last_day(nominal: dt.date) -> dt.date:
    """The real last day of a period that nominally ends on `nominal` (民法典 第二百零三条: a last
    day on a 法定休假日 moves to the day after the rest days end)."""
    return _last_day(calendar(), nominal)


@lru_cache(maxsize=4096)
def _last_day(days: HolidayCalendar, nominal: dt.date) -> dt.date:
    day = nominal
    while days.is_rest_day(day):
        day += dt.timedelta(days=1)
    return day
