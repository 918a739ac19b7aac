"""数据看板 figures over a date range (Beijing days). Every function takes the acting staff member
and checks the role itself (管理员 or 办理); 检举控告 pre-filings count only for the 检举控告 role.

Which pre-filings each figure counts (the dashboard and the 月通报 print these definitions):
- intake and flow: those received in the range, by their state today;
- 登记转送 on time: those received in the range — told (登记 or 不予登记) by the real last day of the
  15 days (portal.clock.last_day: a last day on a weekend or public holiday moves on); still untold
  after it counts late, still within it is pending; withdrawn ones are left out;
- 办结 on time: those registered in the range but 建议意见 and 检举控告, which have no day count
  (receipt.handling_counted: the 60 days are a 申诉求决 matter's) and are only counted apart — answered
  within 60 days (on time), within the 30-day extension (the portal does not record whether one was
  granted), later or still open past 60 days (late), still within 60 days (pending);
- 初信初访 (not raised before: the petitioner said so and no handler confirmed it as 重复信访)
  registered in the range: answered within 21 days of 登记 (三周办结);
- ratings and 一次性结服率: those answered (已办结) in the range.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from portal.clock import ACCEPTANCE_NOTICE, HANDLING
from portal.identity import Actor
from portal.prefiling.channels import RULES as CHANNEL_RULES
from portal.prefiling.form import CATEGORIES
from portal.prefiling.models import Prefiling
from portal.prefiling.queue import DUE_SOON_DAYS
from portal.prefiling.receipt import handling_counted
from portal.prefiling.repeats import CONFIRMED as REPEAT_CONFIRMED
from portal.prefiling.repeats import confirmed_repeats
from portal.prefiling.repeats_models import PrefilingRepeat
from portal.prefiling.states import CLOSED, NEEDS_MORE, REGISTERED, REJECTED, SUBMITTED, WITHDRAWN
from portal.stats import facts
from portal.stats.facts import Period
from portal.timeutil import beijing_today

FIRST_TIME_DAYS = 21
SATISFIED = ("满意", "基本满意")
RATINGS = ("满意", "基本满意", "不满意")
CHANNEL_NAMES = {rule.key: rule.channel for rule in CHANNEL_RULES}
RESTRICTED_LEFT_OUT = "不含检举控告件（仅对具有检举控告权限的工作人员统计）。"
DEFINITIONS = {
    "intake": "统计区间内提交的网上预登记，按目前状态计。",
    "repeats": "统计区间内提交、经办理人员确认为重复信访（与此前的信访事项为同一信访人提出的同一事项）的件数。",
    "acceptance": "统计区间内提交的预登记中，自收到之日起15日内（最后一日遇周末或法定节假日顺延）"
                  "告知登记或不予登记的比例；已撤回的不计，尚在期限内未告知的不计入比例。",
    "handling": "统计区间内登记的申诉求决类和“其他”类信访件中，自登记之日起60日内办结的比例（期限最后一日遇休假日顺延）；"
                "延期内办结指第61至90日办结（本门户不记录是否批准延期）；超过60日仍未办结的计为超期。"
                "60日办结期限只适用于申诉求决类事项（《山东省信访条例》第四十二条、《信访工作条例》第三十四条），"
                "两部条例对建议意见类、检举控告类没有规定办结天数，不计入本项，既不算按期，也不算超期；"
                "“其他”类按申诉求决类计算。法定期限自办理机关受理之日起算，本统计按登记日推算，是工作口径。",
    "first_time": "统计区间内登记的初信初访（信访人表示此前未反映过，且未经办理人员确认为重复信访）中，自登记之日起21日内办结的比例（21日是工作目标，不是法定期限）。",
    "satisfaction": "统计区间内办结的信访件中，信访人评价为“满意”或“基本满意”的件数占已评价件数的比例。",
    "one_time": "一次性结服率 = 统计区间内办结、此后没有请求复查、且信访人评价为“满意”或“基本满意”的件数"
                " ÷ 统计区间内办结的件数（未评价的计入分母）。本门户目前不记录复查请求，按无复查计算。",
}

# beside the overdue lists (数据看板, 月通报): what their 办理 last day is and what is not in them
DUE_NOTE = ("“办理”环节的期限按登记日起算60日推算（法定期限自办理机关受理之日起算，以其书面告知为准）；"
            "建议意见类、检举控告类没有规定办结天数，登记后不列入。")


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, with the rate when there is a whole."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class Intake:
    period: Period
    total: int
    by_month: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_district: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]      # a pre-filing with several suggestions counts under each
    flow: dict[str, int]                   # 提交, 登记, 办结, 不予登记, 撤回, 待审核, 办理中
    restricted_counted: bool
    confirmed_repeats: int = 0             # received in the range and confirmed as 重复信访 by a handler


@dataclass(frozen=True)
class Timeliness:
    period: Period
    acceptance_on_time: int
    acceptance_late: int
    acceptance_pending: int
    handling_on_time: int
    handling_extended: int
    handling_late: int
    handling_pending: int
    restricted_counted: bool
    # registered in the range as 建议意见 or 检举控告: no 60 days, so in none of the four above
    handling_not_counted: int = 0

    @property
    def acceptance(self) -> Share:
        return Share(self.acceptance_on_time, self.acceptance_on_time + self.acceptance_late)

    @property
    def handling(self) -> Share:
        return Share(self.handling_on_time, self.handling_on_time + self.handling_extended + self.handling_late)

    @property
    def handling_with_extension(self) -> Share:
        return Share(self.handling_on_time + self.handling_extended, self.handling.whole)


@dataclass(frozen=True)
class Outcomes:
    period: Period
    first_time: Share              # 初信初访 answered within 21 days of 登记 / registered
    closed: int
    ratings: dict[str, int]        # 满意, 基本满意, 不满意 (unrated are closed - sum)
    one_time: Share                # closed, no 复查, rated 满意/基本满意 / closed
    restricted_counted: bool

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction(self) -> Share:
        return Share(sum(self.ratings[r] for r in SATISFIED), self.rated)


@dataclass(frozen=True)
class DueRow:
    """An open matter by its reference code only: no personal data, no complaint text."""

    code: str
    state: str
    category: str
    district: str
    step: str
    due: dt.date
    days_left: int          # negative: days overdue


@dataclass(frozen=True)
class DueLists:
    day: dt.date
    overdue: list[DueRow] = field(default_factory=list)
    due_this_week: list[DueRow] = field(default_factory=list)   # due within the next 7 days
    restricted_counted: bool = False


def _ordered(counter: Counter, order: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    known = [(k, counter[k]) for k in order if counter[k]]
    rest = sorted(((k, n) for k, n in counter.items() if k not in order), key=lambda kv: (-kv[1], kv[0]))
    return known + rest


def _months(period: Period) -> list[str]:
    out, day = [], period.start.replace(day=1)
    while day <= period.end:
        out.append(f"{day.year}-{day.month:02d}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def intake(*, session: Session, actor: Actor | None, period: Period) -> Intake:
    """Pre-filings received in `period`: by month, category, district, suggested channel; the flow."""
    counted = facts.counting(actor)
    scope = {"session": session, "include_restricted": counted, "where": facts.received_in(period)}
    months: Counter = Counter()
    for day, n in facts.counted_by(**scope, columns=(facts.iso_day(Prefiling.received_date),)):
        months[day[:7]] += n
    categories, districts, states = Counter(), Counter(), Counter()
    registered = 0
    for category, district, state, was_registered, n in facts.counted_by(**scope, columns=(
            Prefiling.category, Prefiling.district, Prefiling.state,
            col(Prefiling.registered_date).is_not(None))):
        categories[category] += n
        districts[district or "（未填写）"] += n
        states[state] += n
        registered += n if was_registered else 0
    channels: Counter = Counter()
    for keys, n in facts.counted_by(**scope, columns=(Prefiling.channels,)):
        for k in (keys or "").split(","):
            if k:
                channels[CHANNEL_NAMES.get(k, k)] += n
    total = sum(states.values())
    flow = {"提交": total, "登记": registered, "办结": states[CLOSED], "不予登记": states[REJECTED],
            "撤回": states[WITHDRAWN], "待审核": states[SUBMITTED] + states[NEEDS_MORE], "办理中": states[REGISTERED]}
    return Intake(period=period, total=total, by_month=[(m, months[m]) for m in _months(period)],
                  by_category=_ordered(categories, CATEGORIES), by_district=_ordered(districts),
                  by_channel=_ordered(channels), flow=flow, restricted_counted=counted,
                  confirmed_repeats=len(confirmed_repeats(session=session, actor=actor, start=period.start,
                                                          end=period.end)))


def timeliness(*, session: Session, actor: Actor | None, period: Period, today: dt.date) -> Timeliness:
    """登记转送 and 办结 against the statutory clock (see the module's definitions). The database
    groups identical date combinations, so each is judged once however many pre-filings share it."""
    counted = facts.counting(actor)
    day, ended = facts.iso_day, facts.beijing_day(Prefiling.closed_at)
    rejected_on = case((Prefiling.state == REJECTED, ended), else_=None)
    answered_on = case((Prefiling.state == CLOSED, ended), else_=None)
    acc: Counter = Counter()
    for received, registered, state, rejected, n in facts.counted_by(
            session=session, include_restricted=counted, where=facts.received_in(period),
            columns=(day(Prefiling.received_date), day(Prefiling.registered_date), Prefiling.state, rejected_on)):
        decided = facts.to_day(registered) or facts.to_day(rejected)
        acc[_acceptance(facts.to_day(received), decided, state == WITHDRAWN, today)] += n
    han: Counter = Counter()
    for registered, answered, category, n in facts.counted_by(
            session=session, include_restricted=counted, where=facts.registered_in(period),
            columns=(day(Prefiling.registered_date), answered_on, Prefiling.category)):
        if not handling_counted(category):
            han["not_counted"] += n
            continue
        han[_handling(facts.to_day(registered), facts.to_day(answered), today)] += n
    return Timeliness(period=period, acceptance_on_time=acc["on_time"], acceptance_late=acc["late"],
                      acceptance_pending=acc["pending"], handling_on_time=han["on_time"],
                      handling_extended=han["extended"], handling_late=han["late"],
                      handling_pending=han["pending"], restricted_counted=counted,
                      handling_not_counted=han["not_counted"])


def _acceptance(received: dt.date, decided: dt.date | None, withdrawn: bool, today: dt.date) -> str:
    due = ACCEPTANCE_NOTICE.real_last_day(received)
    if decided is not None:
        return "on_time" if decided <= due else "late"
    if withdrawn:
        return "left_out"
    return "late" if today > due else "pending"


def _handling(registered: dt.date, answered: dt.date | None, today: dt.date) -> str:
    due = HANDLING.real_last_day(registered)
    if answered is not None:
        if answered <= due:
            return "on_time"
        return "extended" if answered <= HANDLING.real_last_day(registered, extended=True) else "late"
    return "late" if today > due else "pending"


def outcomes(*, session: Session, actor: Actor | None, period: Period) -> Outcomes:
    """初信初访 三周办结, ratings (满意率) and 一次性结服率."""
    counted = facts.counting(actor)
    answered_on = case((Prefiling.state == CLOSED, facts.beijing_day(Prefiling.closed_at)), else_=None)
    fast = first = 0
    for registered, answered, n in facts.counted_by(
            session=session, include_restricted=counted,
            where=and_(facts.registered_in(period), col(Prefiling.raised_before).is_(False),
                       col(Prefiling.id).not_in(_confirmed_repeats())),
            columns=(facts.iso_day(Prefiling.registered_date), answered_on)):
        first += n
        if answered and (facts.to_day(answered) - facts.to_day(registered)).days <= FIRST_TIME_DAYS:
            fast += n
    by_rating = dict(facts.counted_by(session=session, include_restricted=counted,
                                      where=and_(facts.ended_in(period), Prefiling.state == CLOSED),
                                      columns=(Prefiling.rating,)))
    closed = sum(by_rating.values())
    once = sum(by_rating.get(r, 0) for r in SATISFIED)   # no 复查 request is recorded by the portal yet
    return Outcomes(period=period, first_time=Share(fast, first), closed=closed,
                    ratings={k: by_rating.get(k, 0) for k in RATINGS}, one_time=Share(once, closed),
                    restricted_counted=counted)


def _confirmed_repeats():
    """The pre-filings a handler confirmed as 重复信访 (the same matter raised before by the same
    petitioner): not 初信初访, whatever the form said. Whatever the earlier one's category: that the
    matter was raised before is a fact about this one."""
    return select(PrefilingRepeat.prefiling_id).where(PrefilingRepeat.state == REPEAT_CONFIRMED)


def due_lists(*, session: Session, actor: Actor | None, day: dt.date, week: int = DUE_SOON_DAYS) -> DueLists:
    """Open matters past their real last day on `day`, and those due within `week` days of it (at
    most `week` days left, as the queue's 7天内到期 counts them). A registered 建议意见 or 检举控告 has no
    last day (Fact.step_on), so it is in neither."""
    counted = facts.counting(actor)
    overdue, soon = [], []
    running = facts.load(session=session, include_restricted=counted, where=facts.open_now())
    if day < beijing_today():  # a past day: matters ended since were still running then
        running += facts.load(session=session, include_restricted=counted, where=facts.ended_after(day))
    for r in running:
        step = r.step_on(day)
        if step is None:
            continue
        name, due = step
        row = DueRow(r.code, r.state, r.category, r.district, name, due, (due - day).days)
        if row.days_left < 0:
            overdue.append(row)
        elif row.days_left <= week:
            soon.append(row)
    return DueLists(day=day, overdue=sorted(overdue, key=_urgency), due_this_week=sorted(soon, key=_urgency),
                    restricted_counted=counted)


def _urgency(row: DueRow) -> tuple[int, str]:
    return row.days_left, row.code


@dataclass(frozen=True)
class LegalEducation:
    """普法: what citizens read. Article opens are all-time counts (the anonymous table keeps no
    dates); bank growth is by the month a question was added."""

    top_articles: list[tuple[str, int]]
    bank_by_month: list[tuple[str, int]]      # questions added per month of the period
    bank_total: int                           # published questions at the end of the period
    top_cases: list[tuple[str, int]]
    period: Period


def legal_education(*, session: Session, actor: Actor | None, period: Period, limit: int = 10) -> LegalEducation:
    from portal.qa.models import BankQuestion
    from portal.search.stats import most_opened
    from portal.stats.reads import most_read

    facts.counting(actor)
    start, end = period.utc_bounds()
    added_on = facts.beijing_day(BankQuestion.created_at)
    months: Counter = Counter()
    for day, n in session.exec(select(added_on, func.count()).where(
            col(BankQuestion.created_at) >= start, col(BankQuestion.created_at) < end).group_by(added_on)):
        months[day[:7]] += n
    total = session.exec(select(func.count()).select_from(BankQuestion).where(
        BankQuestion.state == "已发布", col(BankQuestion.created_at) < end)).one()
    return LegalEducation(top_articles=most_opened(session=session, limit=limit),
                          bank_by_month=[(m, months[m]) for m in _months(period)], bank_total=int(total),
                          top_cases=most_read(session=session, limit=limit), period=period)
