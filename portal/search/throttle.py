"""A per-address limit on questions to 法律问答 (60 a minute per client address; without an
address, 600 a minute for everybody together), counted atomically in the database so it holds
across sessions and replicas. The question itself is never stored: only a keyed hash of the
address and the time."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from portal.db import beside_answer, brief_waits, session_scope
from portal.prefiling import ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.ratelimit import SEARCH, ClientInfo, RateLimited

__all__ = ["RateLimited", "allow_question", "count_question"]


def allow_question(*, session: Session, client: ClientInfo, cipher: Cipher | None = None,
                   now: dt.datetime | None = None) -> None:
    """Count one new question; RateLimited (a calm Chinese message) when over the limit."""
    ratelimit.hit(session=session, client=client, limit=SEARCH, cipher=cipher or get_cipher(), now=now)


def count_question(*, client: ClientInfo) -> bool:
    """Count one new question in its own transaction; RateLimited over the limit. Where the
    database cannot count it (down, locked, full) the question is answered all the same and the
    log says so: answering needs no database, and a citizen must not lose 法律问答 to a fault of
    the pre-filing store, nor wait long for it: a lock held elsewhere is waited for only
    BRIEF_WAIT_MS, and after a slow failure it is not tried for a while (portal.db.beside_answer).
    Returns whether it was counted."""
    def count() -> bool:
        with session_scope(brief_waits()) as session:
            allow_question(session=session, client=client)
        return True

    return beside_answer(count, instead=False, what="法律问答: question not counted against the limit")
