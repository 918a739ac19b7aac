"""Drafts (草稿), saved server-side after every step and resumable by a draft code.

The whole form — personal fields included — is stored as one Fernet token. On submission the
draft's row becomes a "submitted" marker in the same transaction as the 件 (service.submit): the
form data goes and the 查询码 and 查询密码 take its place, encrypted alike, for MARKER_TTL — so a
citizen whose confirmation page never arrived (the database or the server stopped right after
the commit) gets the receipt from the draft's link instead of a 件 without its 查询密码.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.prefiling import attachments as files
from portal.prefiling import codes, ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.fields import FieldError
from portal.prefiling.form import STAGES
from portal.prefiling.models import Prefiling, PrefilingDraft
from portal.prefiling.ratelimit import CODE_FAIL, LOOKUP_FAIL, ClientInfo
from portal.timeutil import utcnow

DRAFT_TTL = dt.timedelta(days=7)
# a submitted draft's marker (查询码 and 查询密码): long enough to reload or come back the same day
SUBMITTED_STEP = "submitted"
MARKER_TTL = dt.timedelta(hours=24)
# the same words whatever the cause (never there, expired, or submitted with its marker gone):
# whoever did not have the code learns nothing; whoever submitted is sent to 进度查询, not to fill
# the form in again (a duplicate, and a false 重复信访 signal)
NOT_FOUND = ("没有找到这份草稿：草稿码可能输错了，或草稿已超过7天被删除；已经提交的，草稿码也不能再用，"
             "请到“进度查询”用回执上的查询码和查询密码查看。")


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


class DraftSubmitted(Exception):
    """The draft's form has been submitted: what its receipt shows. `secret` is the 查询密码 while
    the marker holds it (MARKER_TTL after the submission, until the receipt was drawn), else None."""

    def __init__(self, *, draft_code: str, code: str, secret: str | None, received: dt.date, category: str,
                 district: str, request: str) -> None:
        super().__init__("这份草稿已经提交。")
        self.draft_code, self.code, self.secret = draft_code, code, secret
        self.received, self.category, self.district, self.request = received, category, district, request


class DraftChanged(Exception):
    """The draft was saved elsewhere (another tab or device) since this form last saved or loaded
    it; nothing was written. `saved_at` is when."""

    def __init__(self, saved_at: dt.datetime) -> None:
        super().__init__("这份草稿已在另一个窗口或另一台设备上修改过。")
        self.saved_at = saved_at


def save_draft(*, session: Session, data: dict[str, Any], step: str, code: str | None = None,
               new_code: str | None = None, expected: dt.datetime | None = None,
               cipher: Cipher | None = None, _retry: bool = False) -> Draft:
    """Store the form (creating the draft on first save) and commit; return the draft.

    `expected`: when this form last saved or loaded the draft. If it was saved since (another tab
    on the same draft code), DraftChanged and nothing is written: two tabs do not overwrite each
    other's answers without a word. None writes regardless (the person chose this form's answers).

    `new_code`: the code a new draft takes (codes.new_draft_code, reserved by the form before its
    first save). Two saves of one form that both think the draft is new — a double click on the
    first 继续 — then write one draft, not two (the second found it under that code).

    DraftSubmitted, with nothing written, when the draft's form has been submitted meanwhile."""
    if step not in STAGES:
        raise ValueError(f"unknown step {step}")
    cipher = cipher or get_cipher()
    payload = cipher.encrypt(json.dumps(data, ensure_ascii=False))
    row = session.get(PrefilingDraft, code or new_code) if code or new_code else None
    if row is not None:
        # submitted (from another tab or before a lost answer): its receipt, not the form over it
        if row.step == SUBMITTED_STEP and (submitted := _submitted(session, row, cipher)) is not None:
            raise submitted
        if expected is not None and row.updated_at != expected:
            raise DraftChanged(row.updated_at)
        # written only if still as read: two saves at once (two replicas, two tabs) or a save racing
        # the submission both passed the checks above, and the later write replaced the other's
        # answers or the submitted marker without a word
        # (a marker whose 件 is gone is written over, as before: step and time both as read)
        draft = PrefilingDraft.__table__.c
        written = session.execute(update(PrefilingDraft.__table__).where(
            draft.code == row.code, draft.updated_at == row.updated_at, draft.step == row.step,
        ).values(payload_enc=payload, step=step, updated_at=utcnow()))
        if written.rowcount != 1:
            session.rollback()
            if _retry:   # changed again between the second read and write: when, as it is now
                now = session.get(PrefilingDraft, row.code)
                raise DraftChanged(now.updated_at if now is not None else row.updated_at)
            return save_draft(session=session, data=data, step=step, code=row.code, expected=expected,
                              cipher=cipher, _retry=True)   # says why: submitted, or saved elsewhere
        session.commit()
        session.refresh(row)   # saved_at as the database gives it back, to compare with the next save's
        return Draft(code=row.code, data=data, step=step, idempotency_token=row.idempotency_token,
                     saved_at=row.updated_at)
    row = PrefilingDraft(code=new_code if new_code and not code else codes.new_draft_code(),
                         payload_enc=payload, step=step, idempotency_token=codes.new_token())
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
    """The draft for `code`, or DraftNotFound / RateLimited (failures are throttled); DraftSubmitted
    when its form has been submitted (a marker older than MARKER_TTL is not found)."""
    cipher = cipher or get_cipher()
    code = codes.normalise(code)
    ticket = ratelimit.hit(session=session, client=client, limit=LOOKUP_FAIL, cipher=cipher,
                           subject=f"draft:{code}", backoff=CODE_FAIL)
    row = session.get(PrefilingDraft, code)
    if row is None or row.updated_at < utcnow() - _ttl(row):
        raise DraftNotFound(NOT_FOUND)
    if row.step == SUBMITTED_STEP:
        submitted = _submitted(session, row, cipher)
        if submitted is None:
            raise DraftNotFound(NOT_FOUND)
        ratelimit.refund(session=session, ticket=ticket)
        raise submitted
    ratelimit.refund(session=session, ticket=ticket)
    data = json.loads(cipher.decrypt(row.payload_enc))
    return Draft(code=row.code, data=data, step=row.step, idempotency_token=row.idempotency_token,
                 saved_at=row.updated_at)


def delete_draft(*, session: Session, code: str) -> None:
    row = session.get(PrefilingDraft, code)
    if row is not None:
        session.delete(row)
        session.commit()


def _ttl(row: PrefilingDraft) -> dt.timedelta:
    return MARKER_TTL if row.step == SUBMITTED_STEP else DRAFT_TTL


def mark_submitted(*, session: Session, draft_code: str, idempotency_token: str, code: str, secret: str,
                   cipher: Cipher, now: dt.datetime) -> bool:
    """Replace the draft's form by the submitted marker (查询码 and 查询密码, encrypted; no form data)
    in the caller's transaction — not committed here: it commits with the 件 or not at all. False
    when there is no such draft of this form (another form's token: left alone)."""
    row = session.get(PrefilingDraft, codes.normalise(draft_code))
    if row is None or row.idempotency_token != idempotency_token:
        return False
    row.payload_enc = cipher.encrypt(json.dumps({SUBMITTED_STEP: {"code": code, "secret": secret}}))
    row.step, row.updated_at = SUBMITTED_STEP, now
    session.add(row)
    return True


def _marker(row: PrefilingDraft, cipher: Cipher) -> dict[str, str] | None:
    """The marker's {code, secret} while it is fresh, else None."""
    if row.step != SUBMITTED_STEP or row.updated_at < utcnow() - MARKER_TTL:
        return None
    try:
        marker = json.loads(cipher.decrypt(row.payload_enc)).get(SUBMITTED_STEP) or {}
    except Exception:  # unreadable: as if there were none (the receipt then says it cannot show the 密码)
        return None
    return marker if marker.get("code") and marker.get("secret") else None


def marked_secret(*, session: Session, draft_code: str, idempotency_token: str, prefiling: Prefiling,
                  cipher: Cipher) -> str | None:
    """The 查询密码 the draft's marker holds for `prefiling` (a retry of a submission whose answer
    was lost), or None: no marker, another form's, expired, or not this 件's secret."""
    row = session.get(PrefilingDraft, codes.normalise(draft_code))
    if row is None or row.idempotency_token != idempotency_token:
        return None
    marker = _marker(row, cipher)
    if marker is None or marker["code"] != prefiling.code:
        return None
    secret = marker["secret"]
    return secret if cipher.mac_matches(f"{prefiling.code}:{secret}", prefiling.secret_hash) else None


def _submitted(session: Session, row: PrefilingDraft, cipher: Cipher) -> DraftSubmitted | None:
    """The receipt a submitted draft's row stands for (None when its 件 cannot be found)."""
    prefiling = session.exec(select(Prefiling).where(Prefiling.idempotency_token == row.idempotency_token)).first()
    if prefiling is None:
        return None
    secret = marked_secret(session=session, draft_code=row.code, idempotency_token=row.idempotency_token,
                           prefiling=prefiling, cipher=cipher)
    return DraftSubmitted(draft_code=row.code, code=prefiling.code, secret=secret, received=prefiling.received_date,
                          category=prefiling.category, district=prefiling.district, request=prefiling.request)


def forget_marker(*, session: Session, code: str) -> bool:
    """The receipt has been drawn: the marker (and the 查询密码 in it) goes. A draft that is not a
    marker is left alone. Whether one was deleted."""
    row = session.get(PrefilingDraft, codes.normalise(code))
    if row is None or row.step != SUBMITTED_STEP:
        return False
    session.delete(row)
    session.commit()
    return True


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
