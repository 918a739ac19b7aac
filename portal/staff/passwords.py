"""Password hashing (argon2id, salted and slow) and the password policy."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()


@cache
def dummy_hash() -> str:
    """Verified against when the username does not exist, so timing does not reveal valid usernames.
    Made on first use, not at import: every page imports this module and one argon2 hash costs
    0.1–0.6 s of CPU on the start-up path."""
    return _hasher.hash("not-a-real-password-000")


def password_problem(password: str) -> str | None:
    """Plain-Chinese reason the password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    if password.strip() != password:
        return "密码首尾不能有空格。"
    if len(set(password)) < 4:
        return "密码过于简单，请使用不同的字符。"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if `password` matches; a missing hash still costs one verification."""
    try:
        return _hasher.verify(stored_hash or dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
