"""Attachments (附件): JPEG, PNG or PDF only — judged by content, not by name — bounded in size and
count, stored Fernet-encrypted under random names in settings.attachments_dir (outside the web
root: Streamlit serves only `static/`)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import filetype

from portal.prefiling.crypto import Cipher
from portal.prefiling.fields import FieldError

KINDS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
MAX_BYTES = 5 * 1024 * 1024
MAX_COUNT = 5


def check_upload(name: str, data: bytes) -> FieldError | None:
    """Why this file cannot be attached, or None."""
    if len(data) > MAX_BYTES:
        return FieldError("attachments", f"附件“{name}”超过 5 MB，请压缩或拍得小一些再上传。")
    if not data:
        return FieldError("attachments", f"附件“{name}”是空文件，请重新选择。")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in KINDS:
        return FieldError("attachments", f"附件“{name}”不是 JPG、PNG 图片或 PDF 文件，只能上传这三种格式。")
    return None


def kind_of(data: bytes) -> str:
    guessed = filetype.guess(data)
    return KINDS[guessed.mime] if guessed else ""


def store(*, data: bytes, directory: Path, cipher: Cipher) -> dict:
    """Encrypt and write one checked upload; return its draft entry."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16) + ".bin"
    path = directory / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(cipher.encrypt_bytes(data))
    return {"stored_name": stored_name, "kind": kind_of(data), "size": len(data)}


def read(*, stored_name: str, directory: Path, cipher: Cipher) -> bytes:
    if Path(stored_name).name != stored_name:
        raise ValueError("bad attachment name")
    return cipher.decrypt_bytes((directory / stored_name).read_bytes())


def remove(*, stored_name: str, directory: Path) -> None:
    if Path(stored_name).name == stored_name:
        (directory / stored_name).unlink(missing_ok=True)
