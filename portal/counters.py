"""Anonymous counters (a key and a number, nothing about who): one atomic increment, safe across
replicas, for the provisions opened from 法律问答 and the typical cases read."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from portal.timeutil import utcnow


def increment(*, session: Session, model: type[SQLModel], key: str, value: str, count: str, stamp: str) -> None:
    """Add one to `model.count` of the row whose `key` column is `value` (creating it at 1), and
    set its `stamp` column to now; an UPDATE first, so concurrent increments never lose a count."""
    now = utcnow()
    bump = (update(model).where(getattr(model, key) == value)
            .values({count: getattr(model, count) + 1, stamp: now}))
    if session.execute(bump).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(model(**{key: value, count: 1, stamp: now}))
    except IntegrityError:  # another process inserted it first
        session.execute(bump)
