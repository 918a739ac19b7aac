"""StatutoryClock against the articles' own numbers (信访工作条例 arts 22, 23, 34, 35, 36)."""

import datetime as dt
import re

from portal.clock import (
    ACCEPTANCE_NOTICE,
    HANDLING,
    RECHECK_ANSWER,
    REVIEW_REQUEST,
    RULES,
    StatutoryClock,
    last_day,
)
from portal.laws.numerals import cn_to_int


def test_every_rule_cites_articles_that_exist_and_state_its_number_of_days(library):
    for rule in RULES:
        texts = [library.provision(pid).text for pid in rule.provision_ids]
        assert all(texts), rule.key
        assert any(f"{rule.days}日" in t for t in texts), f"{rule.key}: {rule.days}日 not in its article"
        if rule.extension_days:
            assert any(f"不得超过{rule.extension_days}日" in t for t in texts)


def test_articles_say_what_the_clock_encodes(library):
    art34 = library.provision("xinfang-gongzuo-tiaoli-2022:第三十四条").text
    assert re.search(r"60日内办结", art34) and "不得超过30日" in art34
    assert cn_to_int("三十四") == 34


def test_projected_dates():
    clock = StatutoryClock(dt.date(2026, 11, 29))
    assert clock.acceptance_due() == dt.date(2026, 12, 14)
    assert clock.handling_due() == dt.date(2027, 2, 12)
    assert clock.handling_due(extended=True) == dt.date(2027, 3, 14)
    steps = clock.timeline()
    assert [m.rule for m in steps] == list(RULES)
    assert steps[0].due == dt.date(2026, 12, 14)
    assert steps[1].due_extended == dt.date(2027, 3, 14)
    # 2027-03-14 is a Sunday: the extended handling period really ends on Monday 15 March, and the
    # projected 请求复查 window runs from there (民法典 第二百零三条)
    assert steps[2].start == dt.date(2027, 3, 15) and steps[2].due == dt.date(2027, 4, 14)
    assert steps[-1].rule is RECHECK_ANSWER


def test_acceptance_date_moves_the_handling_clock():
    clock = StatutoryClock(dt.date(2026, 1, 1), accepted=dt.date(2026, 1, 5))
    assert clock.handling_due() == HANDLING.deadline(dt.date(2026, 1, 5)) == dt.date(2026, 3, 6)
    assert clock.days_left(dt.date(2026, 3, 1)) == 5
    assert StatutoryClock(dt.date(2026, 1, 1)).days_left(dt.date(2026, 1, 10)) == 6
    assert ACCEPTANCE_NOTICE.days == 15 and REVIEW_REQUEST.days == 30


def test_last_day_moves_past_weekends_and_public_holidays_but_not_adjusted_workdays():
    import datetime as dt

    from portal.clock import is_rest_day, last_day

    d = dt.date
    assert last_day(d(2026, 11, 27)) == d(2026, 11, 27)     # a Friday
    assert last_day(d(2026, 11, 29)) == d(2026, 11, 30)     # Sunday -> Monday
    assert last_day(d(2026, 10, 1)) == d(2026, 10, 8)       # National Day -> first working day
    assert last_day(d(2026, 2, 14)) == d(2026, 2, 14)       # a Saturday worked before 春节
    assert last_day(d(2026, 2, 15)) == d(2026, 2, 24)       # 春节 15–23
    assert is_rest_day(d(2025, 10, 8)) and not is_rest_day(d(2025, 10, 11))


def test_a_projection_starts_from_the_real_last_day_of_the_step_before():
    """Received 5 December 2026: 登记转送 nominally ends Sunday 20 December, really Monday 21; the
    projected 办结 date counts 60 days from the 21st, as the page's 顺延至 headline implies (it
    counted from the 20th and came out a day early)."""
    clock = StatutoryClock(dt.date(2026, 12, 5))
    assert clock.acceptance_due() == dt.date(2026, 12, 20) and last_day(dt.date(2026, 12, 20)) == dt.date(2026, 12, 21)
    assert clock.handling_due() == dt.date(2027, 2, 19)
    assert clock.timeline()[1].due == dt.date(2027, 2, 19)


def test_times_and_days_are_written_as_the_receipt_writes_them():
    """进度查询's 提交时间 read 2026年03月05日 beside the receipt's 2026年3月5日: one way of writing a day."""
    from portal.timeutil import beijing_text, date_text

    assert beijing_text(dt.datetime(2026, 3, 5, 1, 5, tzinfo=dt.UTC)) == "2026年3月5日 09:05"
    assert beijing_text(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)) == "2027年1月1日 00:30"
    assert date_text(dt.date(2026, 10, 1)) == "2026年10月1日"


def test_the_beijing_date_turns_at_midnight_beijing_not_at_midnight_utc():
    """A petition sent at 00:30 on 6 December in Beijing (16:30 UTC on the 5th) was received on the
    6th: its periods count from there, not from the UTC date."""
    from portal.timeutil import beijing_today

    assert beijing_today(dt.datetime(2026, 12, 5, 16, 30, tzinfo=dt.UTC)) == dt.date(2026, 12, 6)
    assert beijing_today(dt.datetime(2026, 12, 5, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 5)


def test_saturdays_rest_and_the_sunday_worked_after_new_year_2026_does_not():
    """国办发明电〔2025〕7号: 元旦 1月1日至3日放假，1月4日（周日）上班. A period ending on Saturday
    19 December 2026 runs to Monday the 21st; one ending on Saturday 3 January 2026 (a holiday)
    runs to Sunday the 4th, a working day."""
    assert last_day(dt.date(2026, 12, 19)) == dt.date(2026, 12, 21)
    assert last_day(dt.date(2026, 1, 3)) == dt.date(2026, 1, 4)


def test_days_left_counted_to_the_real_last_day_when_asked():
    """Received Saturday 5 December 2026: 登记转送 nominally ends Sunday the 20th, really Monday the
    21st. On Friday the 18th staff (real=True) have 3 days left; the nominal count says 2."""
    clock = StatutoryClock(dt.date(2026, 12, 5))
    assert clock.current_due(real=True) == dt.date(2026, 12, 21)
    assert clock.days_left(dt.date(2026, 12, 18), real=True) == 3
    assert clock.days_left(dt.date(2026, 12, 18)) == 2


def test_the_fifteen_days_have_one_name_on_the_receipt_the_lookup_and_the_guide():
    """A citizen reads the first period on the receipt and 进度查询 (clock_lines) and in 信访指南's
    期限示意图 (timeline steps): the pages once said 登记转送 on one and 受理告知 on the other. It is
    the bureau's 15 days to register and transfer (第二十二条); the handling body's written notice
    follows them (第二十三条), so 受理告知 named the wrong step."""
    from portal.guide.timeline import steps
    from portal.prefiling.receipt import clock_lines

    first = {clock_lines(StatutoryClock(dt.date(2026, 12, 1)), category=c)[0].name
             for c in ("申诉求决", "建议意见", "检举控告", "其他")}
    assert first == {steps()[0].stage} == {ACCEPTANCE_NOTICE.name} == {"登记转送"}
