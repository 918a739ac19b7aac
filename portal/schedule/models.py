"""ReceptionSession (领导接访): one announced session of a leader receiving visitors."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from portal.timeutil import utcnow


class ReceptionSession(SQLModel, table=True):
    """A leader's reception session. `key` ties a row to content/schedule.yaml (or to its staff
    author); `deleted` is a tombstone so that a re-import never brings back a deleted session."""

    __tablename__ = "reception_session"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    leader: str = Field(max_length=100)
    day: dt.date = Field(index=True)
    start_time: str = Field(max_length=5)
    end_time: str = Field(max_length=5)
    place: str = Field(max_length=200)
    topics: str = Field(default="", max_length=500)
    deleted: bool = False
    updated_by: str = Field(default="", max_length=80)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
