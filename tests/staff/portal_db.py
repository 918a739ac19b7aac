"""Helpers for AppTest tests that use the run's real database (the one the app opens)."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.bootstrap import bootstrap
from portal.db import get_engine
from portal.settings import get_settings
from portal.staff.auth import login
from tests.staff.factories import PASSWORD, make_user


def ready_engine():
    """The app's engine, migrated and with the shipped content imported (idempotent)."""
    engine = get_engine()
    bootstrap(engine=engine, settings=get_settings())
    return engine


def signed_in_state(*roles: str, username: str | None = None) -> dict:
    """session_state for AppTest holding a real session token of a new account with `roles`."""
    username = username or f"u{uuid.uuid4().hex[:10]}"
    with Session(ready_engine()) as s:
        make_user(s, username, *roles)
        s.commit()
        outcome = login(session=s, username=username, password=PASSWORD)
        s.commit()
    return {"staff_token": outcome.token}
