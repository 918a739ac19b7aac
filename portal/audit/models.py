"""The audit table; the migration adds triggers that refuse UPDATE and DELETE."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    """操作日志: who did what, when, to which record."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor_name: str = Field(index=True, max_length=200)
    action: str = Field(index=True, max_length=40)
    target: str = Field(default="", max_length=200)
    detail: str = Field(default="", max_length=1000)
