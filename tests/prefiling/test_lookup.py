"""Lookup by code and secret: right, wrong, enumerated; withdrawal; one-time rating."""

import pytest
from sqlmodel import Session

from portal.identity import Actor
from portal.prefiling import codes, staff
from portal.prefiling.lookup import NEUTRAL, LookupFailed, RatingRefused, lookup, rate, withdraw
from portal.prefiling.ratelimit import RateLimited
from portal.prefiling.states import IllegalTransition
from portal.roles import HANDLER, REPORTS
from tests.prefiling.factories import client, days_left_today, make_prefiling

HANDLER_ACTOR = Actor("clerk", frozenset({HANDLER}))
REPORTS_HANDLER = Actor("inspector", frozenset({HANDLER, REPORTS}))


def test_right_code_and_secret_show_the_state_and_clock(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        view = lookup(session=s, code=codes.grouped(made.code).lower(), secret=made.secret, client=client())
    assert view.state == "已提交" and view.code == made.code
    assert view.history[0].action == "提交预登记" and view.can_withdraw and not view.can_rate
    assert view.days_left == days_left_today(15) and view.clock[0].name == "登记转送"


def test_a_deadline_on_a_public_holiday_is_counted_to_the_day_it_moves_to(db_engine):
    """Received 2026-09-16: 15 days end on 10-01 (国庆, rest until 10-07), so the last day is
    10-08. On 10-05 the citizen reads 3 days left, as staff do, not "已过 4 天"."""
    import datetime as dt

    from portal.prefiling.models import Prefiling

    with Session(db_engine) as s:
        made = make_prefiling(s)
        p = s.get(Prefiling, made.prefiling.id)
        p.received_date = dt.date(2026, 9, 16)
        s.add(p)
        s.commit()
        view = lookup(session=s, code=made.code, secret=made.secret, client=client(), today=dt.date(2026, 10, 5))
        assert view.days_left == 3
        assert view.moved_due == (dt.date(2026, 10, 1), dt.date(2026, 10, 8))
        ordinary = lookup(session=s, code=made.code, secret=made.secret, client=client(), today=dt.date(2026, 9, 20))
        assert ordinary.days_left == 18


def test_wrong_code_and_wrong_secret_get_the_same_message(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        with pytest.raises(LookupFailed) as wrong_secret:
            lookup(session=s, code=made.code, secret="AAAAAAAA", client=client())
        with pytest.raises(LookupFailed) as wrong_code:
            lookup(session=s, code=codes.new_reference_code(), secret=made.secret, client=client())
    assert str(wrong_secret.value) == str(wrong_code.value) == NEUTRAL
    assert NEUTRAL == "查询码或查询密码不正确，请核对后重新输入。"   # says neither which one was wrong


def test_enumerating_codes_is_throttled_per_session_and_per_address(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        attacker = client("attacker")
        for _ in range(5):
            with pytest.raises(LookupFailed):
                lookup(session=s, code=codes.new_reference_code(), secret=codes.new_secret(), client=attacker)
        # now even the right pair is refused for this session: no oracle left to probe
        with pytest.raises(RateLimited, match="15分钟后再试"):
            lookup(session=s, code=made.code, secret=made.secret, client=attacker)
        for i in range(30):  # a new session per try does not help from one address
            with pytest.raises(LookupFailed):
                lookup(session=s, code=codes.new_reference_code(), secret="X", client=client(f"n{i}", "9.9.9.9"))
        with pytest.raises(RateLimited):
            lookup(session=s, code=made.code, secret=made.secret, client=client("new", "9.9.9.9"))
        # another citizen is not affected
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).code == made.code


def test_citizen_can_withdraw_only_before_registration(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        view = withdraw(session=s, code=made.code, secret=made.secret, client=client())
        assert view.state == "已撤回" and not view.can_withdraw and view.days_left is None
        other = make_prefiling(s)
        staff.register(session=s, actor=HANDLER_ACTOR, prefiling_id=other.prefiling.id, official_number="XF-1")
        with pytest.raises(IllegalTransition):
            withdraw(session=s, code=other.code, secret=other.secret, client=client())


def test_a_withdrawal_is_recorded_as_the_citizens_own_act(db_engine):
    """The history row of a 撤回 says who did it: the petitioner (信访人), not a member of staff —
    the same as their 提交预登记 row."""
    from sqlmodel import select

    from portal.prefiling.models import PrefilingEvent

    with Session(db_engine) as s:
        made = make_prefiling(s)
        withdraw(session=s, code=made.code, secret=made.secret, client=client())
        events = s.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == made.prefiling.id)).all()
        by = {e.action: e.actor for e in events}
        assert by["withdraw"] == "信访人" == by["submit"]


def test_rating_once_and_only_after_closure(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        args = {"session": s, "code": made.code, "secret": made.secret, "client": client()}
        with pytest.raises(RatingRefused, match="办结后才能评价"):
            rate(**args, rating="满意")
        staff.register(session=s, actor=HANDLER_ACTOR, prefiling_id=made.prefiling.id, official_number="XF-2")
        staff.close(session=s, actor=HANDLER_ACTOR, prefiling_id=made.prefiling.id, reply="已修复屋顶。")
        before = lookup(**args)
        assert before.can_rate and before.history[-1].reply == "已修复屋顶。"
        with pytest.raises(RatingRefused, match="请选择"):
            rate(**args, rating="很好")
        with pytest.raises(RatingRefused, match="不能以"):
            rate(**args, rating="满意", comment="=cmd")
        view = rate(**args, rating="基本满意", comment="修得慢了些")
        assert view.rating == "基本满意" and not view.can_rate
        with pytest.raises(RatingRefused, match="只能评价一次"):
            rate(**args, rating="不满意")
        assert lookup(**args).rating == "基本满意"


@pytest.mark.parametrize(("category", "article"), [("建议意见", "第二十九条"), ("检举控告", "第三十条")])
def test_a_suggestion_or_a_report_is_not_given_the_60_days_or_a_review(db_engine, category, article):
    """第三十四条's 60 days and 第三十五、三十六条's 复查 / 复核 are those of a 信访处理意见书 (第三十一条
    第六项, 申诉求决); 建议意见 and 检举控告 are handled under 第二十九条 and 第三十条 (legal review)."""
    with Session(db_engine) as s:
        made = make_prefiling(s, category=category)
        before = lookup(session=s, code=made.code, secret=made.secret, client=client())
        # a 检举控告 件 is moved by a handler with the 检举控告 role
        staff.register(session=s, actor=REPORTS_HANDLER, prefiling_id=made.prefiling.id, official_number="示信2026-00777")
        after = lookup(session=s, code=made.code, secret=made.secret, client=client())
    assert before.days_left == days_left_today(15)                   # the bureau's 15 days still run
    assert [line.name for line in after.clock] == ["登记转送", "办理"]
    assert after.clock[1].provision_ids[0] == f"xinfang-gongzuo-tiaoli-2022:{article}"
    assert "60日内办结" not in after.clock[1].text.split("。")[0]
    assert after.days_left is None, "no statutory day count to show once registered"
    reports_notice = "纪检监察机关处理检举控告事项的告知按照有关规定执行" in after.clock[0].text   # 第二十三条第四款
    assert reports_notice == (category == "检举控告")


def _ended(s: Session, end: str) -> dict:
    """A fresh 件 brought to `end` (不予登记 by staff, or 已撤回 by the citizen); the lookup's arguments."""
    made = make_prefiling(s)
    args = {"session": s, "code": made.code, "secret": made.secret, "client": client()}
    if end == "不予登记":
        staff.reject(session=s, actor=HANDLER_ACTOR, prefiling_id=made.prefiling.id,
                     reason="属于劳动争议", channel="劳动人事争议仲裁委员会")
    else:
        withdraw(**args)
    return args


@pytest.mark.parametrize("end", ["不予登记", "已撤回"])
def test_a_matter_not_handled_cannot_be_rated(db_engine, end):
    """评价 is of the result of handling (办结): a 不予登记 or withdrawn 件 has none, and a rating
    there would count in 满意率. Refused, nothing stored, no rating form offered."""
    with Session(db_engine) as s:
        args = _ended(s, end)
        seen = lookup(**args)
        assert seen.state == end and not seen.can_rate
        with pytest.raises(RatingRefused, match="办结后才能评价"):
            rate(**args, rating="满意")
        after = lookup(**args)
        assert after.rating == "" and after.state == end


@pytest.mark.parametrize("end", ["不予登记", "已撤回"])
def test_a_matter_no_longer_handled_lists_no_running_deadline(db_engine, end):
    """After 不予登记 or 撤回 nothing more is handled: 进度查询 counts no days and the receipt
    downloaded again says “这份预登记…，不再计算办理期限。” instead of dates."""
    import datetime as dt

    from portal.prefiling.lookup import receipt_again

    with Session(db_engine) as s:
        args = _ended(s, end)
        seen = lookup(**args)
    assert seen.days_left is None and seen.moved_due is None
    again = receipt_again(seen, office=None, today=dt.date(2026, 12, 5))
    text, page = again.text(), again.html()
    over = f"这份预登记的状态是“{end}”，不再计算办理期限。"
    assert over in text and over in page
    assert [line for line in text.splitlines() if line.startswith("· ")] == []   # no period lines
    assert "最迟" not in text and "最迟" not in page
    for period in ("登记转送", "办理", "请求复查"):
        assert f"<strong>{period}</strong>" not in page
