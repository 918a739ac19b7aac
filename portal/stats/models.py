"""The table the figures need: an anonymous read count per typical case (migration 0009_bulletin,
which also indexes the pre-filing dates the dashboard selects by: declared on the Prefiling model)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class CaseReadCount(SQLModel, table=True):
    """案例阅读次数: one row per typical case; only the slug and a count, never who read it."""

    __tablename__ = "case_read_count"

    slug: str = Field(primary_key=True, max_length=80)
    reads: int = 0
    last_read_at: dt.datetime

