"""Encryption at rest of personal fields (个人信息加密存储) with Fernet.

The key comes from settings.encryption_key (env PORTAL_ENCRYPTION_KEY) or else the key file
settings.encryption_key_file, which is created with mode 0600 on first use — unless the database
already holds personal data (a restore without its key: refused, see portal.prefiling.keycheck).
Several keys, one per line, allow rotation: the first encrypts, every one decrypts. The key is never
stored in the database or the repository; losing it makes the personal fields unreadable, so back
it up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portal.settings import Settings, get_settings


class EncryptionKeyError(Exception):
    """The configured key cannot be used (message names the setting, never the key)."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def write_key_file(path: Path) -> bool:
    """Create `path` with a fresh key, mode 0600 (missing folders 0700); False (and nothing written)
    if it exists."""
    from portal.db import private_dir

    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    return True


def _key_lines(settings: Settings) -> list[str]:
    raw = settings.encryption_key
    if not raw:
        path = settings.encryption_key_file
        if not path.is_file():
            _refuse_new_key_over_data(settings)
            write_key_file(path)
        raw = path.read_text(encoding="ascii")
    keys = [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]
    if not keys:
        raise EncryptionKeyError("加密密钥为空：请检查 PORTAL_ENCRYPTION_KEY 或密钥文件。")
    return keys


def _refuse_new_key_over_data(settings: Settings) -> None:
    """A key is made on first use only for a database that holds no personal data yet: over a
    restored database it would encrypt new pre-filings under a throw-away key."""
    from portal.db import engine_for
    from portal.prefiling.keycheck import holds_personal_data

    if holds_personal_data(engine_for(settings.database_url)):
        raise EncryptionKeyError(f"找不到加密密钥文件 {settings.encryption_key_file}，但数据库里已有加密保存的个人信息："
                                 "请从备份恢复这个密钥文件，不要生成新密钥。")


class Cipher:
    """Encrypts/decrypts personal fields and computes keyed hashes (lookup secrets, rate keys)."""

    def __init__(self, keys: list[str]) -> None:
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in keys])
        except (ValueError, TypeError) as exc:
            raise EncryptionKeyError("加密密钥格式不正确：请用 `python -m portal keygen` 生成。") from exc
        self._mac_keys = [hashlib.sha256(b"portal-mac:" + k.encode("ascii")).digest() for k in keys]
        self._primary = base64.urlsafe_b64decode(keys[0].encode("ascii"))

    def subkey(self, purpose: str) -> bytes:
        """32 bytes derived from the primary key by HKDF-SHA256 for one `purpose` (its `info`):
        a separate key per use, and the raw key itself never leaves this object. A new primary key
        (rotation) gives new subkeys."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"portal-subkey-v1",
                    info=purpose.encode("utf-8")).derive(self._primary)

    def encrypt(self, text: str | None) -> str | None:
        if text is None or text == "":
            return None
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str:
        if not token:
            return ""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise EncryptionKeyError("无法解密：密钥与数据不匹配。") from exc

    def encrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.decrypt(data)

    def mac(self, text: str) -> str:
        """Keyed hash with the primary key (64 hex chars)."""
        return hmac.new(self._mac_keys[0], text.encode("utf-8"), hashlib.sha256).hexdigest()

    def mac_matches(self, text: str, expected: str) -> bool:
        """Constant-time check against every key, so rotation keeps old lookups working."""
        ok = False
        for key in self._mac_keys:
            digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
            ok |= hmac.compare_digest(digest, expected)
        return ok


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> Cipher:
    return Cipher(list(keys))


def get_cipher(settings: Settings | None = None) -> Cipher:
    """The cipher for the configured key (the key file is created on first use)."""
    return _cipher_for(tuple(_key_lines(settings or get_settings())))
