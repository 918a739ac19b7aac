"""Sign-in with growing per-account delays and a per-address limit, and server-side sessions that expire after inactivity (登录与会话)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session

from portal.audit.service import LOGIN, LOGIN_FAILED, LOGOUT, record
from portal.identity import Actor
from portal.prefiling import ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.ratelimit import Backoff, ClientInfo, Limit, RateLimited
from portal.roles import roles_words
from portal.staff.models import StaffSession, StaffUser
from portal.staff.passwords import hash_password, needs_rehash, verify_password
from portal.timeutil import as_utc, utcnow

# One message for an unknown user, a wrong password, a disabled account and an account that is
# waiting out its delay: the answer never tells whether an account exists.
GENERIC_FAILURE = "用户名或密码不正确。连续输错后需要稍等片刻才能再试，请核对后重新输入。"
# Per account: 5 failures within a day are free, then each attempt waits 15 s, 30 s, 1 min, …
# (at most 15 minutes) after the last failure — slow for a guesser, never a hard lock anyone can
# set off. Per client address: at most 20 failed sign-ins in 15 minutes (100 for all requests
# without an address together). Counted atomically (portal.prefiling.ratelimit).
ACCOUNT_DELAY = Backoff("login_account", 5, dt.timedelta(seconds=15), dt.timedelta(minutes=15),
                        dt.timedelta(days=1), GENERIC_FAILURE)
LOGIN_FAIL = Limit("login_fail", None, 20, 100, dt.timedelta(minutes=15), GENERIC_FAILURE)
NO_CLIENT = ClientInfo(session_id="server")


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




def start_session(*, session: Session, username: str, kind: str = "local",
                  now: dt.datetime | None = None) -> str:
    """A new random token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(StaffSession(token_hash=_token_hash(token), username=username, kind=kind,
                             created_at=now, last_seen_at=now))
    return token


def failed_name_tag(username: str, cipher: Cipher | None = None) -> str:
    """What the audit log keeps of a name typed at a failed sign-in: a keyed hash, never the
    text (people type passwords into the name box). The same name always gives the same tag."""
    return "账号摘要:" + (cipher or get_cipher()).mac(f"login-name:{username}")[:16]


def login(*, session: Session, username: str, password: str, client: ClientInfo = NO_CLIENT,
          cipher: Cipher | None = None, now: dt.datetime | None = None) -> LoginOutcome:
    """Check the password under the per-account delay and the per-address limit, open a session;
    every attempt is audited (a failed one under a keyed hash of the typed name)."""
    now = now or utcnow()
    cipher = cipher or get_cipher()
    username = username.strip().lower()
    tag = failed_name_tag(username, cipher)
    try:
        ticket = ratelimit.hit(session=session, client=client, limit=LOGIN_FAIL, cipher=cipher,
                               subject=username, backoff=ACCOUNT_DELAY, now=now)
    except RateLimited:
        verify_password(None, password)  # same cost as a real attempt
        record(session=session, actor_name="?", action=LOGIN_FAILED, target=tag,
               detail="尝试过于频繁，未核对密码")
        return LoginOutcome(message=GENERIC_FAILURE)
    user = session.get(StaffUser, username) if username else None
    if not verify_password(user.password_hash if user else None, password) or user is None \
            or user.disabled:
        detail = "账号已停用" if user is not None and user.disabled else "用户名或密码不正确"
        record(session=session, actor_name="?", action=LOGIN_FAILED, target=tag, detail=detail)
        return LoginOutcome(message=GENERIC_FAILURE)
    ratelimit.refund(session=session, ticket=ticket)  # a success is no failure
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    token = start_session(session=session, username=username, now=now)
    record(session=session, actor_name=username, action=LOGIN, target=username)
    return LoginOutcome(token=token, actor=Actor(username, user.role_set))


def clear_delay(*, session: Session, username: str, cipher: Cipher | None = None) -> None:
    """Forget the failed sign-ins counted against `username` (the caller commits)."""
    ratelimit.forget(session=session, backoff=ACCOUNT_DELAY, subject=username, cipher=cipher or get_cipher())


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
    if as_utc(row.last_seen_at) + dt.timedelta(minutes=timeout_minutes) < now:
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
           detail=f"统一身份认证，角色：{roles_words(roles)}")
    return token
