"""The database connection's limits: a database that hangs makes a page fail (and say so in
Chinese) instead of leaving it greyed out for ever."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portal.db import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url():
    from tests.conftest import _postgres_database

    admin = os.environ.get("TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("TEST_POSTGRES_URL not set")
    url, drop = _postgres_database(admin)
    yield url
    drop()


def test_a_statement_waiting_for_a_lock_gives_up_after_ten_seconds_and_a_connection_attempt_too(pg_url):
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "10s"
        assert conn.connection.dbapi_connection.info.get_parameters()["connect_timeout"] == "10"
    engine.dispose()


def test_a_locked_table_fails_the_waiting_statement_instead_of_hanging(pg_url):
    """Another session holds the table (a long transaction, a stalled migration): the portal's
    statement fails after the lock timeout. The address may set its own (here one second)."""
    engine = make_engine(pg_url + "?options=-c%20lock_timeout%3D1s")
    holder = make_engine(pg_url)
    with holder.connect() as conn:
        conn.execute(text("CREATE TABLE t (x int)"))
        conn.commit()
        conn.execute(text("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"))
        with pytest.raises(OperationalError, match="lock timeout"), engine.connect() as waiting:
            waiting.execute(text("SELECT * FROM t"))
        conn.rollback()
    engine.dispose()
    holder.dispose()
