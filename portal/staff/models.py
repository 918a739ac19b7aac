"""Tables for staff accounts and their server-side sessions."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class StaffUser(SQLModel, table=True):
    """工作人员账号: a local account. Roles are stored comma-separated (few, fixed names)."""

    __tablename__ = "staff_user"

    username: str = Field(primary_key=True, max_length=80)
    password_hash: str = Field(max_length=200)
    roles: str = Field(default="", max_length=200)
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class StaffSession(SQLModel, table=True):
    """登录会话: only the SHA-256 of the token is stored, so a database leak opens no session."""

    __tablename__ = "staff_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    username: str = Field(index=True, max_length=200)
    kind: str = Field(default="local", max_length=20)
    created_at: dt.datetime
    last_seen_at: dt.datetime
    ended_at: dt.datetime | None = None
