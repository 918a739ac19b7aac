"""The rest-day calendar as a content file (content/holidays.yaml): what the shipped file says, that
the deadlines follow the file the settings point at, that a malformed file is refused whole with
every problem named, and the years a deadline can fall in that the file does not list."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from portal import clock
from portal.holidays import FESTIVALS, HolidayFileError, gap_words, load_calendar, parse_calendar
from portal.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "content" / "holidays.yaml"
d = dt.date

YEAR_2027 = """
2027:
  notice: 测试用通知
  holidays:
    - {name: 春节, from: 2027-02-06, to: 2027-02-12}
  workdays: [2027-02-13]
"""


def test_the_shipped_calendar_is_the_state_councils_notices_for_2025_and_2026():
    calendar = load_calendar(SHIPPED)
    assert sorted(calendar.notices) == [2025, 2026]
    assert "国办发明电〔2025〕7号" in calendar.notices[2026] and "国办发明电〔2024〕12号" in calendar.notices[2025]
    assert len([x for x in calendar.days_off if x.year == 2026]) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert len([x for x in calendar.days_off if x.year == 2025]) == 1 + 8 + 3 + 5 + 3 + 8
    assert calendar.is_rest_day(d(2026, 2, 23)) and not calendar.is_rest_day(d(2026, 2, 28))   # 调休 Saturday
    assert not calendar.is_rest_day(d(2026, 2, 24)) and calendar.is_rest_day(d(2026, 3, 1))


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    """A copy of the shipped content folder that the settings point at (portal.clock reads it)."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(SHIPPED, content / "holidays.yaml")
    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(content))
    get_settings.cache_clear()
    yield content
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_year_added_to_the_file_moves_deadlines_without_a_code_change(content_copy):
    # 2027's notice is not in the shipped file: Saturday 6 February 2027 (正月初一) moves past 初三,
    # a festival day by law, to Tuesday
    assert clock.last_day(d(2027, 2, 6)) == d(2027, 2, 9)
    calendar = content_copy / "holidays.yaml"
    calendar.write_text(calendar.read_text(encoding="utf-8") + YEAR_2027, encoding="utf-8")
    clock.reload_calendar()
    assert clock.last_day(d(2027, 2, 6)) == d(2027, 2, 13)    # the day after the listed days off
    assert clock.last_day(d(2027, 2, 13)) == d(2027, 2, 13)   # a listed 调休 Saturday is a working day
    assert clock.StatutoryClock(d(2027, 1, 22)).days_left(d(2027, 1, 25), real=True) == 19
    assert clock.last_day(d(2027, 1, 1)) == d(2027, 1, 1)     # the notice listed decides: 元旦 not in it
    assert clock.calendar().uncovered_years(d(2026, 12, 6)) == []


def test_years_a_deadline_can_fall_in_and_the_file_does_not_list_are_named():
    calendar = load_calendar(SHIPPED)
    assert calendar.uncovered_years(d(2026, 8, 1)) == []          # 120 days ahead is still 2026
    assert calendar.uncovered_years(d(2026, 9, 3)) == [2027]
    assert calendar.uncovered_years(d(2026, 12, 6)) == [2027]
    assert calendar.uncovered_years(d(2027, 10, 1)) == [2027, 2028]
    words = gap_words([2027])
    assert "尚未录入2027年的节假日放假安排" in words and "按周六、周日和法定节日当日" in words
    assert "调休的放假日和上班日未计入" in words and "Holiday calendar" in words
    later = gap_words([2040, 2041])     # past the festival days written out: weekends only, said so
    assert "落在2040年的期限按周六、周日和法定节日当日" in later and "落在2041年的期限只按周六、周日顺延" in later
    assert not load_calendar(SHIPPED).is_rest_day(d(2041, 1, 1))   # a Tuesday, not known here
    assert load_calendar(SHIPPED).is_rest_day(d(2033, 1, 31))       # 2033's 春节 (a Monday) is


def test_a_year_without_its_notice_still_moves_deadlines_past_the_festival_days():
    """The notice for 2027 is late: a 15-day period from 17 December 2026 ends on 元旦, which by law
    is a day off whatever the notice adds, and 除夕 (Friday 5 February 2027) runs past 初一 to 初三."""
    calendar = load_calendar(SHIPPED)
    assert clock._last_day(calendar, d(2026, 12, 17) + dt.timedelta(days=15)) == d(2027, 1, 4)
    assert clock._last_day(calendar, d(2027, 2, 5)) == d(2027, 2, 9)
    assert clock._last_day(calendar, d(2027, 9, 15)) == d(2027, 9, 16)   # 中秋, a Wednesday
    assert not calendar.is_rest_day(d(2027, 2, 4)) and not calendar.is_rest_day(d(2027, 10, 4))
    assert not calendar.is_rest_day(d(2026, 10, 8))   # a listed year: only its notice counts


def test_the_festival_days_are_those_of_the_law_in_a_second_calendar():
    """FESTIVALS (元旦, 春节 除夕 to 初三, 清明, 劳动节 two days, 端午, 中秋, 国庆 three days: 全国年节及纪念日
    放假办法 第二条) as the `holidays` package computes the lunar and solar-term dates, leaving out
    its guesses of the 调休 ("observed", "Day off")."""
    import holidays

    for year, days in FESTIVALS.items():
        theirs = {day for day, name in holidays.China(years=year).items()
                  if "observed" not in name and not name.startswith("Day off")}
        assert {d.fromisoformat(f"{year}-{day}") for day in days} == theirs, year
        assert len(days) == len(set(days))


@pytest.mark.parametrize(("text", "said"), [
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 春节, from: 2027-02-12, to: 2027-02-06}\n",
     "2027 春节: to (2027-02-06) is before from (2027-02-12)"),
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 春节, from: 2027-02-06, to: 2027-03-12}\n",
     "2027 春节: 2027-02-06 to 2027-03-12 is 35 days off; check the dates"),
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 春节, from: 2026-02-06, to: 2026-02-12}\n",
     "2027 春节: 2026-02-06 to 2026-02-12 is not in 2027"),
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 春节, from: 2027-2-6, to: 2027-02-12}\n",
     "2027 春节: from and to must be dates written YYYY-MM-DD"),
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 元旦, from: 2027-01-01, to: 2027-01-01}\n  workdays: [2027-02-15]\n",
     "2027 workdays: 2027-02-15 is a weekday, not a 调休 Saturday or Sunday"),
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 春节, from: 2027-02-06, to: 2027-02-14}\n  workdays: [2027-02-14]\n",
     "2027: 2027-02-14 is both a day off and a working day"),
    ("2027:\n  holidays:\n    - {name: 元旦, from: 2027-01-01, to: 2027-01-01}\n",
     "2027: notice (the notice's title and number) is missing"),
    ("2027:\n  notice: 通知\n  holidays: []\n", "2027: holidays is missing or empty"),
    ("2027:\n  notice: 通知\n  holiday:\n    - {name: 元旦, from: 2027-01-01, to: 2027-01-01}\n",
     "2027: unknown key(s) holiday"),
    ("'27':\n  notice: 通知\n", "'27': a year is written as four digits, e.g. 2027:"),
    ("2027:\n  notice: 通知\n  holidays:\n    - {name: 元旦, from: 2027-01-01, to: 2027-01-01}\n"
     "    - {name: 又一个, from: 2026-12-31, to: 2027-01-01}\n", "2027 又一个: 2027-01-01 is listed twice"),
    ("2027: [\n", "not valid YAML"),
])
def test_a_malformed_calendar_is_refused_whole_naming_the_problem(text, said):
    with pytest.raises(HolidayFileError) as refused:
        parse_calendar(text)
    assert any(said in problem for problem in refused.value.problems), refused.value.problems


def test_every_problem_is_named_at_once_and_a_missing_file_is_refused(tmp_path):
    with pytest.raises(HolidayFileError) as refused:
        parse_calendar("2027:\n  holidays:\n    - {name: 春节, from: 2027-02-12, to: 2027-02-06}\n  workdays: [2027-02-15]\n")
    assert len(refused.value.problems) == 3
    with pytest.raises(HolidayFileError, match="holidays.yaml: missing"):
        load_calendar(tmp_path / "holidays.yaml")


def test_setup_says_which_years_are_listed_and_warns_of_a_missing_one(capsys):
    from portal.bootstrap import BootstrapReport
    from portal.cli_core import print_setup_report
    from portal.laws.importer import ImportReport

    assert print_setup_report(BootstrapReport(laws=ImportReport(), holiday_years=[2025, 2026],
                                              holidays_missing=[2027])) == 0   # a warning, not a refusal
    out = capsys.readouterr().out
    assert "holidays: 2025, 2026 listed in holidays.yaml" in out
    assert "WARNING holidays: 2027 not listed in holidays.yaml" in out
    print_setup_report(BootstrapReport(laws=ImportReport(), holiday_years=[2026, 2027]))
    assert "WARNING" not in capsys.readouterr().out


def test_bootstrap_reports_the_calendar_of_the_content_folder(content_copy, monkeypatch):
    from portal import bootstrap

    monkeypatch.setattr(bootstrap, "beijing_today", lambda: d(2026, 12, 6))
    assert bootstrap._holidays(get_settings()) == ([], [2025, 2026], [2027])
    (content_copy / "holidays.yaml").write_text("2027: [\n", encoding="utf-8")
    clock.reload_calendar()                           # read once per process: a new start reads it again
    refused, years, missing = bootstrap._holidays(get_settings())
    assert refused and refused[0].startswith("holidays.yaml: not valid YAML") and years == missing == []
