"""Tables of the pre-filing: the petition, its people, attachments, history, drafts, rate events.

Personal fields (`*_enc`) hold Fernet tokens, never plaintext (see portal.prefiling.crypto); the
complaint text (subject, request, facts, raised_where, rating_comment, replies, the 不予登记
reason) is a SealedText column: plain in Python, Fernet tokens in the database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from portal.prefiling.sealed import SealedText
from portal.timeutil import utcnow

# Checked on every UPDATE of a pre-filing (portal.concurrency): two writers cannot both win.
_PREFILING_VERSION = Column("version", Integer, nullable=False, server_default="1")


class Prefiling(SQLModel, table=True):
    """网上信访预登记: one pre-filed petition."""

    __tablename__ = "prefiling"
    __mapper_args__ = {"version_id_col": _PREFILING_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)       # reference code (查询码)
    secret_hash: str = Field(max_length=64)                         # HMAC of the lookup secret
    idempotency_token: str = Field(max_length=64, unique=True)      # one record per form
    state: str = Field(max_length=20, index=True)
    category: str = Field(max_length=20, index=True)
    restricted: bool = False                                        # 检举控告: REPORTS role only
    district: str = Field(default="", max_length=60, index=True)
    name_enc: str | None = None
    id_number_enc: str | None = None
    phone_enc: str | None = None
    address_enc: str | None = None
    # complaint text: encrypted at rest (SealedText), plain in Python
    subject: str = Field(default="", sa_type=SealedText)            # 被反映对象
    request: str = Field(default="", sa_type=SealedText)            # 诉求
    facts: str = Field(default="", sa_type=SealedText)              # 事实与理由
    raised_before: bool = False
    raised_where: str = Field(default="", sa_type=SealedText)
    raised_stage: str = Field(default="", max_length=20)
    channels: str = Field(default="", max_length=200)               # suggested channel keys
    submitted_at: dt.datetime = Field(default_factory=utcnow)
    # the dashboard selects by these two days (indexes created by migration 0009_bulletin)
    received_date: dt.date = Field(index=True)                      # Beijing date the clock starts
    registered_date: dt.date | None = Field(default=None, index=True)
    official_number: str = Field(default="", max_length=40)         # 信访件编号
    reject_reason: str = Field(default="", sa_type=SealedText)      # staff words, may name people
    reject_channel: str = Field(default="", max_length=200)
    closed_at: dt.datetime | None = Field(default=None, index=True)
    rating: str = Field(default="", max_length=10)
    rating_comment: str = Field(default="", sa_type=SealedText)
    rated_at: dt.datetime | None = None
    anonymised_at: dt.datetime | None = None
    updated_at: dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_PREFILING_VERSION)


class PrefilingPerson(SQLModel, table=True):
    """代理人 (SD art 28) or 代表人 (art 20) named on a pre-filing."""

    __tablename__ = "prefiling_person"

    id: int | None = Field(default=None, primary_key=True)
    prefiling_id: int = Field(foreign_key="prefiling.id", index=True)
    role: str = Field(max_length=10)                                # 代理人 / 代表人
    position: int = 0
    relation: str = Field(default="", max_length=40)
    name_enc: str | None = None
    phone_enc: str | None = None


class PrefilingAttachment(SQLModel, table=True):
    """附件: an image or PDF, stored encrypted under a random name in attachments_dir."""

    __tablename__ = "prefiling_attachment"

    id: int | None = Field(default=None, primary_key=True)
    prefiling_id: int = Field(foreign_key="prefiling.id", index=True)
    stored_name: str = Field(max_length=64)
    kind: str = Field(max_length=10)
    size: int
    added_at: dt.datetime | None = None                            # 补充材料: when sent; None = with the form


class PrefilingEvent(SQLModel, table=True):
    """One state transition with the reply the citizen sees (办理记录)."""

    __tablename__ = "prefiling_event"

    id: int | None = Field(default=None, primary_key=True)
    prefiling_id: int = Field(foreign_key="prefiling.id", index=True)
    at: dt.datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=20)
    from_state: str = Field(max_length=20)
    to_state: str = Field(max_length=20)
    actor: str = Field(max_length=80)                               # 信访人 or staff username
    reply: str = Field(default="", sa_type=SealedText)              # encrypted at rest


class PrefilingDraft(SQLModel, table=True):
    """草稿: the whole form, encrypted, resumable by its draft code."""

    __tablename__ = "prefiling_draft"

    code: str = Field(primary_key=True, max_length=16)
    payload_enc: str
    step: str = Field(max_length=20)
    idempotency_token: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow, index=True)


class RateEvent(SQLModel, table=True):
    """One counted event for rate limits and lookup throttling; `key` is a keyed hash."""

    __tablename__ = "rate_event"

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=20, index=True)
    key: str = Field(max_length=64, index=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)


class RateLock(SQLModel, table=True):
    """One row per counted key, upserted first in every `ratelimit.hit` so counting is serialised."""

    __tablename__ = "rate_lock"

    bucket: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=64)
    touched_at: dt.datetime = Field(default_factory=utcnow, index=True)
