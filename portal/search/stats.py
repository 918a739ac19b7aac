"""Anonymous statistics (匿名统计): how often each provision was opened from search results.
Only the provision id and a count are kept — never the question, never who asked."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, select

from portal.counters import increment


class ProvisionOpenCount(SQLModel, table=True):
    """条文打开次数: one row per provision opened from the 法律问答 results."""

    __tablename__ = "search_provision_open"

    provision_id: str = Field(primary_key=True, max_length=120)
    opened: int = 0
    last_opened_at: dt.datetime


def record_open(*, session: Session, provision_id: str) -> None:
    """Count one opening of `provision_id` (an atomic increment, safe across replicas)."""
    increment(session=session, model=ProvisionOpenCount, key="provision_id", value=provision_id,
              count="opened", stamp="last_opened_at")


def most_opened(*, session: Session, limit: int = 20) -> list[tuple[str, int]]:
    rows = session.exec(select(ProvisionOpenCount).order_by(ProvisionOpenCount.opened.desc(),
                                                           ProvisionOpenCount.provision_id).limit(limit))
    return [(r.provision_id, r.opened) for r in rows]
