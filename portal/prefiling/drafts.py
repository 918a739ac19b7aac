"""Drafts (草稿), saved server-side after every step and resumable by a draft code.

The whole form — personal fields included — is stored as one Fernet token.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from portal.prefiling import codes, ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.form import STAGES
from portal.prefiling.models import PrefilingDraft
from portal.prefiling.ratelimit import CODE_FAIL, LOOKUP_FAIL, ClientInfo
from portal.timeutil import utcnow

DRAFT_TTL = dt.timedelta(days=7)
NOT_FOUND = "没有找到这份草稿：草稿码可能输错了，或草稿已超过7天被删除。"


@dataclass(frozen=True)
class Draft:
    """A resumable form: its code, the form dict, the step reached and the form's submit token."""

    code: str
    data: dict[str, Any]
    step: str
    idempotency_token: str


class DraftNotFound(Exception):
    """Message shown as is (does not say whether the code ever existed)."""


def save_draft(*, session: Session, data: dict[str, Any], step: str, code: str | None = None,
               cipher: Cipher | None = None) -> Draft:
    """Store the form (creating the draft on first save) and commit; return the draft."""
    if step not in STAGES:
        raise ValueError(f"unknown step {step}")
    cipher = cipher or get_cipher()
    payload = cipher.encrypt(json.dumps(data, ensure_ascii=False))
    row = session.get(PrefilingDraft, code) if code else None
    if row is None:
        row = PrefilingDraft(code=codes.new_draft_code(), payload_enc=payload, step=step,
                             idempotency_token=codes.new_token())
    else:
        row.payload_enc, row.step, row.updated_at = payload, step, utcnow()
    session.add(row)
    session.commit()
    return Draft(code=row.code, data=data, step=step, idempotency_token=row.idempotency_token)


def load_draft(*, session: Session, code: str, client: ClientInfo,
               cipher: Cipher | None = None) -> Draft:
    """The draft for `code`, or DraftNotFound / RateLimited (failures are throttled)."""
    cipher = cipher or get_cipher()
    code = codes.normalise(code)
    ticket = ratelimit.hit(session=session, client=client, limit=LOOKUP_FAIL, cipher=cipher,
                           subject=f"draft:{code}", backoff=CODE_FAIL)
    row = session.get(PrefilingDraft, code)
    if row is None or row.updated_at < utcnow() - DRAFT_TTL:
        raise DraftNotFound(NOT_FOUND)
    ratelimit.refund(session=session, ticket=ticket)
    data = json.loads(cipher.decrypt(row.payload_enc))
    return Draft(code=row.code, data=data, step=row.step, idempotency_token=row.idempotency_token)


def delete_draft(*, session: Session, code: str) -> None:
    row = session.get(PrefilingDraft, code)
    if row is not None:
        session.delete(row)
        session.commit()
