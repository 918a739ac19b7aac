"""portal.db.beside_answer: a trip for what only stands beside an answer (the 法律问答 count,
相似问题, typical cases) is skipped for a while after one failed slowly (a frozen server), so a
question does not wait for three of them (found by r47b F4)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

# a slow failure here: long enough that a fast one (no wait at all) is never taken for one on a
# loaded machine (0.05 s was: a process held back that long made "first" slow and skipped the next read)
SLOW = 0.3
TAKES = 2 * SLOW   # how long a slow failure here takes: well past SLOW, never measured under it


def _failing(trips: list[str], name: str, seconds: float):
    def read(**_kwargs):
        import time

        trips.append(name)
        time.sleep(seconds)
        raise OperationalError("SELECT 1", {}, Exception("connection timeout expired"))

    return read


@pytest.fixture
def no_cool_off(monkeypatch):
    """beside_answer's process-wide state as a fresh process has it (and put back afterwards);
    a failure that takes SLOW s or more is slow (TAKES here), not seconds."""
    from portal import db

    monkeypatch.setattr(db._Away, "until", 0.0)
    monkeypatch.setattr(db, "SLOW_FAILURE_S", SLOW)
    return db


def test_after_a_slow_failure_the_trips_beside_an_answer_are_skipped_for_a_while(no_cool_off, monkeypatch, caplog):
    db, trips = no_cool_off, []
    caplog.set_level(logging.INFO, logger="portal.db")
    assert db.beside_answer(_failing(trips, "count", TAKES), instead=False, what="count") is False
    assert db.beside_answer(_failing(trips, "cases", TAKES), instead=[], what="typical cases not shown") == []
    assert trips == ["count"]
    assert "typical cases not shown: not tried" in caplog.text and "skipped for 30 s" in caplog.text
    monkeypatch.setattr(db._Away, "until", 0.0)   # the cool-off over: tried again, and it works
    assert db.beside_answer(lambda: ["案例"], instead=[], what="typical cases not shown") == ["案例"]


def test_a_fast_failure_skips_nothing_and_other_exceptions_are_the_callers(no_cool_off):
    """Connections refused, a lock not got at once: no wait to save, and skipping the question
    count on it would lift 法律问答's limit while the database is merely busy."""
    db, trips = no_cool_off, []
    for name in ("count", "similar", "cases"):
        assert db.beside_answer(_failing(trips, name, 0), instead=None, what=name) is None
    assert trips == ["count", "similar", "cases"]

    def limited():
        raise ValueError("over the limit")

    with pytest.raises(ValueError):
        db.beside_answer(limited, instead=None, what="count")


def test_the_search_engines_bank_is_kept_not_emptied_when_the_database_cannot_be_read(no_cool_off, monkeypatch):
    """相似问题 under the answer read [] where the database failed; the search engine's 30-second
    re-read did too, and served no bank at all (no 相似问题, no bank vote, not the shipped seed
    README promises) for as long as the database was away. Its reader raises instead, so the
    loader keeps the bank it serves (portal.search.loader.refresh_bank)."""
    from portal.qa import service as bank
    from ui.bank_view import BankUnread, published_bank_entries, served_bank_entries

    monkeypatch.setattr(bank, "published_entries", _failing([], "similar", 0))
    assert published_bank_entries() == []
    with pytest.raises(BankUnread):
        served_bank_entries()


@pytest.mark.parametrize("failure", [
    OperationalError("UPDATE x", {}, Exception("database is locked")),                     # SQLite busy timeout
    OperationalError("UPDATE x", {}, Exception("canceling statement due to lock timeout")),  # PostgreSQL
    __import__("sqlalchemy").exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
])
def test_a_busy_database_however_slow_pauses_nothing(no_cool_off, failure):
    """A lock held by a long purge, or no free pooled connection under a flood of questions: slow,
    but the database answers, and pausing the trips would lift the question limit (second reader)."""
    db, trips = no_cool_off, []

    def busy():
        import time

        trips.append("count")
        time.sleep(TAKES)
        raise failure

    assert db.beside_answer(busy, instead=None, what="count") is None
    assert db.beside_answer(lambda: "counted", instead=None, what="count") == "counted"
    assert trips == ["count"] and db._Away.until == 0.0


def test_a_page_keeps_what_it_read_last_and_shows_it_while_the_database_is_away(no_cool_off):
    """portal.db.LastRead: the 典型案例 and 接访日程 pages show what this process read last, said
    to be older, when a read fails; nothing where nothing was read; and a frozen server costs the
    wait once, not on every page of the next 30 s."""
    db, trips = no_cool_off, []
    kept = db.LastRead[list[str]]("typical cases")
    assert kept.read(_failing(trips, "first", 0.0)) is None          # nothing read yet: nothing to show
    assert kept.read(lambda: ["案例一"]) == (["案例一"], True)
    assert kept.read(lambda: []) == ([], True)                        # an empty list read now is the truth
    assert kept.read(_failing(trips, "away", TAKES)) == ([], False)
    assert kept.read(lambda: ["从未读到"]) == ([], False)              # the cool-off: not tried
    assert trips == ["first", "away"]
    no_cool_off._Away.until = 0.0
    assert kept.read(lambda: ["案例二"]) == (["案例二"], True)
    kept.forget()
    assert kept.read(_failing(trips, "fresh", 0.0)) is None
