"""Submitting a pre-filing (提交预登记): one record per form, personal fields encrypted.

Services commit their own work, so a caller's `session_scope` commit afterwards is a no-op.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from portal.prefiling import channels, codes, ratelimit, repeats
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.form import RESTRICTED_CATEGORY, PrefilingCreate, revalidate
from portal.prefiling.models import Prefiling, PrefilingAttachment, PrefilingPerson
from portal.prefiling.ratelimit import SUBMIT, ClientInfo
from portal.prefiling.states import CITIZEN, DRAFT, apply_transition
from portal.timeutil import beijing_today, utcnow

_ATTEMPTS = 6


@dataclass(frozen=True)
class SubmitResult:
    """The stored pre-filing; `secret` is None when this form had already been submitted."""

    prefiling: Prefiling
    code: str
    secret: str | None

    @property
    def duplicate(self) -> bool:
        return self.secret is None


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
            cipher: Cipher) -> SubmitResult:
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
    session.commit()
    # the text sketch needs the embedding model: encoded on a background worker, never here
    repeats.encode_soon(session.get_bind())
    return SubmitResult(prefiling=prefiling, code=code, secret=secret)


def submit(*, session: Session, data: PrefilingCreate, idempotency_token: str, client: ClientInfo,
           cipher: Cipher | None = None) -> SubmitResult:
    """Store a validated pre-filing once per `idempotency_token` (double click, rerun, retry).

    Raises ValidationFailed when `data` would not pass the form's checks (it is validated and
    normalised again here, whoever calls), ratelimit.RateLimited when the session or address has
    submitted too often."""
    data = revalidate(data)
    cipher = cipher or get_cipher()
    existing = by_token(session=session, idempotency_token=idempotency_token)
    if existing is not None:
        return SubmitResult(prefiling=existing, code=existing.code, secret=None)
    # the slot is taken atomically before storing, so parallel submissions cannot overshoot
    ratelimit.hit(session=session, client=client, limit=SUBMIT, cipher=cipher)
    for attempt in range(_ATTEMPTS):
        try:
            return _insert(session, data, idempotency_token, client, cipher)
        except IntegrityError:
            # Either another request with this token won the race (return its record) or the
            # random code collided (draw again).
            session.rollback()
            existing = by_token(session=session, idempotency_token=idempotency_token)
            if existing is not None:
                return SubmitResult(prefiling=existing, code=existing.code, secret=None)
        except OperationalError:
            # SQLite under heavy write contention can still report "database is locked".
            session.rollback()
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise RuntimeError("could not store the pre-filing")
