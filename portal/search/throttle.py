"""A per-address limit on questions to 法律问答 (60 a minute per client address; without an
address, 600 a minute for everybody together), counted atomically in the database so it holds
across sessions and replicas. The question itself is never stored: only a keyed hash of the
address and the time."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from portal.prefiling import ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.ratelimit import SEARCH, ClientInfo, RateLimited

__all__ = ["RateLimited", "allow_question"]


def allow_question(*, session: Session, client: ClientInfo, cipher: Cipher | None = None,
                   now: dt.datetime | None = None) -> None:
    """Count one new question; RateLimited (a calm Chinese message) when over the limit."""
    ratelimit.hit(session=session, client=client, limit=SEARCH, cipher=cipher or get_cipher(), now=now)
