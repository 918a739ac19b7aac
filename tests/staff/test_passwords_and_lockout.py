"""Passwords are salted argon2 hashes; five failures lock the account for 15 minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.field_errors import ValidationFailed
from portal.roles import EDITOR
from portal.staff.auth import LOCKOUT, MAX_FAILURES, login
from portal.staff.models import StaffUser
from portal.staff.passwords import hash_password, verify_password
from portal.timeutil import utcnow
from tests.staff.factories import PASSWORD, make_user


def test_hash_is_salted_argon2_and_verifies():
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a.startswith("$argon2id$") and a != b and PASSWORD not in a
    assert verify_password(a, PASSWORD) and not verify_password(a, PASSWORD + "x")
    assert not verify_password(None, PASSWORD) and not verify_password("garbage", PASSWORD)


@pytest.mark.parametrize("bad", ["short", "elevenchars", "aaaaaaaaaaaaaaa", " leading space pw"])
def test_weak_passwords_are_refused(db_engine, bad):
    with Session(db_engine) as s, pytest.raises(ValidationFailed) as info:
        make_user(s, "weak", EDITOR, password=bad)
    assert info.value.for_field("password")


def test_stored_row_holds_no_plain_password(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
        row = s.get(StaffUser, "clerk")
        assert PASSWORD not in row.password_hash


def _attempt(engine, password, now):
    with Session(engine) as s:
        outcome = login(session=s, username="clerk", password=password, now=now)
        s.commit()
        return outcome


def test_five_failures_lock_out_then_cool_down_expires(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    t0 = utcnow()
    for i in range(MAX_FAILURES):
        outcome = _attempt(db_engine, "wrong password!!", t0 + dt.timedelta(seconds=i))
        assert not outcome.ok and outcome.message == "用户名或密码不正确。"
    locked = _attempt(db_engine, PASSWORD, t0 + dt.timedelta(minutes=1))
    assert not locked.ok and "锁定" in locked.message  # right password refused while locked
    still = _attempt(db_engine, PASSWORD, t0 + LOCKOUT - dt.timedelta(seconds=1))
    assert not still.ok
    after = _attempt(db_engine, PASSWORD, t0 + LOCKOUT + dt.timedelta(seconds=10))
    assert after.ok and after.actor.roles == frozenset({EDITOR})
    with Session(db_engine) as s:
        user = s.get(StaffUser, "clerk")
        assert user.failed_attempts == 0 and user.locked_until is None
        actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.target == "clerk"))]
    assert actions.count("login_failed") == MAX_FAILURES + 2 and actions[-1] == "login"


def test_success_resets_the_failure_count(db_engine):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
    t0 = utcnow()
    for _ in range(MAX_FAILURES - 1):
        _attempt(db_engine, "wrong password!!", t0)
    assert _attempt(db_engine, PASSWORD, t0).ok
    for _ in range(MAX_FAILURES - 1):
        _attempt(db_engine, "wrong password!!", t0)
    assert _attempt(db_engine, PASSWORD, t0).ok  # not locked: the count started again


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
