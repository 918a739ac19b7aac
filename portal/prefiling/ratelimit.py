"""Rate limits and throttling (频率限制) that hold under parallel requests and across replicas.

Each counted event is a row (bucket, keyed hash of the session, the client address or a subject
such as a 查询码 or an account name, time). `hit` takes one slot atomically: in one transaction
of its own it first upserts a lock row per key (a write, so SQLite serialises the writers and
PostgreSQL holds the row lock until commit), then counts the events in the window and inserts
the new ones only if every key is under its limit. Parallel requests therefore cannot overshoot,
also when several app replicas share the database. Without a client address the attempt counts
against one global bucket, never against the browser session alone (a reload is a new session).

Subjects get growing delays instead of a hard cap: after `free` failures within the window each
further attempt must wait base × 2^(n − free), at most `cap` — guessing one code's secret or one
account's password is slow from any number of sessions and addresses, yet nobody can lock the
owner out for long. Addresses and subjects are never stored in plain.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select

from portal.clientaddr import counted_as
from portal.prefiling.crypto import Cipher
from portal.prefiling.models import RateEvent, RateLock
from portal.settings import get_settings
from portal.timeutil import as_utc, utcnow


@dataclass(frozen=True)
class ClientInfo:
    """Who is asking: the Streamlit session id and the client address (see portal.clientaddr)."""

    session_id: str
    ip: str = ""


@dataclass(frozen=True)
class Limit:
    """At most `per_session` / `per_address` events of `bucket` within `window`; when the client
    address is unknown, at most `per_global` for everybody without one together."""

    bucket: str
    per_session: int | None       # None: not counted per browser session
    per_address: int
    per_global: int
    window: dt.timedelta
    message: str   # "{phone}" in it: filled with the 来访接待电话 when it is shown (`told`)


@dataclass(frozen=True)
class Backoff:
    """Growing delays per subject: `free` failures within `window`, then base × 2^(n − free)."""

    bucket: str
    free: int
    base: dt.timedelta
    cap: dt.timedelta
    window: dt.timedelta
    message: str

    def delay(self, failures: int) -> dt.timedelta:
        if failures < self.free:
            return dt.timedelta(0)
        return min(self.cap, self.base * (2 ** min(failures - self.free, 30)))


SUBMIT = Limit("submit", 3, 20, 300, dt.timedelta(hours=1),
               "您提交得太频繁了。为防止重复和滥用，同一设备一小时内最多提交3份、同一网络最多20份，"
               "请稍后再试；如有急事，请拨打来访接待电话 {phone} 或到接待场所反映。")
LOOKUP_FAIL = Limit("lookup_fail", 5, 30, 300, dt.timedelta(minutes=15),
                    "查询失败次数过多，为保护信访人信息，请15分钟后再试。")
CODE_FAIL = Backoff("code_fail", 3, dt.timedelta(seconds=30), dt.timedelta(hours=1), dt.timedelta(days=1),
                    "这个查询码的查询失败次数较多，为保护信访人信息，请{wait}后再试。")
SEARCH = Limit("search", None, 60, 600, dt.timedelta(minutes=1),
               "提问太频繁了，请过一分钟再试。如需帮助，可以阅读信访指南或拨打来访接待电话 {phone}。")
# files taken into drafts (each up to 5 MB, kept 7 days): a filing needs at most 5, a citizen
# who starts again or files twice a few more; more is someone filling the disk
UPLOAD = Limit("upload", 20, 60, 300, dt.timedelta(hours=1),
               "您上传的附件太多了。为防止滥用，同一设备一小时内最多上传20个附件、同一网络最多60个，"
               "请稍后再试；也可以提交后再补充材料，或到接待场所提交。")
KEEP_EVENTS = dt.timedelta(days=2)


class RateLimited(Exception):
    """Too many attempts; the message is shown to the citizen as is."""


def told(message: str) -> str:
    """`message` as the citizen reads it: the 来访接待电话 it names with its number (the bureau's
    phone, PORTAL_BUREAU_PHONE — the one the header and footer give)."""
    return message.replace("{phone}", get_settings().bureau_phone)


@dataclass(frozen=True)
class Ticket:
    """The events one `hit` stored; `refund` removes them (e.g. after a successful lookup)."""

    event_ids: tuple[int, ...]


def _client_keys(client: ClientInfo, cipher: Cipher, limit: Limit) -> list[tuple[str, int]]:
    keys = []
    if limit.per_session is not None:
        keys.append((cipher.mac(f"{limit.bucket}:s:{client.session_id}"), limit.per_session))
    if client.ip:
        keys.append((cipher.mac(f"{limit.bucket}:a:{counted_as(client.ip)}"), limit.per_address))
    else:
        keys.append((cipher.mac(f"{limit.bucket}:global"), limit.per_global))
    return keys


def subject_key(backoff: Backoff, subject: str, cipher: Cipher) -> str:
    return cipher.mac(f"{backoff.bucket}:k:{subject}")


def lock(session: Session, bucket: str, key: str, now: dt.datetime) -> None:
    """Upsert the lock row (bucket, key): a write, so SQLite serialises the writers and PostgreSQL
    holds the row lock until the transaction ends. Also used outside rate limits (the 信访件编号's
    uniqueness, portal.prefiling.transitions)."""
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = make(RateLock).values(bucket=bucket, key=key, touched_at=now)
    session.execute(stmt.on_conflict_do_update(index_elements=["bucket", "key"],
                                               set_={"touched_at": now}))


def _events(session: Session, bucket: str, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    query = (select(func.count(), func.max(RateEvent.at)).select_from(RateEvent)
             .where(RateEvent.bucket == bucket, RateEvent.key == key, col(RateEvent.at) >= since))
    count, last = session.exec(query).one()
    return count, as_utc(last)


def wait_text(wait: dt.timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    return f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"


def hit(*, session: Session, client: ClientInfo, limit: Limit, cipher: Cipher,
        subject: str | None = None, backoff: Backoff | None = None,
        now: dt.datetime | None = None) -> Ticket:
    """Take one slot of `limit` for the client (and one failure of `backoff` for `subject`) or
    raise RateLimited. It ends the caller's transaction first (services call it before they
    write anything) and commits its own, so the count is atomic and one connection suffices."""
    now = now or utcnow()
    keys = [(limit.bucket, key, allowed, limit.window) for key, allowed in _client_keys(client, cipher, limit)]
    if subject is not None and backoff is not None:
        keys.append((backoff.bucket, subject_key(backoff, subject, cipher), None, backoff.window))
    session.commit()
    # the first statement writes: SQLite takes its write lock, PostgreSQL the row locks (sorted,
    # so two requests never wait for each other crosswise)
    for bucket, key, _allowed, _window in sorted(keys, key=lambda k: (k[0], k[1])):
        lock(session, bucket, key, now)
    for bucket, key, allowed, window in keys:
        count, last = _events(session, bucket, key, now - window)
        refused = allowed is not None and count >= allowed
        delay = backoff.delay(count) if allowed is None and backoff is not None else dt.timedelta(0)
        if delay and last is not None:
            ready = last + delay
            if ready > now:
                session.rollback()
                raise RateLimited(backoff.message.format(wait=wait_text(ready - now)))
        if refused:
            session.rollback()
            raise RateLimited(told(limit.message))
    rows = [RateEvent(bucket=bucket, key=key, at=now) for bucket, key, _a, _w in keys]
    session.add_all(rows)
    session.flush()
    ids = tuple(r.id for r in rows)
    session.commit()
    return Ticket(ids)


def refund(*, session: Session, ticket: Ticket) -> None:
    """Give the slots of `ticket` back (the attempt succeeded, so it was no failure); commits."""
    session.exec(sql_delete(RateEvent).where(col(RateEvent.id).in_(ticket.event_ids)))
    session.commit()


def forget(*, session: Session, backoff: Backoff, subject: str, cipher: Cipher) -> None:
    """Drop the failures counted for `subject` (an administrator reset the password). The caller commits."""
    session.exec(sql_delete(RateEvent).where(RateEvent.bucket == backoff.bucket,
                                             RateEvent.key == subject_key(backoff, subject, cipher)))


def purge(*, session: Session, now: dt.datetime | None = None) -> None:
    """Remove events and lock rows older than KEEP_EVENTS (the caller commits)."""
    cutoff = (now or utcnow()) - KEEP_EVENTS
    session.exec(sql_delete(RateEvent).where(col(RateEvent.at) < cutoff))
    session.exec(sql_delete(RateLock).where(col(RateLock.touched_at) < cutoff))
