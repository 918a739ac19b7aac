"""Anonymous read counts of typical cases (the 普法 figure 最常阅读的案例): the slug and a count."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.stats.models import CaseReadCount
from portal.timeutil import utcnow


def record_read(*, session: Session, slug: str) -> None:
    """Count one reading of case `slug` (an atomic increment, safe across replicas)."""
    bump = (update(CaseReadCount).where(col(CaseReadCount.slug) == slug)
            .values(reads=CaseReadCount.reads + 1, last_read_at=utcnow()))
    if session.execute(bump).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(CaseReadCount(slug=slug, reads=1, last_read_at=utcnow()))
    except IntegrityError:  # another process inserted it first
        session.execute(bump)


def most_read(*, session: Session, limit: int = 10) -> list[tuple[str, int]]:
    rows = session.exec(select(CaseReadCount).order_by(col(CaseReadCount.reads).desc(),
                                                       col(CaseReadCount.slug)).limit(limit))
    return [(r.slug, r.reads) for r in rows]
