"""Tables of the question bank and of the questions citizens send in (群众来问)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer, String
from sqlmodel import Field, SQLModel

# Two 法律顾问 at once cannot both win (portal.concurrency): SQLAlchemy checks a version on every
# UPDATE (`… WHERE id = ? AND <version> = ?`). A question's revision doubles as its version (the
# service sets it, one per save); a sent-in question's state does (待处理 → 已收入 / 已忽略 happens once).
_BANK_REVISION = Column("revision", Integer, nullable=False)
_SENT_STATE = Column("state", String(20), nullable=False, index=True)


class BankQuestion(SQLModel, table=True):
    """常见问题: a question in a citizen's words and the provisions that answer it.

    `provisions` is a JSON list of provision ids; `source_ref` is the id in the seed file for
    imported questions (unique, so the import is idempotent), empty for staff-written ones."""

    __tablename__ = "bank_question"
    __mapper_args__ = {"version_id_col": _BANK_REVISION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(max_length=500)
    provisions: str = "[]"
    state: str = Field(index=True, max_length=20)
    source: str = Field(max_length=200)
    licence: str = Field(default="", max_length=100)
    source_ref: str | None = Field(default=None, unique=True, max_length=80)
    revision: int = Field(default=1, sa_column=_BANK_REVISION)
    created_at: dt.datetime
    created_by: str = Field(max_length=200)
    updated_at: dt.datetime
    updated_by: str = Field(max_length=200)


class SentQuestion(SQLModel, table=True):
    """群众来问: a question a citizen chose to send to staff because search found nothing useful.

    The text is stored with ID-card and phone numbers masked, nothing about the sender; it is
    erased once staff have handled it (answered into the bank or dismissed), and a question nobody
    handles is deleted 90 days after it came in (inbox.UNHANDLED_TTL, `purge-expired`)."""

    __tablename__ = "bank_sent_question"
    __mapper_args__ = {"version_id_col": _SENT_STATE, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(default="", max_length=500)
    state: str = Field(sa_column=_SENT_STATE)
    received_at: dt.datetime = Field(index=True)
    handled_at: dt.datetime | None = None
    handled_by: str = Field(default="", max_length=200)
    bank_question_id: int | None = Field(default=None, foreign_key="bank_question.id")
