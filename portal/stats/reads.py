"""Anonymous read counts of typical cases (the 普法 figure 最常阅读的案例): the slug and a count."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal.counters import increment
from portal.stats.models import CaseReadCount


def record_read(*, session: Session, slug: str) -> None:
    """Count one reading of case `slug` (an atomic increment, safe across replicas)."""
    increment(session=session, model=CaseReadCount, key="slug", value=slug, count="reads", stamp="last_read_at")


def most_read(*, session: Session, limit: int = 10) -> list[tuple[str, int]]:
    rows = session.exec(select(CaseReadCount).order_by(col(CaseReadCount.reads).desc(),
                                                       col(CaseReadCount.slug)).limit(limit))
    return [(r.slug, r.reads) for r in rows]
