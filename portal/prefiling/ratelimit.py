"""Rate limits and throttling (频率限制), counted per browser session and per client address.

Each counted event is a row (bucket, keyed hash of the session or address, time), so limits hold
across several app replicas sharing the database. Addresses are never stored in plain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from portal.prefiling.crypto import Cipher
from portal.prefiling.models import RateEvent
from portal.timeutil import utcnow


@dataclass(frozen=True)
class ClientInfo:
    """Who is asking: the Streamlit session id and the client address (st.context.ip_address)."""

    session_id: str
    ip: str = ""


@dataclass(frozen=True)
class Limit:
    """At most `per_session` / `per_address` events of `bucket` within `window`."""

    bucket: str
    per_session: int
    per_address: int
    window: dt.timedelta
    message: str


SUBMIT = Limit("submit", 3, 20, dt.timedelta(hours=1),
               "您提交得太频繁了。为防止重复和滥用，同一设备一小时内最多提交3件、同一网络最多20件，"
               "请稍后再试；如有急事，请拨打信访接待电话或到接待场所反映。")
LOOKUP_FAIL = Limit("lookup_fail", 5, 30, dt.timedelta(minutes=15),
                    "查询失败次数过多，为保护信访人信息，请15分钟后再试。")
KEEP_EVENTS = dt.timedelta(days=2)


class RateLimited(Exception):
    """Too many attempts; the message is shown to the citizen as is."""


def _keys(client: ClientInfo, cipher: Cipher, bucket: str) -> list[tuple[str, str]]:
    keys = [("session", cipher.mac(f"{bucket}:s:{client.session_id}"))]
    if client.ip:
        keys.append(("address", cipher.mac(f"{bucket}:a:{client.ip}")))
    return keys


def _count(session: Session, bucket: str, key: str, since: dt.datetime) -> int:
    query = (select(func.count()).select_from(RateEvent)
             .where(RateEvent.bucket == bucket, RateEvent.key == key, col(RateEvent.at) >= since))
    return session.exec(query).one()


def check(*, session: Session, client: ClientInfo, limit: Limit, cipher: Cipher,
          now: dt.datetime | None = None) -> None:
    """Raise RateLimited when the session or the address has used up `limit`."""
    since = (now or utcnow()) - limit.window
    for kind, key in _keys(client, cipher, limit.bucket):
        allowed = limit.per_session if kind == "session" else limit.per_address
        if _count(session, limit.bucket, key, since) >= allowed:
            raise RateLimited(limit.message)


def record(*, session: Session, client: ClientInfo, limit: Limit, cipher: Cipher,
           now: dt.datetime | None = None) -> None:
    """Count one event for the session and the address (the caller commits)."""
    for _kind, key in _keys(client, cipher, limit.bucket):
        session.add(RateEvent(bucket=limit.bucket, key=key, at=now or utcnow()))
