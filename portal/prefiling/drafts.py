"""Drafts (草稿), saved server-side after every step and resumable by a draft code.

The whole form — personal fields included — is stored as one Fernet token.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from portal.prefiling import attachments as files
from portal.prefiling import codes, ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.fields import FieldError
from portal.prefiling.form import STAGES
from portal.prefiling.models import PrefilingDraft
from portal.prefiling.ratelimit import CODE_FAIL, LOOKUP_FAIL, ClientInfo
from portal.timeutil import utcnow

DRAFT_TTL = dt.timedelta(days=7)
NOT_FOUND = "没有找到这份草稿：草稿码可能输错了，或草稿已超过7天被删除。"


@dataclass(frozen=True)
class Draft:
    """A resumable form: its code, the form dict, the step reached, the form's submit token and
    when it was last saved (`saved_at`, what the next save expects to find)."""

    code: str
    data: dict[str, Any]
    step: str
    idempotency_token: str
    saved_at: dt.datetime | None = None


class DraftNotFound(Exception):
    """Message shown as is (does not say whether the code ever existed)."""


class DraftChanged(Exception):
    """The draft was saved elsewhere (another tab or device) since this form last saved or loaded
    it; nothing was written. `saved_at` is when."""

    def __init__(self, saved_at: dt.datetime) -> None:
        super().__init__("这份草稿已在另一个窗口或另一台设备上修改过。")
        self.saved_at = saved_at


def save_draft(*, session: Session, data: dict[str, Any], step: str, code: str | None = None,
               new_code: str | None = None, expected: dt.datetime | None = None,
               cipher: Cipher | None = None) -> Draft:
    """Store the form (creating the draft on first save) and commit; return the draft.

    `expected`: when this form last saved or loaded the draft. If it was saved since (another tab
    on the same draft code), DraftChanged and nothing is written: two tabs do not overwrite each
    other's answers without a word. None writes regardless (the person chose this form's answers).

    `new_code`: the code a new draft takes (codes.new_draft_code, reserved by the form before its
    first save). Two saves of one form that both think the draft is new — a double click on the
    first 继续 — then write one draft, not two (the second found it under that code)."""
    if step not in STAGES:
        raise ValueError(f"unknown step {step}")
    cipher = cipher or get_cipher()
    payload = cipher.encrypt(json.dumps(data, ensure_ascii=False))
    row = session.get(PrefilingDraft, code or new_code) if code or new_code else None
    if row is None:
        row = PrefilingDraft(code=new_code if new_code and not code else codes.new_draft_code(),
                             payload_enc=payload, step=step, idempotency_token=codes.new_token())
    else:
        if expected is not None and row.updated_at != expected:
            raise DraftChanged(row.updated_at)
        row.payload_enc, row.step, row.updated_at = payload, step, utcnow()
    session.add(row)
    try:
        session.commit()
    except IntegrityError:   # the other save of the pair created it in the same instant: update it
        session.rollback()
        if code or not new_code:
            raise
        return save_draft(session=session, data=data, step=step, code=new_code, cipher=cipher)
    session.refresh(row)   # saved_at as the database gives it back, to compare with the next save's
    return Draft(code=row.code, data=data, step=step, idempotency_token=row.idempotency_token,
                 saved_at=row.updated_at)


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
    return Draft(code=row.code, data=data, step=row.step, idempotency_token=row.idempotency_token,
                 saved_at=row.updated_at)


def delete_draft(*, session: Session, code: str) -> None:
    row = session.get(PrefilingDraft, code)
    if row is not None:
        session.delete(row)
        session.commit()


def take_upload(*, session: Session, name: str, data: bytes, client: ClientInfo, directory: Path,
                cipher: Cipher | None = None) -> tuple[dict | None, FieldError | None]:
    """One file chosen for a draft: counted against ratelimit.UPLOAD (before it is even read: a
    refused file costs a check too), checked (clean_upload) and stored encrypted. Returns (the
    draft's entry for it, None) or (None, why not)."""
    cipher = cipher or get_cipher()
    try:
        ratelimit.hit(session=session, client=client, limit=ratelimit.UPLOAD, cipher=cipher)
    except ratelimit.RateLimited as exc:
        return None, FieldError("attachments", f"附件“{name}”没有上传：{exc}")
    content, problem = files.clean_upload(name, data)
    if problem:
        return None, problem
    return files.store(data=content, directory=directory, cipher=cipher) | {"label": name}, None


def draft_files(row: PrefilingDraft, cipher: Cipher | None = None) -> list[str]:
    """The stored names of the files uploaded with a draft (none if it cannot be read)."""
    try:
        data = json.loads((cipher or get_cipher()).decrypt(row.payload_enc))
    except Exception:  # an unreadable draft has nothing we can clean up
        return []
    return [a.get("stored_name", "") for a in data.get("attachments") or []]


def discard_draft(*, session: Session, code: str, attachments_dir: Path, also: Iterable[str] = (),
                  cipher: Cipher | None = None) -> int:
    """删除草稿: the citizen gives up, and what they typed and uploaded goes now, not after seven
    days — the draft and its files, and `also` (files uploaded since the last save). How many
    files were removed."""
    names = set(also)
    if (row := session.get(PrefilingDraft, codes.normalise(code or ""))) is not None:
        names.update(draft_files(row, cipher))
        session.delete(row)
        session.commit()
    names.discard("")
    for name in names:
        files.remove(stored_name=name, directory=attachments_dir)
    return len(names)
