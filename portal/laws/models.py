"""Database mirror of the law library (for relational integrity and replicas)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class LawRecord(SQLModel, table=True):
    """法律法规: one law file as imported."""

    __tablename__ = "law"

    slug: str = Field(primary_key=True, max_length=80)
    title: str = Field(max_length=200)
    issuer: str = Field(max_length=400)
    status: str = Field(max_length=20)
    promulgated: dt.date
    effective: dt.date
    source: str = Field(max_length=1000)
    content_hash: str = Field(max_length=64)
    imported_at: dt.datetime


class ProvisionRecord(SQLModel, table=True):
    """条文: one article, id `<slug>:<label>`, text verbatim."""

    __tablename__ = "provision"

    id: str = Field(primary_key=True, max_length=120)
    law_slug: str = Field(foreign_key="law.slug", index=True, max_length=80)
    label: str = Field(max_length=40)
    number: int
    sub: int = 0
    ordinal: int
    path: str = Field(default="", max_length=400)
    text: str
