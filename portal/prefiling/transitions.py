"""Staff transitions on a pre-filing (登记, 需补充材料, 不予登记, 办结): checked input, the move
through the state table, and its audit entry in the same transaction. HANDLER role only."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.audit.service import TRANSITION, record
from portal.identity import Actor, require
from portal.prefiling.fields import check_text, clean
from portal.prefiling.models import Prefiling
from portal.prefiling.states import ACTION_NAMES, apply_transition
from portal.roles import HANDLER


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
