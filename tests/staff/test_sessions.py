"""Server-side sessions expire after inactivity, end on logout, and follow role changes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from portal.roles import ADMIN, EDITOR
from portal.staff import accounts
from portal.staff.auth import login, logout, resume
from portal.timeutil import utcnow
from tests.staff.factories import PASSWORD, ROOT, make_user

TIMEOUT = 30


def _signed_in(engine, now):
    with Session(engine) as s:
        make_user(s, "clerk", EDITOR)
        s.commit()
        outcome = login(session=s, username="clerk", password=PASSWORD, now=now)
        s.commit()
    return outcome.token


def _resume(engine, token, now):
    with Session(engine) as s:
        actor = resume(session=s, token=token, timeout_minutes=TIMEOUT, now=now)
        s.commit()
    return actor


def test_activity_keeps_the_session_and_inactivity_expires_it(db_engine):
    t0 = utcnow()
    token = _signed_in(db_engine, t0)
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=29)).username == "clerk"
    # sliding: 29 minutes after the last activity is still fine
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=58)) is not None
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=58 + TIMEOUT + 1)) is None
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=59)) is None  # ended for good


def test_logout_ends_the_session_and_bad_tokens_get_nothing(db_engine):
    t0 = utcnow()
    token = _signed_in(db_engine, t0)
    with Session(db_engine) as s:
        logout(session=s, token=token)
        s.commit()
    assert _resume(db_engine, token, t0) is None
    assert _resume(db_engine, "forged-token", t0) is None
    assert _resume(db_engine, None, t0) is None


def test_role_change_and_disabling_apply_to_open_sessions(db_engine):
    t0 = utcnow()
    token = _signed_in(db_engine, t0)
    with Session(db_engine) as s:
        make_user(s, "boss", ADMIN)  # the last administrator cannot be disabled
        accounts.set_roles(session=s, actor=ROOT, username="clerk", roles=[EDITOR, ADMIN])
        s.commit()
    assert _resume(db_engine, token, t0).roles == frozenset({EDITOR, ADMIN})
    with Session(db_engine) as s:
        accounts.set_disabled(session=s, actor=ROOT, username="clerk")
        s.commit()
    assert _resume(db_engine, token, t0) is None


def test_the_last_administrator_can_be_neither_demoted_nor_disabled(db_engine):
    """Somebody must be left to manage accounts: the one enabled 管理员 keeps the role and the
    account, and stays signed in; once a second administrator exists either change is allowed."""
    import pytest

    from portal.field_errors import ValidationFailed
    from portal.staff.models import StaffUser

    t0 = utcnow()
    with Session(db_engine) as s:
        make_user(s, "boss", ADMIN)
        make_user(s, "deputy", ADMIN)
        accounts.set_disabled(session=s, actor=ROOT, username="deputy")   # a disabled one does not count
        s.commit()
        token = login(session=s, username="boss", password=PASSWORD, now=t0).token
        s.commit()
    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed, match="唯一的管理员"):
            accounts.set_roles(session=s, actor=ROOT, username="boss", roles=[EDITOR])
        s.rollback()
        with pytest.raises(ValidationFailed, match="唯一的管理员"):
            accounts.set_disabled(session=s, actor=ROOT, username="boss")
        s.rollback()
    with Session(db_engine) as s:
        boss = s.get(StaffUser, "boss")
        assert ADMIN in boss.role_set and not boss.disabled
    assert _resume(db_engine, token, t0).roles == frozenset({ADMIN})
    with Session(db_engine) as s:
        accounts.set_disabled(session=s, actor=ROOT, username="deputy", disabled=False)
        accounts.set_roles(session=s, actor=ROOT, username="boss", roles=[EDITOR])
        s.commit()
    assert _resume(db_engine, token, t0).roles == frozenset({EDITOR})


def test_a_password_reset_ends_the_accounts_open_sessions(db_engine):
    """Reset because the password leaked: whoever is signed in with it is signed out at once;
    the new password signs in."""
    t0 = utcnow()
    token = _signed_in(db_engine, t0)
    assert _resume(db_engine, token, t0).username == "clerk"
    with Session(db_engine) as s:
        accounts.reset_password(session=s, actor=ROOT, username="clerk", password="a brand new passphrase")
        s.commit()
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=1)) is None
    with Session(db_engine) as s:
        assert not login(session=s, username="clerk", password=PASSWORD, now=t0).ok
        assert login(session=s, username="clerk", password="a brand new passphrase", now=t0).ok


def test_a_disabled_then_re_enabled_account_must_sign_in_again(db_engine):
    """停用 ends the account's open sessions at once: re-enabling it later does not bring an old
    session back to life (whoever held that browser tab must sign in again)."""
    t0 = utcnow()
    token = _signed_in(db_engine, t0)
    with Session(db_engine) as s:
        make_user(s, "boss", ADMIN)
        accounts.set_disabled(session=s, actor=ROOT, username="clerk")
        s.commit()
    with Session(db_engine) as s:
        accounts.set_disabled(session=s, actor=ROOT, username="clerk", disabled=False)
        s.commit()
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=1)) is None


def test_an_account_marked_disabled_in_the_database_is_refused_on_its_next_page(db_engine):
    """However the account came to be disabled (here: its row changed directly, as a database
    tool would), an open session is refused on the next page run."""
    from portal.staff.models import StaffUser

    t0 = utcnow()
    token = _signed_in(db_engine, t0)
    with Session(db_engine) as s:
        s.get(StaffUser, "clerk").disabled = True
        s.commit()
    assert _resume(db_engine, token, t0 + dt.timedelta(minutes=1)) is None
