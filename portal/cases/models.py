"""Tables for typical cases: the current state of each case and every revision of it."""

from __future__ import annotations

import datetime as dt

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


class TypicalCase(CaseText, table=True):
    """典型案例: the current text and state; `provisions` is JSON [{"id", "reason"}, …]."""

    __tablename__ = "typical_case"

    slug: str = Field(primary_key=True, max_length=80)
    state: str = Field(index=True, max_length=20)
    category: str = Field(index=True, max_length=20)
    source: str = Field(default="staff", max_length=20)
    content_hash: str = Field(default="", max_length=64)
    published_on: dt.date | None = None
    revision: int = 0
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
