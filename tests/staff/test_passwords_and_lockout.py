"""Passwords are salted argon2 hashes; failures bring growing per-account delays and a per-address
limit, counted atomically; one message for every failure; failed names only as keyed hashes."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.field_errors import ValidationFailed
from portal.prefiling.ratelimit import ClientInfo
from portal.roles import EDITOR
from portal.staff.auth import GENERIC_FAILURE, failed_name_tag, login
from portal.staff.models import StaffUser
from portal.staff.passwords import hash_password, verify_password
from portal.timeutil import utcnow
from tests.staff.factories import PASSWORD, make_user

FREE_FAILURES = 5   # README: per account, 5 failures a day are free, then each attempt waits


def test_hash_is_salted_argon2_and_verifies():
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a.startswith("$argon2id$") and a != b and PASSWORD not in a
    assert verify_password(a, PASSWORD) and not verify_password(a, PASSWORD + "x")
    assert not verify_password(None, PASSWORD) and not verify_password("garbage", PASSWORD)


@pytest.mark.parametrize("bad", ["short", "elevenchars", "aaaaaaaaaaaaaaa", " leading space pw",
                                 "trailing space pw ", "abababababab", "abcabcabcabc"])   # 12 characters, 2 or 3 different
def test_weak_passwords_are_refused(db_engine, bad):
    with Session(db_engine) as s, pytest.raises(ValidationFailed) as info:
        make_user(s, "weak", EDITOR, password=bad)
    assert info.value.for_field("password")


def test_twelve_characters_of_four_different_kinds_are_enough(db_engine):
    with Session(db_engine) as s:
        assert make_user(s, "plain", EDITOR, password="abcdabcdabcd").username == "plain"


def test_stored_row_holds_no_plain_password(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
        row = s.get(StaffUser, "clerk")
        assert PASSWORD not in row.password_hash


def _attempt(engine, password, now, username="clerk", who=None):
    with Session(engine) as s:
        outcome = login(session=s, username=username, password=password, now=now,
                        client=who or ClientInfo(uuid.uuid4().hex, f"10.9.{uuid.uuid4().int % 250}.1"))
        s.commit()
        return outcome


def test_failures_bring_growing_delays_not_a_lock(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    t0 = utcnow()
    for i in range(FREE_FAILURES):  # from five different addresses
        outcome = _attempt(db_engine, "wrong password!!", t0 + dt.timedelta(seconds=i))
        assert not outcome.ok and outcome.message == GENERIC_FAILURE
    last = t0 + dt.timedelta(seconds=FREE_FAILURES - 1)
    # the right password right away is refused with the same words, without checking it
    waiting = _attempt(db_engine, PASSWORD, last + dt.timedelta(seconds=5))
    assert not waiting.ok and waiting.message == GENERIC_FAILURE
    # 15 s after the fifth failure the owner gets in; no 15-minute lock anyone could set off
    assert _attempt(db_engine, PASSWORD, last + dt.timedelta(seconds=16)).ok
    # further failures wait longer each time: 15 s, 30 s, 60 s after the last one
    t1 = last + dt.timedelta(seconds=20)
    assert not _attempt(db_engine, "wrong password!!", t1).ok            # 6th failure
    assert not _attempt(db_engine, PASSWORD, t1 + dt.timedelta(seconds=25)).ok   # needs 30 s
    assert _attempt(db_engine, PASSWORD, t1 + dt.timedelta(seconds=31)).ok


def test_a_success_does_not_count_as_a_failure(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    t0 = utcnow()
    for _ in range(FREE_FAILURES - 1):
        _attempt(db_engine, "wrong password!!", t0)
    for _ in range(5):
        assert _attempt(db_engine, PASSWORD, t0).ok  # four failures and the successes: no delay


def test_parallel_guessing_is_counted_exactly(db_engine):
    """Twelve wrong passwords at once: exactly five are checked, the rest wait (no lost counts)."""
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    now = utcnow()
    outcomes = []

    def guess(i):
        outcomes.append(_attempt(db_engine, f"wrong password {i}", now))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 12 and not any(o.ok for o in outcomes)
    with Session(db_engine) as s:
        details = [e.detail for e in s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed"))]
    assert details.count("用户名或密码不正确") == FREE_FAILURES
    assert details.count("尝试过于频繁，未核对密码") == 12 - FREE_FAILURES


def test_one_address_is_limited_across_accounts(db_engine):
    """Spraying many account names from one address stops after 20 failures in 15 minutes."""
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    me = ClientInfo("sprayer", "203.0.113.7")
    now = utcnow()
    for i in range(20):
        assert not _attempt(db_engine, "wrong password!!", now, username=f"name{i}", who=me).ok
    assert not _attempt(db_engine, PASSWORD, now, who=me).ok  # refused before checking
    assert _attempt(db_engine, PASSWORD, now, who=ClientInfo("colleague", "203.0.113.8")).ok
    assert _attempt(db_engine, PASSWORD, now + dt.timedelta(minutes=16), who=me).ok


def test_failed_names_are_kept_only_as_keyed_hashes(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    now = utcnow()
    _attempt(db_engine, "x", now, username="MySecretPassw0rd!")
    _attempt(db_engine, "wrong password!!", now, username="clerk")
    with Session(db_engine) as s:
        raw = " ".join(f"{e.actor_name} {e.target} {e.detail}"
                       for e in s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed")))
    assert "mysecretpassw0rd" not in raw.lower() and "clerk" not in raw
    assert failed_name_tag("mysecretpassw0rd!") in raw and failed_name_tag("clerk") in raw


def test_password_reset_lifts_the_delay(db_engine):
    from portal.staff.accounts import reset_password
    from tests.staff.factories import ROOT

    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    now = utcnow()
    for _ in range(8):
        _attempt(db_engine, "wrong password!!", now)
    assert not _attempt(db_engine, PASSWORD, now).ok
    with Session(db_engine) as s:
        reset_password(session=s, actor=ROOT, username="clerk", password="another good passphrase")
        s.commit()
    assert _attempt(db_engine, "another good passphrase", now).ok


def test_unknown_and_disabled_accounts_get_the_same_answer(db_engine):
    from portal.staff.accounts import set_disabled
    from tests.staff.factories import ROOT

    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        make_user(s, "gone", EDITOR)
        set_disabled(session=s, actor=ROOT, username="gone")
        s.commit()
        unknown = login(session=s, username="nobody", password=PASSWORD)
        disabled = login(session=s, username="gone", password=PASSWORD)
    assert not unknown.ok and not disabled.ok and unknown.message == disabled.message


def test_the_addresses_of_one_ipv6_network_count_as_one(db_engine):
    """A subscriber holds a whole /64 (2^64 addresses): stepping through it is not a fresh
    allowance each time. Another /64 is someone else."""
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    now = utcnow()
    for i in range(20):
        who = ClientInfo(f"sprayer{i}", f"2001:db8:1:2::{i + 1:x}")
        assert not _attempt(db_engine, "wrong password!!", now, username=f"name{i}", who=who).ok
    assert not _attempt(db_engine, PASSWORD, now, who=ClientInfo("next", "2001:db8:1:2:ffff::9")).ok
    assert _attempt(db_engine, PASSWORD, now, who=ClientInfo("neighbour", "2001:db8:1:3::1")).ok


def test_a_password_typed_differently_the_second_time_creates_no_account(db_engine):
    """新建账号 asks for the password twice: a typo in either makes no account (whose password
    nobody would know); the same twice does."""
    from portal.staff import accounts
    from tests.staff.factories import ROOT

    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed) as info:
            accounts.create_user(session=s, actor=ROOT, username="typo", password=PASSWORD,
                                 confirm=PASSWORD + "x", roles=[EDITOR])
        assert info.value.for_field("confirm") and s.get(StaffUser, "typo") is None
        accounts.create_user(session=s, actor=ROOT, username="typo", password=PASSWORD, confirm=PASSWORD,
                             roles=[EDITOR])
        s.commit()
        assert s.get(StaffUser, "typo") is not None
