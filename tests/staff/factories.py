"""Factories for staff tests: accounts and actors without repeating setup."""

from __future__ import annotations

from sqlmodel import Session

from portal.identity import Actor
from portal.roles import ADMIN
from portal.staff import accounts

PASSWORD = "correct horse battery staple"
ROOT = Actor("test-root", frozenset({ADMIN}))


def make_user(session: Session, username: str = "clerk", *roles: str,
              password: str = PASSWORD):
    return accounts.create_user(session=session, actor=ROOT, username=username, password=password,
                                roles=list(roles))


def actor(*roles: str, name: str = "tester") -> Actor:
    return Actor(name, frozenset(roles))
