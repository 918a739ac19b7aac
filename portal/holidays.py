"""The rest-day calendar (法定节假日安排) that statutory deadlines are counted with.

`content/holidays.yaml` holds, per year, the State Council's notice: the days off (放假) and the
调休 Saturdays and Sundays that are working days. The bureau adds a year when the notice is
published, without a code change. A year the file does not list counts Saturdays, Sundays and the
festival days fixed by law (FESTIVALS); `uncovered_years` names such years while a deadline can still fall in them, so the workspace and
`python -m portal setup` can say so. The file is checked as a whole: a malformed one is refused
(HolidayFileError lists every problem), never read in part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from portal.yamlload import YAMLError, safe_load

FILE_NAME = "holidays.yaml"
# How far ahead a deadline of a 件 received today can lie: 登记转送 15 days, 办理 60 days and its
# 30-day extension (信访工作条例 第二十二条、第三十四条), and room for last days moved past rest days.
HORIZON_DAYS = 120
_LONGEST_SPAN = 14   # the longest 放假 so far is 9 days (春节 2026); more is a typing slip


class HolidayFileError(ValueError):
    """The calendar file is missing or malformed; `problems` says every problem found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__(f"{path.name}: " + "; ".join(problems))


# The festival days themselves (the State Council's 全国年节及纪念日放假办法, as amended in 2024, in force from
# 2025: 元旦 1 January; 春节 农历除夕 and 正月初一至初三; 清明节 the day of 清明; 劳动节 1 and 2 May;
# 端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 1 to 3 October) for years whose notice is not in the
# file yet: the notice adds 调休 days off and working days around them, but these days are off
# whatever it says, so a deadline never lands on 除夕 or 元旦 because the notice is late.
# The lunar dates were read from two calendars (the `holidays` and `lunardate` packages agree for
# every year listed; tests/test_holidays.py checks them against `holidays`, a dev dependency).
# Written out to 2040; a later year is added the same way (the test checks every year listed).
FESTIVALS: dict[int, tuple[str, ...]] = {
    2027: ("01-01", "02-05", "02-06", "02-07", "02-08", "04-05", "05-01", "05-02", "06-09", "09-15",
           "10-01", "10-02", "10-03"),
    2028: ("01-01", "01-25", "01-26", "01-27", "01-28", "04-04", "05-01", "05-02", "05-28", "10-01",
           "10-02", "10-03"),
    2029: ("01-01", "02-12", "02-13", "02-14", "02-15", "04-04", "05-01", "05-02", "06-16", "09-22",
           "10-01", "10-02", "10-03"),
    2030: ("01-01", "02-02", "02-03", "02-04", "02-05", "04-05", "05-01", "05-02", "06-05", "09-12",
           "10-01", "10-02", "10-03"),
    2031: ("01-01", "01-22", "01-23", "01-24", "01-25", "04-05", "05-01", "05-02", "06-24", "10-01",
           "10-02", "10-03"),
    2032: ("01-01", "02-10", "02-11", "02-12", "02-13", "04-04", "05-01", "05-02", "06-12", "09-19",
           "10-01", "10-02", "10-03"),
    2033: ("01-01", "01-30", "01-31", "02-01", "02-02", "04-04", "05-01", "05-02", "06-01", "09-08",
           "10-01", "10-02", "10-03"),
    2034: ("01-01", "02-18", "02-19", "02-20", "02-21", "04-05", "05-01", "05-02", "06-20", "09-27",
           "10-01", "10-02", "10-03"),
    2035: ("01-01", "02-07", "02-08", "02-09", "02-10", "04-05", "05-01", "05-02", "06-10", "09-16",
           "10-01", "10-02", "10-03"),
    2036: ("01-01", "01-27", "01-28", "01-29", "01-30", "04-04", "05-01", "05-02", "05-30", "10-01",
           "10-02", "10-03", "10-04"),
    2037: ("01-01", "02-14", "02-15", "02-16", "02-17", "04-04", "05-01", "05-02", "06-18", "09-24",
           "10-01", "10-02", "10-03"),
    2038: ("01-01", "02-03", "02-04", "02-05", "02-06", "04-05", "05-01", "05-02", "06-07", "09-13",
           "10-01", "10-02", "10-03"),
    2039: ("01-01", "01-23", "01-24", "01-25", "01-26", "04-05", "05-01", "05-02", "05-27", "10-01",
           "10-02", "10-03"),
    2040: ("01-01", "02-11", "02-12", "02-13", "02-14", "04-04", "05-01", "05-02", "06-14", "09-20",
           "10-01", "10-02", "10-03"),
}
FESTIVAL_DAYS = frozenset(dt.date.fromisoformat(f"{year}-{day}") for year, days in FESTIVALS.items() for day in days)


@dataclass(frozen=True, eq=False)   # hashed by identity: a cache key of portal.clock.last_day
class HolidayCalendar:
    """The years the file lists (year -> notice), their days off and their 调休 working days."""

    notices: dict[int, str]
    days_off: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def is_rest_day(self, day: dt.date) -> bool:
        """法定休假日: a listed day off, or a Saturday or Sunday that is not a listed working day; in
        a year the file does not list, a Saturday, a Sunday or a festival day (FESTIVALS)."""
        if day in self.days_off:
            return True
        if day.year not in self.notices and day in FESTIVAL_DAYS:
            return True
        return day.weekday() >= 5 and day not in self.workdays

    def uncovered_years(self, today: dt.date, *, horizon_days: int = HORIZON_DAYS) -> list[int]:
        """The years from today's to the year `horizon_days` ahead that the file does not list:
        deadlines falling in them count Saturdays, Sundays and festival days only, not 调休."""
        last = today + dt.timedelta(days=horizon_days)
        return [year for year in range(today.year, last.year + 1) if year not in self.notices]


def gap_words(years: list[int]) -> str:
    """What staff are told while deadlines can fall in years the file does not list: by what is
    counted there (a year past FESTIVALS has weekends only)."""
    named = "、".join(f"{y}年" for y in years)
    known = [y for y in years if y in FESTIVALS]
    bare = [y for y in years if y not in FESTIVALS]
    counted = []
    if known:
        counted.append(f"落在{'、'.join(f'{y}年' for y in known)}的期限按周六、周日和法定节日当日"
                       "（元旦、春节除夕至初三、清明、劳动节两天、端午、中秋、国庆三天）顺延，调休的放假日和上班日未计入")
    if bare:
        counted.append(f"落在{'、'.join(f'{y}年' for y in bare)}的期限只按周六、周日顺延（春节等假日也不顺延）")
    return (f"本系统尚未录入{named}的节假日放假安排：{'；'.join(counted)}，"
            "剩余天数和是否超期可能差几天。国务院办公厅公布安排后，请系统管理员补录"
            "（见 README 的“Holiday calendar”）。")


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _year_problems(year: int, entry: object, problems: list[str]) -> tuple[set[dt.date], set[dt.date]]:
    off: set[dt.date] = set()
    work: set[dt.date] = set()
    if not isinstance(entry, dict):
        problems.append(f"{year}: expected notice, holidays and workdays")
        return off, work
    unknown = sorted(set(map(str, entry)) - {"notice", "holidays", "workdays"})
    if unknown:
        problems.append(f"{year}: unknown key(s) {', '.join(unknown)}")
    if not isinstance(entry.get("notice"), str) or not entry["notice"].strip():
        problems.append(f"{year}: notice (the notice's title and number) is missing")
    first_of_year, last_of_year = dt.date(year, 1, 1), dt.date(year, 12, 31)
    holidays = entry.get("holidays")
    if not isinstance(holidays, list) or not holidays:
        problems.append(f"{year}: holidays is missing or empty")
        holidays = []
    for n, holiday in enumerate(holidays, start=1):
        where = f"{year} holiday {n}"
        if not isinstance(holiday, dict) or not isinstance(holiday.get("name"), str):
            problems.append(f"{where}: expected {{name: …, from: YYYY-MM-DD, to: YYYY-MM-DD}}")
            continue
        where = f"{year} {holiday['name']}"
        start, end = _date(holiday.get("from")), _date(holiday.get("to"))
        if start is None or end is None:
            problems.append(f"{where}: from and to must be dates written YYYY-MM-DD")
            continue
        if end < start:
            problems.append(f"{where}: to ({end}) is before from ({start})")
            continue
        if (end - start).days >= _LONGEST_SPAN:
            problems.append(f"{where}: {start} to {end} is {(end - start).days + 1} days off; check the dates")
            continue
        if end < first_of_year or start > last_of_year:
            problems.append(f"{where}: {start} to {end} is not in {year}")
            continue
        days = {start + dt.timedelta(days=k) for k in range((end - start).days + 1)}
        if twice := days & off:
            problems.append(f"{where}: {min(twice)} is listed twice")
        off |= days
    workdays = entry.get("workdays", [])
    if not isinstance(workdays, list):
        problems.append(f"{year}: workdays must be a list of dates")
        workdays = []
    for value in workdays:
        day = _date(value)
        if day is None:
            problems.append(f"{year} workdays: {value!r} is not a date written YYYY-MM-DD")
        elif day.weekday() < 5:
            problems.append(f"{year} workdays: {day} is a weekday, not a 调休 Saturday or Sunday")
        elif abs((day - first_of_year).days) > 400 or day.year not in (year - 1, year, year + 1):
            problems.append(f"{year} workdays: {day} is not near {year}")
        else:
            work.add(day)
    if both := off & work:
        problems.append(f"{year}: {min(both)} is both a day off and a working day")
    return off, work


def parse_calendar(text: str, *, path: Path = Path(FILE_NAME)) -> HolidayCalendar:
    """The calendar in `text`; HolidayFileError naming every problem when it is malformed."""
    try:
        data = safe_load(text)
    except YAMLError as exc:
        raise HolidayFileError(path, [f"not valid YAML ({str(exc).splitlines()[0]})"]) from None
    if not isinstance(data, dict) or not data:
        raise HolidayFileError(path, ["expected one entry per year (2026: …)"])
    problems: list[str] = []
    notices: dict[int, str] = {}
    days_off: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year, entry in data.items():
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            problems.append(f"{year!r}: a year is written as four digits, e.g. 2027:")
            continue
        off, work = _year_problems(year, entry, problems)
        if twice := off & days_off:
            problems.append(f"{year}: {min(twice)} is also listed in another year")
        days_off |= off
        workdays |= work
        if isinstance(entry, dict):
            notices[year] = str(entry.get("notice", "")).strip()
    if both := days_off & workdays:
        problems.append(f"{min(both)} is both a day off and a working day")
    if problems:
        raise HolidayFileError(path, problems)
    return HolidayCalendar(notices=notices, days_off=frozenset(days_off), workdays=frozenset(workdays))


def load_calendar(path: Path) -> HolidayCalendar:
    """The calendar file at `path`; HolidayFileError when it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HolidayFileError(path, ["missing: deadlines cannot be moved past public holidays "
                                      "without it (see README, Holiday calendar)"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HolidayFileError(path, [f"cannot be read ({exc})"]) from None
    return parse_calendar(text, path=path)
