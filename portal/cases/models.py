"""Tables for typical cases: the current state of each case and every revision of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel


class CaseText(SQLModel):
    """The written parts of a case, shared by the case and each of its revisions."""

    title: str = Field(max_length=200)
    illustrative: bool = True
    facts: str = ""
    process: str = ""
    result: str = ""
    significance: str = ""
    provisions: str = "[]"


# The revision number doubles as the version SQLAlchemy checks on every UPDATE (the service sets
# it, one per revision): two editors saving or publishing at once cannot both win.
_CASE_REVISION = Column("revision", Integer, nullable=False)


class TypicalCase(CaseText, table=True):
    """典型案例: the current text and state; `provisions` is JSON [{"id", "reason"}, …]."""

    __tablename__ = "typical_case"
    __mapper_args__ = {"version_id_col": _CASE_REVISION, "version_id_generator": False}

    slug: str = Field(primary_key=True, max_length=80)
    state: str = Field(index=True, max_length=20)
    category: str = Field(index=True, max_length=20)
    source: str = Field(default="staff", max_length=20)
    content_hash: str = Field(default="", max_length=64)
    published_on: dt.date | None = None
    revision: int = Field(default=0, sa_column=_CASE_REVISION)
    updated_at: dt.datetime
    updated_by: str = Field(max_length=200)


class CaseRevision(CaseText, table=True):
    """案例修订记录: a full copy of the case after each save or transition, with who and when."""

    __tablename__ = "case_revision"

    id: int | None = Field(default=None, primary_key=True)
    case_slug: str = Field(foreign_key="typical_case.slug", index=True, max_length=80)
    number: int
    action: str = Field(max_length=20)
    state: str = Field(max_length=20)
    category: str = Field(max_length=20)
    author: str = Field(max_length=200)
    created_at: dt.datetime
