"""Two writers on one record: the first wins, the second is told and writes nothing.

Records that move through a lifecycle (a pre-filing, a typical case) carry a version column that
SQLAlchemy checks on every UPDATE (`UPDATE … WHERE id = ? AND version = ?`, mapper option
`version_id_col`), on SQLite and PostgreSQL alike. When another transaction changed the row since it
was read, the UPDATE matches no row and the flush raises StaleDataError; `first_wins` turns that into
the service's own exception with one plain-Chinese message, after rolling back everything the
loser had added (its event, its audit entry, its revision).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

# no "please refresh": a refresh signs staff out, and every page shows the latest state after it
TAKEN = "刚刚已有他人处理，您这次的操作没有执行。"
LATEST = "下面是最新的状态。"


class Taken(Exception):
    """Another writer changed the record first (the default error of `first_wins`)."""


@contextmanager
def first_wins(session: Session, error: type[Exception] = Taken) -> Iterator[None]:
    """Run a write; if another writer got there first, roll back and raise `error(TAKEN)`."""
    try:
        yield
    except StaleDataError as exc:
        session.rollback()
        raise error(TAKEN) from exc
