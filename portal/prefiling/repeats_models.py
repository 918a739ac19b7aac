"""Tables of the 重复信访 flag (portal.prefiling.repeats).

`prefiling_signature` holds, per pre-filing, only a keyed hash of the ID number and a keyed
binary sketch of the text — neither the number nor the text (see notes/2026-12-01-repeats.md).
`prefiling_repeat` links a pre-filing to an earlier one with the signals that matched and the
handler's decision; its `version` is checked on every UPDATE like the pre-filing's.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.timeutil import utcnow

_REPEAT_VERSION = Column("version", Integer, nullable=False, server_default="1")


class PrefilingSignature(SQLModel, table=True):
    """What the repeat flag compares: keyed, so the database alone cannot test a guess."""

    __tablename__ = "prefiling_signature"

    prefiling_id: int = Field(primary_key=True, foreign_key="prefiling.id")
    key_tag: str = Field(max_length=16)                              # which primary key made it
    petitioner_key: str = Field(default="", max_length=64, index=True)  # HMAC of the ID number
    text_bits: str = Field(default="", max_length=128)               # keyed SimHash, hex ("" = not yet)
    model_id: str = Field(default="", max_length=120)               # embedder the sketch came from
    encode_failures: int = 0
    encoded_at: dt.datetime | None = None


class PrefilingRepeat(SQLModel, table=True):
    """疑似重复: `prefiling_id` may repeat the earlier `earlier_id`; a handler confirms or dismisses."""

    __tablename__ = "prefiling_repeat"
    __table_args__ = (UniqueConstraint("prefiling_id", "earlier_id", name="uq_prefiling_repeat_pair"),)
    __mapper_args__ = {"version_id_col": _REPEAT_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    prefiling_id: int = Field(foreign_key="prefiling.id", index=True)
    earlier_id: int = Field(foreign_key="prefiling.id", index=True)
    same_petitioner: bool = False
    similarity: float | None = None                                  # estimated cosine, when close
    state: str = Field(max_length=10, index=True)
    decided_by: str = Field(default="", max_length=80)
    decided_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_REPEAT_VERSION)
