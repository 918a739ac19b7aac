"""Sign-in with lock-out, and server-side sessions that expire after inactivity (登录与会话)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session

from portal.audit.service import LOGIN, LOGIN_FAILED, LOGOUT, record
from portal.identity import Actor
from portal.staff.models import StaffSession, StaffUser
from portal.staff.passwords import hash_password, needs_rehash, verify_password
from portal.timeutil import utcnow

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
GENERIC_FAILURE = "用户名或密码不正确。"


@dataclass(frozen=True)
class LoginOutcome:
    """A session token and the actor on success; a plain-Chinese message otherwise."""

    token: str | None = None
    actor: Actor | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.token is not None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns; they were stored as UTC
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def start_session(*, session: Session, username: str, kind: str = "local",
                  now: dt.datetime | None = None) -> str:
    """A new random token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(StaffSession(token_hash=_token_hash(token), username=username, kind=kind,
                             created_at=now, last_seen_at=now))
    return token


def login(*, session: Session, username: str, password: str,
          now: dt.datetime | None = None) -> LoginOutcome:
    """Check the password, apply the lock-out, open a session; every attempt is audited."""
    now = now or utcnow()
    username = username.strip().lower()
    user = session.get(StaffUser, username) if username else None
    locked_until = _aware(user.locked_until) if user else None
    if user is not None and locked_until is not None and locked_until > now:
        verify_password(None, password)  # same cost as a real attempt
        record(session=session, actor_name=username, action=LOGIN_FAILED, target=username,
               detail="账号锁定期间尝试登录")
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        return LoginOutcome(message=f"密码连续输错次数过多，账号已暂时锁定。请约 {minutes} 分钟后再试。")
    if not verify_password(user.password_hash if user else None, password) or user is None \
            or user.disabled:
        detail = "账号已停用" if user is not None and user.disabled else "用户名或密码不正确"
        if user is not None and not user.disabled:
            user.failed_attempts += 1
            if user.failed_attempts >= MAX_FAILURES:
                user.failed_attempts, user.locked_until = 0, now + LOCKOUT
                detail = f"连续 {MAX_FAILURES} 次失败，锁定 {int(LOCKOUT.total_seconds() // 60)} 分钟"
            session.add(user)
        record(session=session, actor_name=username or "?", action=LOGIN_FAILED, target=username,
               detail=detail)
        return LoginOutcome(message=GENERIC_FAILURE)
    user.failed_attempts, user.locked_until = 0, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    token = start_session(session=session, username=username, now=now)
    record(session=session, actor_name=username, action=LOGIN, target=username)
    return LoginOutcome(token=token, actor=Actor(username, user.role_set))


def resume(*, session: Session, token: str | None, timeout_minutes: int,
           now: dt.datetime | None = None, oidc_roles: frozenset[str] | None = None) -> Actor | None:
    """The actor behind `token` if the session is open and was active within the timeout.

    Roles are read afresh on every call, so a role change or a disabled account takes effect
    on the next page run. OIDC sessions take their roles from `oidc_roles` (the mapping)."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(StaffSession, _token_hash(token))
    if row is None or row.ended_at is not None:
        return None
    if _aware(row.last_seen_at) + dt.timedelta(minutes=timeout_minutes) < now:
        row.ended_at = now
        session.add(row)
        record(session=session, actor_name=row.username, action=LOGOUT, target=row.username,
               detail="长时间未操作，会话过期")
        return None
    if row.kind == "oidc":
        roles = oidc_roles or frozenset()
    else:
        user = session.get(StaffUser, row.username)
        if user is None or user.disabled:
            row.ended_at = now
            session.add(row)
            return None
        roles = user.role_set
    row.last_seen_at = now
    session.add(row)
    return Actor(row.username, roles)


def logout(*, session: Session, token: str | None, now: dt.datetime | None = None) -> None:
    """End the session (退出); harmless if it already ended."""
    if not token:
        return
    row = session.get(StaffSession, _token_hash(token))
    if row is None or row.ended_at is not None:
        return
    row.ended_at = now or utcnow()
    session.add(row)
    record(session=session, actor_name=row.username, action=LOGOUT, target=row.username)


def start_sso_session(*, session: Session, email: str, roles: frozenset[str],
                      now: dt.datetime | None = None) -> str | None:
    """A session for someone the identity provider signed in (统一身份认证), with its audit entry;
    None (and nothing recorded) when they have no email or no portal role."""
    if not roles or not email:
        return None
    token = start_session(session=session, username=email, kind="oidc", now=now)
    record(session=session, actor_name=email, action=LOGIN, target=email,
           detail=f"统一身份认证，角色：{','.join(sorted(roles))}")
    return token
