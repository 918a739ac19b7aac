"""Staff services on pre-filings (工作人员办理): transitions, the restricted view, the queue.

Every service takes the acting staff member and checks the role itself. Restricted content
(检举控告, 信访工作条例 第三十条、第四十六条第五项) and its petitioner's identity are returned only to
an actor holding the REPORTS role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.audit.service import TRANSITION, record
from portal.clock import StatutoryClock
from portal.identity import Actor, PermissionDenied, require
from portal.prefiling import attachments as files
from portal.prefiling.codes import normalise as normalise_code
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.fields import check_text, clean
from portal.prefiling.lookup import ACTION_NAMES, HistoryEntry
from portal.prefiling.models import Prefiling, PrefilingAttachment, PrefilingEvent, PrefilingPerson
from portal.prefiling.states import TERMINAL, apply_transition
from portal.roles import HANDLER, REPORTS
from portal.settings import get_settings
from portal.timeutil import beijing_today

RESTRICTED_NOTICE = "（检举控告内容，仅限有检举控告权限的工作人员查看）"


class StaffInputError(ValueError):
    """A missing or invalid staff input; `field` and a plain-Chinese message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _text(field: str, label: str, value: str, limit: int, required: bool = True) -> str:
    value = clean(value)
    problem = check_text(field, label, value, limit=limit, required=required)
    if problem:
        raise StaffInputError(problem.field, problem.message)
    return value


def _locked(session: Session, prefiling_id: int) -> Prefiling:
    row = session.exec(select(Prefiling).where(Prefiling.id == prefiling_id).with_for_update()).first()
    if row is None:
        raise LookupError(f"pre-filing {prefiling_id} not found")
    return row


def _move(session: Session, actor: Actor, prefiling_id: int, action: str, reply: str,
          **changes: str) -> Prefiling:
    require(actor, HANDLER)
    p = _locked(session, prefiling_id)
    before = p.state
    event = apply_transition(p, action, actor=actor.username, reply=reply)
    for name, value in changes.items():
        setattr(p, name, value)
    session.add_all([p, event])
    # Same transaction as the move: no state change without its audit entry, and vice versa.
    # The reply may name people, so only the states go into the detail.
    record(session=session, actor_name=actor.username, action=TRANSITION, target=f"prefiling:{p.code}",
           detail=f"{ACTION_NAMES.get(action, action)}：{before} → {p.state}")
    session.commit()
    return p


def register(*, session: Session, actor: Actor, prefiling_id: int, official_number: str,
             reply: str = "") -> Prefiling:
    """已提交/需补充材料 → 已登记 with the official 信访件编号."""
    number = _text("official_number", "信访件编号", official_number, 40)
    reply = _text("reply", "答复", reply, 2000, required=False) or f"已登记为信访件，编号 {number}。"
    return _move(session, actor, prefiling_id, "register", reply, official_number=number)


def request_more(*, session: Session, actor: Actor, prefiling_id: int, reply: str) -> Prefiling:
    """已提交 → 需补充材料; the reply tells the citizen what to bring and how."""
    reply = _text("reply", "需要补充的材料", reply, 2000)
    return _move(session, actor, prefiling_id, "request_more", reply)


def reject(*, session: Session, actor: Actor, prefiling_id: int, reason: str, channel: str,
           reply: str = "") -> Prefiling:
    """→ 不予登记 with the reason and the channel the citizen should use instead."""
    reason = _text("reason", "不予登记的理由", reason, 1000)
    channel = _text("channel", "应当通过的途径", channel, 200)
    reply = _text("reply", "答复", reply, 2000, required=False) or f"不予登记。理由：{reason}。请通过{channel}反映。"
    return _move(session, actor, prefiling_id, "reject", reply, reject_reason=reason, reject_channel=channel)


def close(*, session: Session, actor: Actor, prefiling_id: int, reply: str) -> Prefiling:
    """已登记 → 已办结, with the outcome the citizen reads."""
    reply = _text("reply", "办理结果", reply, 2000)
    return _move(session, actor, prefiling_id, "close", reply)


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
    reject_reason: str = ""
    reject_channel: str = ""
    history: tuple[HistoryEntry, ...] = ()
    personal_masked: bool = False     # True once portal.prefiling.masking.masked() was applied

    @property
    def hidden(self) -> bool:
        """True when restricted content was withheld; show RESTRICTED_NOTICE instead."""
        return self.restricted and self.facts is None


def staff_view(*, session: Session, actor: Actor, prefiling_id: int, cipher: Cipher | None = None) -> StaffView:
    """Decrypted pre-filing for HANDLER/REPORTS staff; 检举控告 content only with REPORTS."""
    require(actor, HANDLER, REPORTS)
    p = session.get(Prefiling, prefiling_id)
    if p is None:
        raise LookupError(f"pre-filing {prefiling_id} not found")
    see = not p.restricted or actor.has(REPORTS)
    cipher = cipher or get_cipher()
    dec = cipher.decrypt
    people = session.exec(select(PrefilingPerson).where(PrefilingPerson.prefiling_id == p.id)
                          .order_by(col(PrefilingPerson.role), col(PrefilingPerson.position))).all()
    atts = session.exec(select(PrefilingAttachment).where(PrefilingAttachment.prefiling_id == p.id)).all()
    events = session.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == p.id)
                          .order_by(col(PrefilingEvent.at), col(PrefilingEvent.id))).all()
    return StaffView(
        id=p.id, code=p.code, state=p.state, category=p.category, restricted=p.restricted,
        district=p.district, received_date=p.received_date,
        name=dec(p.name_enc) if see else None, id_number=dec(p.id_number_enc) if see else None,
        phone=dec(p.phone_enc) if see else None, address=dec(p.address_enc) if see else None,
        subject=p.subject if see else None, request=p.request if see else None,
        facts=p.facts if see else None,
        people=[{"role": x.role, "relation": x.relation, "name": dec(x.name_enc), "phone": dec(x.phone_enc)}
                for x in people] if see else [],
        attachments=[{"id": a.id, "kind": a.kind, "size": a.size} for a in atts] if see else [],
        raised_where=p.raised_where, raised_stage=p.raised_stage,
        channels=tuple(c for c in p.channels.split(",") if c),
        raised_before=p.raised_before, official_number=p.official_number,
        registered_date=p.registered_date, reject_reason=p.reject_reason if see else "",
        reject_channel=p.reject_channel,
        history=tuple(HistoryEntry(e.at, ACTION_NAMES.get(e.action, e.action), e.to_state,
                                   e.reply if see else "") for e in events))


def read_attachment(*, session: Session, actor: Actor, attachment_id: int,
                    cipher: Cipher | None = None) -> tuple[str, bytes]:
    """(kind, bytes) of one attachment; a restricted pre-filing's only with REPORTS."""
    require(actor, HANDLER, REPORTS)
    att = session.get(PrefilingAttachment, attachment_id)
    if att is None:
        raise LookupError("attachment not found")
    p = session.get(Prefiling, att.prefiling_id)
    if p.restricted and not actor.has(REPORTS) or not p.restricted and not actor.has(HANDLER):
        raise PermissionDenied("您没有查看此附件的权限。")
    data = files.read(stored_name=att.stored_name, directory=get_settings().attachments_dir,
                      cipher=cipher or get_cipher())
    return att.kind, data


@dataclass(frozen=True)
class QueueRow:
    """A line of the staff queue: no personal data."""

    id: int
    code: str
    state: str
    category: str
    district: str
    received_date: dt.date
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def deadline_text(self) -> str:
        """The clock in words (never colour alone): '已超期 3 天', '今天到期', '还剩 5 天'."""
        return deadline_words(self.days_left)


def deadline_words(days_left: int | None) -> str:
    if days_left is None:
        return "已结束，不计期限"
    if days_left < 0:
        return f"已超期 {-days_left} 天"
    return "今天到期" if days_left == 0 else f"还剩 {days_left} 天"


def queue(*, session: Session, actor: Actor, state: str | None = None, category: str | None = None,
          district: str | None = None, code: str | None = None, max_days_left: int | None = None,
          today: dt.date | None = None) -> list[QueueRow]:
    """Pre-filings for the handler queue, most urgent first: overdue, then fewest days left,
    then closed ones; ties by submission. `code` matches part of the reference code (dashes and
    case ignored); `max_days_left` keeps running ones with at most that many days (-1: overdue)."""
    require(actor, HANDLER)
    today = today or beijing_today()
    query = select(Prefiling).order_by(col(Prefiling.submitted_at), col(Prefiling.id))
    if state:
        query = query.where(Prefiling.state == state)
    if category:
        query = query.where(Prefiling.category == category)
    if district:
        query = query.where(Prefiling.district == district)
    if code is not None and normalise_code(code):
        query = query.where(col(Prefiling.code).contains(normalise_code(code)))
    rows = []
    for p in session.exec(query):
        clock = StatutoryClock(p.received_date, accepted=p.registered_date)
        left = None if p.state in TERMINAL else clock.days_left(today)
        if max_days_left is not None and (left is None or left > max_days_left):
            continue
        rows.append(QueueRow(p.id, p.code, p.state, p.category, p.district, p.received_date, left))
    # sorted() is stable, so the submission order survives among equal deadlines
    return sorted(rows, key=lambda r: (r.days_left is None, r.days_left or 0))


def districts(*, session: Session, actor: Actor) -> list[str]:
    """The 问题属地 values present, for the queue filter."""
    require(actor, HANDLER)
    found = session.exec(select(Prefiling.district).distinct()).all()
    return sorted(d for d in found if d)
