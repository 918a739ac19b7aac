"""Submitting a pre-filing (提交预登记): one record per form, personal fields encrypted.

Services commit their own work, so a caller's `session_scope` commit afterwards is a no-op.
The 件 and its draft's submitted marker (drafts.mark_submitted: the 查询码 and 查询密码 in place of
the form) commit in one transaction, so a submission whose answer never reached the citizen can
still show them its 查询密码 (a retry, or the draft's link).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from portal.db import STORAGE_FAILURES
from portal.prefiling import channels, codes, drafts, ratelimit, repeats
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.form import RESTRICTED_CATEGORY, PrefilingCreate, revalidate
from portal.prefiling.models import Prefiling, PrefilingAttachment, PrefilingPerson
from portal.prefiling.ratelimit import SUBMIT, ClientInfo
from portal.prefiling.states import CITIZEN, DRAFT, apply_transition
from portal.timeutil import beijing_today, utcnow

_ATTEMPTS = 6


class SubmitUnconfirmed(Exception):
    """The database failed during the commit itself (a connection lost while committing): the 件
    may be stored or not. The same form submitted again tells which: its receipt (with the
    查询密码 while the draft's marker holds it), or a first submission. Never retried here."""


@dataclass(frozen=True)
class SubmitResult:
    """The stored pre-filing; `secret` is None when this form had already been submitted and its
    draft's marker no longer holds the 查询密码 (the receipt was drawn, or it expired)."""

    prefiling: Prefiling
    code: str
    secret: str | None
    duplicate: bool = False      # stored before (a retry, a double click): this call stored nothing


def by_token(*, session: Session, idempotency_token: str) -> Prefiling | None:
    return session.exec(select(Prefiling).where(Prefiling.idempotency_token == idempotency_token)).first()


def _build(data: PrefilingCreate, *, token: str, code: str, secret: str, cipher: Cipher,
           now: dt.datetime) -> Prefiling:
    text = channels.channel_input(subject=data.subject, request=data.request, facts=data.facts)
    suggested = channels.suggest(category=data.category, text=text, stage=data.raised_stage)
    return Prefiling(
        code=code, secret_hash=cipher.mac(f"{code}:{secret}"), idempotency_token=token, state=DRAFT,
        category=data.category, restricted=data.category == RESTRICTED_CATEGORY,
        district=data.district, name_enc=cipher.encrypt(data.name),
        id_number_enc=cipher.encrypt(data.id_number), phone_enc=cipher.encrypt(data.phone),
        address_enc=cipher.encrypt(data.address), subject=data.subject, request=data.request,
        facts=data.facts, raised_before=data.raised_before, raised_where=data.raised_where,
        raised_stage=data.raised_stage, channels=",".join(s.rule.key for s in suggested),
        submitted_at=now, received_date=beijing_today(now), updated_at=now)


def _children(prefiling: Prefiling, data: PrefilingCreate, cipher: Cipher) -> list:
    rows: list = []
    for role, people in (("代理人", data.agents), ("代表人", data.representatives)):
        rows += [PrefilingPerson(prefiling_id=prefiling.id, role=role, position=i, relation=p.relation,
                                 name_enc=cipher.encrypt(p.name), phone_enc=cipher.encrypt(p.phone))
                 for i, p in enumerate(people)]
    rows += [PrefilingAttachment(prefiling_id=prefiling.id, stored_name=a["stored_name"], kind=a["kind"],
                                 size=a["size"]) for a in data.attachments]
    return rows


def _insert(session: Session, data: PrefilingCreate, token: str, client: ClientInfo,
            cipher: Cipher, draft_code: str | None) -> SubmitResult:
    now = utcnow()
    code, secret = codes.new_reference_code(), codes.new_secret()
    prefiling = _build(data, token=token, code=code, secret=secret, cipher=cipher, now=now)
    session.add(prefiling)
    session.flush()
    event = apply_transition(prefiling, "submit", actor=CITIZEN, at=now,
                             reply="您的网上信访预登记已收到，工作人员将审核登记。")
    event.prefiling_id = prefiling.id
    session.add_all([event, *_children(prefiling, data, cipher)])
    # 重复信访: the petitioner key and its links now (cheap; never fails the submission)
    repeats.record_submission(session=session, prefiling=prefiling, id_number=data.id_number, cipher=cipher)
    if draft_code:   # the draft becomes the marker in this same transaction: both or neither
        drafts.mark_submitted(session=session, draft_code=draft_code, idempotency_token=token, code=code,
                              secret=secret, cipher=cipher, now=now)
    try:
        session.commit()
    except STORAGE_FAILURES as exc:
        raise SubmitUnconfirmed("提交的结果没有得到数据库确认。") from exc
    # the text sketch needs the embedding model: encoded on a background worker, never here
    repeats.encode_soon(session.get_bind())
    return SubmitResult(prefiling=prefiling, code=code, secret=secret)


def _already(session: Session, existing: Prefiling, token: str, draft_code: str | None,
             cipher: Cipher) -> SubmitResult:
    """This form's 件, stored before: with its 查询密码 while the draft's marker still holds it."""
    secret = drafts.marked_secret(session=session, draft_code=draft_code, idempotency_token=token,
                                  prefiling=existing, cipher=cipher) if draft_code else None
    return SubmitResult(prefiling=existing, code=existing.code, secret=secret, duplicate=True)


def submit(*, session: Session, data: PrefilingCreate, idempotency_token: str, client: ClientInfo,
           draft_code: str | None = None, cipher: Cipher | None = None) -> SubmitResult:
    """Store a validated pre-filing once per `idempotency_token` (double click, rerun, retry).

    `draft_code`: the form's draft, which becomes the submitted marker in the same transaction
    (drafts.mark_submitted); a retry of a stored form gets its 查询密码 back from it.

    Raises ValidationFailed when `data` would not pass the form's checks (it is validated and
    normalised again here, whoever calls), ratelimit.RateLimited when the session or address has
    submitted too often, SubmitUnconfirmed when the commit itself failed (stored or not: unknown)."""
    data = revalidate(data)
    cipher = cipher or get_cipher()
    existing = by_token(session=session, idempotency_token=idempotency_token)
    if existing is not None:
        return _already(session, existing, idempotency_token, draft_code, cipher)
    # the slot is taken atomically before storing, so parallel submissions cannot overshoot
    ratelimit.hit(session=session, client=client, limit=SUBMIT, cipher=cipher)
    for attempt in range(_ATTEMPTS):
        try:
            return _insert(session, data, idempotency_token, client, cipher, draft_code)
        except IntegrityError:
            # Either another request with this token won the race (return its record) or the
            # random code collided (draw again).
            session.rollback()
            existing = by_token(session=session, idempotency_token=idempotency_token)
            if existing is not None:
                return _already(session, existing, idempotency_token, draft_code, cipher)
        except OperationalError:
            # SQLite under heavy write contention can still report "database is locked".
            session.rollback()
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise RuntimeError("could not store the pre-filing")
