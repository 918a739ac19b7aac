"""The staff queue (待办): pre-filings most urgent first, with the statutory deadline in words,
counted to its real last day (a last day on a 法定休假日 moves on, 民法典 第二百零三条), as 数据看板
counts it. A registered 建议意见 or 检举控告 has no 办结 deadline (receipt.handling_counted), as 进度查询
tells the citizen. No personal data in a queue row. HANDLER role only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal.identity import Actor, require
from portal.prefiling.codes import normalise as normalise_code
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.receipt import clock_of, handling_counted
from portal.prefiling.repeats import repeat_marks
from portal.prefiling.states import SUBMITTED, TERMINAL
from portal.roles import HANDLER
from portal.timeutil import beijing_today

# 7天内到期 / 7日内到期: 0 to 7 days left — a row that says 还剩 7 天 is due within 7 days (the
# queue's filter and 数据看板 alike)
DUE_SOON_DAYS = 7
# a running 件 with no day count: a registered 建议意见 or 检举控告 (receipt.handling_counted)
NO_DAY_COUNT = "不适用60日办结期限"
# what the detail (预登记办理) says of it, in full
HANDLING_SCOPE = ("60日办结期限（情况复杂的经批准可延长不超过30日）只适用于申诉求决类事项：《山东省信访条例》第四十二条、"
                  "《信访工作条例》第三十四条。对建议意见类（《信访工作条例》第二十九条）和检举控告类（第三十条），"
                  "两部条例都没有规定办结天数，登记后本系统不计期限，也不算超期。")


@dataclass(frozen=True)
class QueueRow:
    """A line of the staff queue: no personal data."""

    id: int
    code: str
    state: str
    category: str
    district: str
    received_date: dt.date
    days_left: int | None
    repeat: str = ""          # 疑似重复（n） / 已确认重复 (portal.prefiling.repeats), as the actor may see
    supplemented: bool = False  # 已提交 again because the citizen sent the material staff asked for

    @property
    def state_text(self) -> str:
        """The state as the list says it: a 件 back from 需补充材料 is not a new one."""
        return f"{self.state}（已补充材料）" if self.supplemented else self.state

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def deadline_text(self) -> str:
        """The clock in words (never colour alone): '已超期 3 天', '今天到期', '还剩 5 天'."""
        return deadline_words(self.days_left, ended=self.state in TERMINAL)


def days_left_of(p: Prefiling, today: dt.date) -> int | None:
    """Days to the running period's real last day (negative: overdue); None once ended, and once a
    建议意见 or 检举控告 is registered: the 60 days are a 申诉求决 matter's, so there is no last day to
    count to (its 15 days to 登记 still count before)."""
    if p.state in TERMINAL or (p.registered_date is not None and not handling_counted(p.category)):
        return None
    return clock_of(p).days_left(today, real=True)


def deadline_words(days_left: int | None, *, ended: bool = True) -> str:
    """`days_left` None: ended (不予登记, 已撤回, 已办结), or, with `ended` False, running with no day
    count (a registered 建议意见 or 检举控告)."""
    if days_left is None:
        return "已结束，不计期限" if ended else NO_DAY_COUNT
    if days_left < 0:
        return f"已超期 {-days_left} 天"
    return "今天到期" if days_left == 0 else f"还剩 {days_left} 天"


def queue(*, session: Session, actor: Actor, state: str | None = None, category: str | None = None,
          district: str | None = None, code: str | None = None, max_days_left: int | None = None,
          today: dt.date | None = None, prefiling_id: int | None = None) -> list[QueueRow]:
    """Pre-filings for the handler queue, most urgent first: overdue, then fewest days left, then
    running ones with no day count, then ended ones; ties by submission. `code` matches part of the
    reference code (dashes and case ignored); `max_days_left` keeps running ones with at most that
    many days (-1: overdue; one with no day count is never kept); `prefiling_id` keeps that one only
    (the 件 open on the page, which the list's filters may have come to leave out)."""
    require(actor, HANDLER)
    today = today or beijing_today()
    query = select(Prefiling).order_by(col(Prefiling.submitted_at), col(Prefiling.id))
    if prefiling_id is not None:
        query = query.where(Prefiling.id == prefiling_id)
    if state:
        query = query.where(Prefiling.state == state)
    if category:
        query = query.where(Prefiling.category == category)
    if district:
        query = query.where(Prefiling.district == district)
    if code is not None and normalise_code(code):
        query = query.where(col(Prefiling.code).contains(normalise_code(code)))
    found = []
    for p in session.exec(query):
        left = days_left_of(p, today)
        if max_days_left is not None and (left is None or left > max_days_left):
            continue
        found.append((p, left))
    marks = repeat_marks(session=session, actor=actor, prefiling_ids=[p.id for p, _ in found], among=query)
    back = _supplemented(session, [p.id for p, _ in found if p.state == SUBMITTED])
    rows = [QueueRow(p.id, p.code, p.state, p.category, p.district, p.received_date, left,
                     marks[p.id].text if p.id in marks else "", p.id in back) for p, left in found]
    # sorted() is stable, so the submission order survives among equal deadlines
    return sorted(rows, key=lambda r: (r.days_left is None, r.state in TERMINAL, r.days_left or 0))


def _supplemented(session: Session, ids: list[int]) -> set[int]:
    """Those of the 已提交 pre-filings `ids` (the listed ones) whose last step was the citizen's
    补充材料 (back from 需补充材料 with what staff asked for)."""
    if not ids:
        return set()
    last = (select(func.max(PrefilingEvent.id)).where(col(PrefilingEvent.prefiling_id).in_(ids))
            .group_by(col(PrefilingEvent.prefiling_id)))
    return set(session.exec(select(PrefilingEvent.prefiling_id)
                            .where(col(PrefilingEvent.id).in_(last), PrefilingEvent.action == "supplement")))


def districts(*, session: Session, actor: Actor) -> list[str]:
    """The 问题属地 values present, for the queue filter."""
    require(actor, HANDLER)
    found = session.exec(select(Prefiling.district).distinct()).all()
    return sorted(d for d in found if d)
