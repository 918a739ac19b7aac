"""Tables and indexes the figures need: an anonymous read count per typical case, and indexes on
the pre-filing dates the dashboard's ranges select by (migration 0009_bulletin)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.prefiling.models import Prefiling


class CaseReadCount(SQLModel, table=True):
    """案例阅读次数: one row per typical case; only the slug and a count, never who read it."""

    __tablename__ = "case_read_count"

    slug: str = Field(primary_key=True, max_length=80)
    reads: int = 0
    last_read_at: dt.datetime


# The dashboard selects pre-filings by the day they were received and the day they were registered.
RECEIVED_INDEX = Index("ix_prefiling_received_date", Prefiling.received_date)
REGISTERED_INDEX = Index("ix_prefiling_registered_date", Prefiling.registered_date)
