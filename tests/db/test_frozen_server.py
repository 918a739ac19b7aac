"""A PostgreSQL server that is up but does not answer: its processes stopped, or stuck on a disk
that hangs. The kernel still acknowledges, so TCP's limits never fire and libpq has no read
timeout of its own. The portal gives a statement, a commit and a pool ping a reply timeout to
answer, then drops the connection and fails, instead of a page that waits for ever.

The test stops the server process of one connection (SIGSTOP) on the test server, which runs on
this machine; other connections to it are not touched."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portal.db import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL not set")
    engine = make_engine(url, reply_timeout=2)
    yield engine
    engine.dispose()


def _backend(conn) -> int:
    return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _freeze(pid: int, frozen: list[int]) -> None:
    """Stop server process `pid` (skips unless it is a postgres process here that we may stop)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        pytest.skip("the test server does not run on this machine")
    if b"postgres" not in command:
        pytest.skip("the test server does not run on this machine")
    try:
        os.kill(pid, signal.SIGSTOP)
    except PermissionError:
        pytest.skip("may not stop the test server's processes")
    frozen.append(pid)


def _outcome_within(seconds: float, work, frozen: list[int]) -> tuple[object, float]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # collected for the caller's assertion
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    if worker.is_alive():
        _thaw(frozen)      # lets the worker finish, so the test fails instead of hanging
        worker.join(timeout=10)
        pytest.fail(f"still waiting for the frozen server after {seconds} s")
    return outcome[0], time.monotonic() - started


def test_a_statement_to_a_frozen_server_fails_and_the_next_one_gets_a_new_connection(engine):
    frozen: list[int] = []
    try:
        with engine.connect() as conn:
            _freeze(_backend(conn), frozen)
            outcome, took = _outcome_within(30, lambda: conn.execute(text("SELECT 2")).scalar_one(),
                                            frozen)
            assert isinstance(outcome, OperationalError), outcome
            assert "no reply within 2 s" in str(outcome)
            assert took < 10, took
        # the broken connection is not handed out again: the next statement answers at once
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 3")).scalar_one() == 3
    finally:
        _thaw(frozen)


def test_a_pooled_connection_whose_server_froze_is_replaced_on_checkout(engine):
    frozen: list[int] = []
    try:
        with engine.connect() as conn:
            pid = _backend(conn)
        _freeze(pid, frozen)   # while its connection waits in the pool
        # the next checkout pings it, gets no reply, and opens a new connection
        outcome, took = _outcome_within(30, lambda: _answer(engine), frozen)
        assert outcome == 4, outcome
        assert 1.5 < took < 10, took
    finally:
        _thaw(frozen)


def test_the_pool_gives_a_frozen_connection_a_short_ping_not_the_whole_reply_timeout():
    """A live server answers a ping at once: a pooled connection whose server froze is given up
    after PING_REPLY_S (3 s), so the first page after a freeze does not wait the reply timeout."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL not set")
    engine, frozen = make_engine(url, reply_timeout=20), []
    try:
        with engine.connect() as conn:
            pid = _backend(conn)
        _freeze(pid, frozen)
        outcome, took = _outcome_within(40, lambda: _answer(engine), frozen)
        assert outcome == 4, outcome
        assert 2.5 < took < 10, took
        with engine.connect() as conn:   # the statements keep their own limit
            assert conn.connection.dbapi_connection.reply_limit == 20
    finally:
        _thaw(frozen)
        engine.dispose()


def _thaw(frozen: list[int]) -> None:
    while frozen:
        os.kill(frozen.pop(), signal.SIGCONT)


def _answer(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 4")).scalar_one()


def test_a_statement_that_answers_in_time_is_untouched(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 5 FROM pg_sleep(0.5)")).scalar_one() == 5


def test_the_limit_is_a_setting_and_0_is_none():
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL not set")
    for limit, bounded in ((2, True), (0, False)):
        engine = make_engine(url, reply_timeout=limit)
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert (type(raw).__name__ == "ReplyDeadlineConnection") is bounded
            if bounded:
                with pytest.raises(OperationalError, match="no reply within 2 s"):
                    conn.execute(text("SELECT pg_sleep(3)"))   # slow but alive: cut all the same
        engine.dispose()
