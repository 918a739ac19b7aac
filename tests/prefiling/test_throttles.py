"""Throttles that hold: parallel requests cannot overshoot, a reload (new session) does not reset
them, no address means one global bucket, wrong secrets for one 查询码 slow down from anywhere."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlmodel import Session, func, select

from portal.prefiling import codes
from portal.prefiling.crypto import get_cipher
from portal.prefiling.lookup import LookupFailed, lookup
from portal.prefiling.models import Prefiling, RateEvent
from portal.prefiling.ratelimit import CODE_FAIL, LOOKUP_FAIL, SEARCH, SUBMIT, Limit, RateLimited, hit, purge
from portal.search.throttle import allow_question
from portal.timeutil import utcnow
from tests.prefiling.factories import client, in_threads, make_prefiling

FREE_GUESSES = 3   # README: after 3 wrong secrets per 查询码 each further try waits 30 s, 1 min, …


def test_parallel_submissions_from_one_session_stop_at_three(db_engine):
    get_cipher()
    me = client("one-session", "198.51.100.4")

    def one(_i):
        with Session(db_engine) as s:
            return make_prefiling(s, who=me)

    stored, errors = in_threads(10, one)
    assert len(stored) == 3 and len(errors) == 7
    assert all(isinstance(e, RateLimited) for e in errors)
    with Session(db_engine) as s:
        assert s.exec(select(func.count()).select_from(Prefiling)).one() == 3


def test_parallel_wrong_lookups_from_one_session_stop_at_five(db_engine):
    get_cipher()
    me = client("guesser", "198.51.100.5")

    def one(_i):
        with Session(db_engine) as s:
            return lookup(session=s, code=codes.new_reference_code(), secret="AAAAAAAA", client=me)

    _results, errors = in_threads(20, one)
    kinds = [type(e) for e in errors]
    assert kinds.count(LookupFailed) == 5 and kinds.count(RateLimited) == 15


def test_without_an_address_a_reload_does_not_reset_the_limit(db_engine):
    """Every request without a client address shares one global bucket, whatever the session."""
    limit = Limit("test_global", 100, 100, 3, dt.timedelta(minutes=5), "太频繁")
    cipher = get_cipher()
    with Session(db_engine) as s:
        for _ in range(3):
            hit(session=s, client=client(), limit=limit, cipher=cipher)  # a new session each time
        with pytest.raises(RateLimited, match="太频繁"):
            hit(session=s, client=client(), limit=limit, cipher=cipher)
        # a client with an address is counted on its own
        hit(session=s, client=client(ip="192.0.2.1"), limit=limit, cipher=cipher)
        # the window slides: five minutes later the bucket is free again
        hit(session=s, client=client(), limit=limit, cipher=cipher, now=utcnow() + dt.timedelta(minutes=6))


def test_wrong_secrets_for_one_code_slow_down_from_any_session(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        for i in range(FREE_GUESSES):  # three guesses, each from another session and address
            with pytest.raises(LookupFailed):
                lookup(session=s, code=made.code, secret=f"WRONG{i:03d}", client=client(ip=f"192.0.2.{i + 10}"))
        # a fourth try right away waits, even with the right secret and from a fresh address
        with pytest.raises(RateLimited, match="这个查询码.*30秒后再试"):
            lookup(session=s, code=made.code, secret=made.secret, client=client(ip="192.0.2.99"))
        # other codes are not affected
        other = make_prefiling(s)
        assert lookup(session=s, code=other.code, secret=other.secret, client=client()).code == other.code


def test_code_delays_grow_and_expire(db_engine):
    cipher = get_cipher()
    limit = Limit("test_codes", 100, 100, 100, dt.timedelta(minutes=5), "x")
    t0 = utcnow()
    with Session(db_engine) as s:
        def attempt(at):
            return hit(session=s, client=client(), limit=limit, cipher=cipher, subject="CODE",
                       backoff=CODE_FAIL, now=at)
        for _ in range(FREE_GUESSES):
            attempt(t0)
        with pytest.raises(RateLimited):
            attempt(t0 + dt.timedelta(seconds=29))
        attempt(t0 + dt.timedelta(seconds=31))              # 4th failure; the next waits 60 s
        with pytest.raises(RateLimited, match="请59秒后再试"):
            attempt(t0 + dt.timedelta(seconds=31 + 1))
        with pytest.raises(RateLimited):
            attempt(t0 + dt.timedelta(seconds=31 + 59))
        attempt(t0 + dt.timedelta(seconds=31 + 61))
    assert CODE_FAIL.delay(40) == CODE_FAIL.cap


def test_search_is_limited_per_address_with_a_calm_message(db_engine):
    me = client(ip="203.0.113.50")
    now = utcnow()
    with Session(db_engine) as s:
        for i in range(60):
            allow_question(session=s, client=client(f"tab{i}", "203.0.113.50"), now=now)
        with pytest.raises(RateLimited, match="提问太频繁了，请过一分钟再试"):
            allow_question(session=s, client=me, now=now)
        allow_question(session=s, client=client(ip="203.0.113.51"), now=now)  # a neighbour still can
        allow_question(session=s, client=me, now=now + dt.timedelta(seconds=61))


def test_the_messages_give_the_number_of_the_phone_they_name(db_engine, monkeypatch):
    """H5: 来访接待电话 is said with its number, the bureau's own (PORTAL_BUREAU_PHONE)."""
    from portal.settings import get_settings

    monkeypatch.setenv("PORTAL_BUREAU_PHONE", "0531-86001234")
    get_settings.cache_clear()
    try:
        me = client("one-session", "198.51.100.8")
        with Session(db_engine) as s:
            for _ in range(SUBMIT.per_session):
                make_prefiling(s, who=me)
            with pytest.raises(RateLimited) as refused:
                make_prefiling(s, who=me)
            for i in range(SEARCH.per_address):
                allow_question(session=s, client=client(f"tab{i}", "203.0.113.70"))
            with pytest.raises(RateLimited) as searched:
                allow_question(session=s, client=client(ip="203.0.113.70"))
    finally:
        monkeypatch.delenv("PORTAL_BUREAU_PHONE")
        get_settings.cache_clear()
    for exc in (refused.value, searched.value):
        assert "来访接待电话 0531-86001234" in str(exc) and "{phone}" not in str(exc), str(exc)
        assert "信访接待电话" not in str(exc)


def test_parallel_searches_cannot_overshoot(db_engine):
    get_cipher()
    now = utcnow()

    def one(i):
        with Session(db_engine) as s:
            allow_question(session=s, client=client(uuid.uuid4().hex, "203.0.113.60"), now=now)

    done, errors = in_threads(70, one)
    assert len(done) == 60 and len(errors) == 10 and all(isinstance(e, RateLimited) for e in errors)


def test_failed_lookups_wait_the_fifteen_minutes_the_message_promises(db_engine):
    """README: after 5 failed lookups (per browser session) in 15 minutes lookups wait 15 minutes,
    and the citizen reads “请15分钟后再试”: 2 minutes later still refused, 16 minutes later free."""
    cipher = get_cipher()
    me = client("tab", "198.51.100.77")
    t0 = utcnow()
    with Session(db_engine) as s:
        for _ in range(5):
            hit(session=s, client=me, limit=LOOKUP_FAIL, cipher=cipher, now=t0)
        with pytest.raises(RateLimited, match="请15分钟后再试"):
            hit(session=s, client=me, limit=LOOKUP_FAIL, cipher=cipher, now=t0 + dt.timedelta(minutes=2))
        with pytest.raises(RateLimited):
            hit(session=s, client=me, limit=LOOKUP_FAIL, cipher=cipher, now=t0 + dt.timedelta(minutes=14))
        hit(session=s, client=me, limit=LOOKUP_FAIL, cipher=cipher, now=t0 + dt.timedelta(minutes=16))


def test_the_nightly_purge_keeps_live_counters_and_drops_old_ones(db_engine):
    """Purging old throttle rows must not free a guesser: failures still inside their window
    (15 minutes per browser session; a day per 查询码) survive and keep counting; rows days old go."""
    cipher = get_cipher()
    me = client("tab", "198.51.100.78")
    t0 = utcnow()
    earlier = t0 - dt.timedelta(hours=20)
    elsewhere = Limit("test_purge", 100, 100, 100, dt.timedelta(minutes=5), "x")

    def guess(at):  # one wrong secret for the 查询码 "CODE", from a fresh session
        hit(session=s, client=client(), limit=elsewhere, cipher=cipher, subject="CODE", backoff=CODE_FAIL, now=at)

    with Session(db_engine) as s:
        hit(session=s, client=client(), limit=LOOKUP_FAIL, cipher=cipher, now=t0 - dt.timedelta(days=3))
        for _ in range(5):
            hit(session=s, client=me, limit=LOOKUP_FAIL, cipher=cipher, now=t0)
        for at in (earlier, earlier, earlier, earlier + dt.timedelta(seconds=31)):  # 4 failures today
            guess(at)
        before = s.exec(select(func.count()).select_from(RateEvent)).one()
        purge(session=s, now=t0 + dt.timedelta(minutes=1))
        s.commit()
        after = s.exec(select(func.count()).select_from(RateEvent)).one()
        with pytest.raises(RateLimited, match="请15分钟后再试"):
            hit(session=s, client=me, limit=LOOKUP_FAIL, cipher=cipher, now=t0 + dt.timedelta(minutes=2))
        guess(t0 + dt.timedelta(minutes=2))        # the 5th failure of the day: the next waits 2 minutes
        with pytest.raises(RateLimited, match="这个查询码.*请2分钟后再试"):
            guess(t0 + dt.timedelta(minutes=2, seconds=10))
        assert after == before - 2  # only the 3-day-old pair went


def test_a_question_is_not_held_up_by_a_lock_on_the_count(db_engine, monkeypatch, caplog):
    """Another writer holds the database (a long staff transaction, a migration) for longer than
    the count may wait: 法律问答 gives up counting after a moment and answers, instead of making
    the citizen wait out the 15-second (SQLite) or 10-second (PostgreSQL) lock wait meant for
    pre-filings. The holder lets go after 8 s; a count that waited the long way would get in then."""
    import threading

    from sqlalchemy import text

    from portal import db
    from portal.search.throttle import count_question

    get_cipher()
    monkeypatch.setattr(db, "get_engine", lambda: db_engine)
    held, answered = threading.Event(), threading.Event()

    def hold() -> None:
        with db_engine.connect() as conn:
            if db_engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                conn.exec_driver_sql("DELETE FROM rate_event")
            else:
                conn.execute(text("LOCK TABLE rate_event IN ACCESS EXCLUSIVE MODE"))
            held.set()
            answered.wait(timeout=8)
            conn.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        counted = count_question(client=client("asker", "198.51.100.9"))
    finally:
        answered.set()
        holder.join()
    assert counted is False
    assert "question not counted against the limit" in caplog.text
    # the short wait was for this count only: other writes on the same pool wait the long way
    with db_engine.connect() as conn:
        if db_engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.SQLITE_BUSY_TIMEOUT_MS
        else:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == db.PG_LOCK_TIMEOUT
    assert count_question(client=client("asker", "198.51.100.9")) is True
