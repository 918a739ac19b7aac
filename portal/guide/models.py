"""Tables of the 信访指南: the current text of each section and every text ever published."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer, Text
from sqlmodel import Field, SQLModel

from portal.lifecycle import PUBLISHED

# The revision number doubles as the version SQLAlchemy checks on every UPDATE (the service sets
# it, one per publication): two editors publishing one section at once cannot both win.
_SECTION_REVISION = Column("revision", Integer, nullable=False)


class GuideSectionRecord(SQLModel, table=True):
    """指南章节: one section of the public guide as it is published now. `position` orders the
    page (unique: two sections never share a place); `body` is Markdown with [[provision id]] links
    and {{days:…}} / {{ext:…}} clock tokens. `state`: 已发布 (on the public page) or 已撤回 (kept,
    with its history, for staff to restore; never deleted) — portal.guide.lifecycle."""

    __tablename__ = "guide_section"
    __mapper_args__ = {"version_id_col": _SECTION_REVISION, "version_id_generator": False}

    slug: str = Field(primary_key=True, max_length=80)
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    show_timeline: bool = False
    position: int = Field(index=True, unique=True)
    state: str = Field(default=PUBLISHED, max_length=20)
    revision: int = Field(default=0, sa_column=_SECTION_REVISION)
    updated_by: str = Field(max_length=200)
    updated_at: dt.datetime


class GuideRevision(SQLModel, table=True):
    """指南修订记录: a full copy of a section after each import or publication, with who and when."""

    __tablename__ = "guide_revision"

    id: int | None = Field(default=None, primary_key=True)
    section_slug: str = Field(foreign_key="guide_section.slug", index=True, max_length=80)
    number: int
    action: str = Field(max_length=20)
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    show_timeline: bool = False
    author: str = Field(max_length=200)
    created_at: dt.datetime
