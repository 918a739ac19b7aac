"""One pre-filing as staff see it, and its attachments. Restricted content (检举控告, 信访工作条例
第三十条、第四十六条第五项) and its petitioner's identity are returned only to an actor holding the
REPORTS role."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.audit.service import REVEAL, record
from portal.identity import Actor, PermissionDenied, require
from portal.prefiling import attachments as files
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.lookup import HistoryEntry
from portal.prefiling.masking import masked
from portal.prefiling.models import Prefiling, PrefilingAttachment, PrefilingEvent, PrefilingPerson
from portal.prefiling.receipt import clock_of
from portal.prefiling.states import ACTION_NAMES
from portal.roles import HANDLER, REPORTS
from portal.settings import get_settings
from portal.timeutil import as_utc

log = logging.getLogger(__name__)

RESTRICTED_NOTICE = "（检举控告内容，仅限有检举控告权限的工作人员查看）"


@dataclass(frozen=True)
class StaffMove:
    """Who moved the 件 and when (a staff username, or 信访人), for staff only: the citizen's history
    (HistoryEntry) names nobody. It tells a handler whose click had no answer (the database's
    reply lost after the commit) whether the move since was their own (ui.queue_actions)."""

    at: dt.datetime
    action: str      # the state machine's key: register, close, correct_number, …
    actor: str


@dataclass(frozen=True)
class StaffView:
    """One pre-filing for a handler; restricted fields are None without the REPORTS role."""

    id: int
    code: str
    state: str
    category: str
    restricted: bool
    district: str
    received_date: dt.date
    name: str | None
    id_number: str | None
    phone: str | None
    address: str | None
    subject: str | None
    request: str | None
    facts: str | None
    people: list[dict]
    attachments: list[dict]
    raised_where: str
    raised_stage: str
    channels: tuple[str, ...]
    raised_before: bool = False
    official_number: str = ""
    registered_date: dt.date | None = None
    answered_date: dt.date | None = None   # the day of the 办结 answer: 请求复查 runs from it
    reject_reason: str = ""
    reject_channel: str = ""
    history: tuple[HistoryEntry, ...] = ()
    rating: str = ""                  # the citizen's 满意 / 基本满意 / 不满意 (信访工作条例 第二十一条)
    rating_comment: str | None = ""   # their words with it; None when restricted content is withheld
    rated_at: dt.datetime | None = None
    personal_masked: bool = False     # True once portal.prefiling.masking.masked() was applied
    erased: bool = False              # personal data erased (保存期限 or on request): nothing to reveal
    version: int = 0                  # pass back to a transition: refused if someone acted since
    moves: tuple[StaffMove, ...] = ()  # one per history entry, with its actor

    @property
    def hidden(self) -> bool:
        """True when restricted content was withheld; show RESTRICTED_NOTICE instead."""
        return self.restricted and self.facts is None


def may_see_restricted(actor: Actor, *restricted: bool) -> bool:
    """Whether `actor` may see the content of 件 with these restricted flags: a 检举控告 件's content
    and petitioner only with REPORTS."""
    return not any(restricted) or actor.has(REPORTS)


def load_for_staff(*, session: Session, actor: Actor, prefiling_id: int) -> Prefiling:
    """The pre-filing if `actor` may open it at all: an ordinary 件 needs 办理 (HANDLER), a 检举控告
    件 HANDLER or REPORTS (what of it they see is the caller's business). LookupError if absent."""
    require(actor, HANDLER, REPORTS)
    p = session.get(Prefiling, prefiling_id)
    if p is None:
        raise LookupError(f"pre-filing {prefiling_id} not found")
    if not p.restricted:
        require(actor, HANDLER)
    return p


def staff_view(*, session: Session, actor: Actor, prefiling_id: int, reveal: bool = False,
               cipher: Cipher | None = None) -> StaffView:
    """One pre-filing for staff: an ordinary 件 needs 办理 (HANDLER); a 检举控告 件 is open to
    HANDLER or REPORTS, its content and petitioner only with REPORTS.

    姓名, 身份证号, 电话, 住址 come masked unless `reveal`; a reveal is written to the audit log in
    the caller's transaction, whoever asks (PermissionDenied when there is nothing they may see)."""
    p = load_for_staff(session=session, actor=actor, prefiling_id=prefiling_id)
    see = may_see_restricted(actor, p.restricted)
    if reveal and not see:
        raise PermissionDenied("这是检举控告件，只有具有检举控告权限的工作人员可以查看个人信息。")
    if reveal and p.anonymised_at is not None:
        raise PermissionDenied("此件的个人信息已删除，没有可查看的内容。")
    cipher = cipher or get_cipher()
    dec = cipher.decrypt
    people = session.exec(select(PrefilingPerson).where(PrefilingPerson.prefiling_id == p.id)
                          .order_by(col(PrefilingPerson.role), col(PrefilingPerson.position))).all()
    atts = session.exec(select(PrefilingAttachment).where(PrefilingAttachment.prefiling_id == p.id)
                        .order_by(col(PrefilingAttachment.id))).all()
    events = session.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == p.id)
                          .order_by(col(PrefilingEvent.at), col(PrefilingEvent.id))).all()
    clock = clock_of(p, events)
    view = StaffView(
        id=p.id, code=p.code, state=p.state, category=p.category, restricted=p.restricted,
        district=p.district, received_date=p.received_date,
        name=dec(p.name_enc) if see else None, id_number=dec(p.id_number_enc) if see else None,
        phone=dec(p.phone_enc) if see else None, address=dec(p.address_enc) if see else None,
        subject=p.subject if see else None, request=p.request if see else None,
        facts=p.facts if see else None,
        people=[{"role": x.role, "relation": x.relation, "name": dec(x.name_enc), "phone": dec(x.phone_enc)}
                for x in people] if see else [],
        attachments=_attachments(p.code, atts) if see else [],
        raised_where=p.raised_where, raised_stage=p.raised_stage,
        channels=tuple(c for c in p.channels.split(",") if c) if see else (),   # read from the content
        raised_before=p.raised_before, official_number=p.official_number,
        registered_date=clock.accepted, answered_date=clock.answered,
        reject_reason=p.reject_reason if see else "", reject_channel=p.reject_channel if see else "",
        history=tuple(HistoryEntry(e.at, ACTION_NAMES.get(e.action, e.action), e.to_state,
                                   e.reply if see else "") for e in events),
        rating=p.rating, rating_comment=p.rating_comment if see else None, rated_at=p.rated_at,
        erased=p.anonymised_at is not None, version=p.version,
        moves=tuple(StaffMove(as_utc(e.at), e.action, e.actor) for e in events))
    if not reveal:
        return masked(view)
    record(session=session, actor_name=actor.username, action=REVEAL, target=f"prefiling:{p.code}",
           detail="查看姓名、身份证号、电话、住址")
    return view


def _attachments(code: str, atts) -> list[dict]:
    """The attachments as the detail lists them; `missing` when the stored file is gone or cannot
    be read (logged with the 件's code and the stored name, nothing personal)."""
    directory = get_settings().attachments_dir
    listed = []
    for a in atts:
        missing = not files.available(stored_name=a.stored_name, directory=directory)
        if missing:
            log.warning("attachment file missing or unreadable: prefiling %s, attachment %s, stored as %s in %s",
                        code, a.id, a.stored_name, directory)
        listed.append({"id": a.id, "kind": a.kind, "size": a.size, "added_at": a.added_at, "missing": missing})
    return listed


def read_attachment(*, session: Session, actor: Actor, attachment_id: int,
                    cipher: Cipher | None = None) -> tuple[str, bytes]:
    """(kind, bytes) of one attachment; a restricted pre-filing's only with REPORTS. Audited (the
    entry is written in the caller's transaction)."""
    require(actor, HANDLER, REPORTS)
    att = session.get(PrefilingAttachment, attachment_id)
    if att is None:
        raise LookupError("attachment not found")
    p = session.get(Prefiling, att.prefiling_id)
    if p.restricted and not actor.has(REPORTS) or not p.restricted and not actor.has(HANDLER):
        raise PermissionDenied("您没有查看此附件的权限。")
    data = files.read(stored_name=att.stored_name, directory=get_settings().attachments_dir,
                      cipher=cipher or get_cipher())
    record(session=session, actor_name=actor.username, action=REVEAL, target=f"prefiling:{p.code}",
           detail=f"下载附件 {att.id}")
    return att.kind, data
