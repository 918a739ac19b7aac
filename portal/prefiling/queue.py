"""The staff queue (待办): pre-filings most urgent first, with the statutory deadline in words,
counted to its real last day (a last day on a 法定休假日 moves on, 民法典 第二百零三条), as 数据看板
counts it. No personal data in a queue row. HANDLER role only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal.identity import Actor, require
from portal.prefiling.codes import normalise as normalise_code
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.receipt import clock_of
from portal.prefiling.repeats import repeat_marks
from portal.prefiling.states import SUBMITTED, TERMINAL
from portal.roles import HANDLER
from portal.timeutil import beijing_today

# 7天内到期 / 7日内到期: 0 to 7 days left — a row that says 还剩 7 天 is due within 7 days (the
# queue's filter and 数据看板 alike)
DUE_SOON_DAYS = 7


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
        return deadline_words(self.days_left)


def days_left_of(p: Prefiling, today: dt.date) -> int | None:
    """Days to the running period's real last day (negative: overdue); None once ended."""
    return None if p.state in TERMINAL else clock_of(p).days_left(today, real=True)


def deadline_words(days_left: int | None) -> str:
    if days_left is None:
        return "已结束，不计期限"
    if days_left < 0:
        return f"已超期 {-days_left} 天"
    return "今天到期" if days_left == 0 else f"还剩 {days_left} 天"


def queue(*, session: Session, actor: Actor, state: str | None = None, category: str | None = None,
          district: str | None = None, code: str | None = None, max_days_left: int | None = None,
          today: dt.date | None = None) -> list[QueueRow]:
    """Pre-filings for the handler queue, most urgent first: overdue, then fewest days left,
    then closed ones; ties by submission. `code` matches part of the reference code (dashes and
    case ignored); `max_days_left` keeps running ones with at most that many days (-1: overdue)."""
    require(actor, HANDLER)
    today = today or beijing_today()
    query = select(Prefiling).order_by(col(Prefiling.submitted_at), col(Prefiling.id))
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
    return sorted(rows, key=lambda r: (r.days_left is None, r.days_left or 0))


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
