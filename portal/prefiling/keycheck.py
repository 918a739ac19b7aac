"""Whether the configured encryption key reads the personal data already stored.

A restore that brings back the database but not the key, or the wrong key, must not go unnoticed:
without this check the key file was created afresh on first use, new pre-filings were encrypted
under that throw-away key, and staff saw only the generic fault message (ops drill, session 33).
`portal setup` and the server's start (`python -m ui.serve`) refuse with `key_problem()`'s words.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal.prefiling.crypto import EncryptionKeyError, get_cipher
from portal.prefiling.models import Prefiling, PrefilingDraft
from portal.settings import Settings


def _samples(engine: Engine) -> list[str]:
    """The oldest and newest encrypted name of a pre-filing, and the newest draft: a key that reads
    these reads what lies between (a rotation keeps the old keys after the new one). Read on any
    schema since 0002 (`setup` checks the key before it upgrades an older one)."""
    found = inspect(engine)
    tables = set(found.get_table_names())

    def has(table: str, *columns: str) -> bool:
        return table in tables and set(columns) <= {c["name"] for c in found.get_columns(table)}

    out: list[str] = []
    with Session(engine) as session:
        if has(Prefiling.__tablename__, "id", "name_enc"):
            named = select(Prefiling.name_enc).where(col(Prefiling.name_enc).is_not(None))
            for order in (col(Prefiling.id).asc(), col(Prefiling.id).desc()):
                if (value := session.exec(named.order_by(order).limit(1)).first()) is not None:
                    out.append(value)
        if has(PrefilingDraft.__tablename__, "payload_enc", "updated_at"):
            newest = select(PrefilingDraft.payload_enc).order_by(col(PrefilingDraft.updated_at).desc()).limit(1)
            if (value := session.exec(newest).first()) is not None:
                out.append(value)
    return out


def holds_personal_data(engine: Engine) -> bool:
    return bool(_samples(engine))


def key_problem(*, engine: Engine, settings: Settings) -> str:
    """'' when the key reads the stored personal data (or none is stored); else what is wrong and
    what to do, in words for the operator. Never names the key."""
    samples = _samples(engine)
    if not samples:
        return ""
    try:
        cipher = get_cipher(settings)   # a missing key file is refused here, not made afresh (crypto)
        for token in samples:
            cipher.decrypt(token)
    except EncryptionKeyError as exc:
        return key_advice(exc)
    return ""


def key_advice(exc: EncryptionKeyError) -> str:
    """What the key's failure means and what to do, as `KEY PROBLEM …` says it (setup, the server's
    start, and every command that reads personal data)."""
    return (f"{exc}应使用与这份数据库同一时期备份的密钥（或设置 PORTAL_ENCRYPTION_KEY）；"
            "轮换过密钥的，旧密钥要留在新密钥后面的行里（见 README 的“Backup and restore”一节）。")
