"""Staff transitions on a pre-filing (登记, 需补充材料, 不予登记, 办结): checked input, the move
through the state table, and its audit entry in the same transaction. HANDLER role only."""

from __future__ import annotations

from sqlmodel import Session

from portal.audit.service import TRANSITION, record
from portal.concurrency import TAKEN, first_wins
from portal.identity import Actor, require
from portal.prefiling.fields import check_text, clean
from portal.prefiling.models import Prefiling
from portal.prefiling.states import ACTION_NAMES, TransitionTaken, apply_transition
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


def _move(session: Session, actor: Actor, prefiling_id: int, action: str, reply: str,
          version: int | None = None, **changes: str) -> Prefiling:
    """One transition, its event and its audit entry in one transaction — or none of them when
    another writer changed the 件 first (the version checked by the UPDATE, or `version`, the one
    the staff member was looking at): TransitionTaken, 此件已被他人处理，请刷新。"""
    require(actor, HANDLER)
    p = session.get(Prefiling, prefiling_id)
    if p is None:
        raise LookupError(f"pre-filing {prefiling_id} not found")
    if version is not None and p.version != version:
        raise TransitionTaken(TAKEN)
    before = p.state
    event = apply_transition(p, action, actor=actor.username, reply=reply)
    for name, value in changes.items():
        setattr(p, name, value)
    with first_wins(session, TransitionTaken):
        session.add_all([p, event])
        # Same transaction as the move: no state change without its audit entry, and vice versa.
        # The reply may name people, so only the states go into the detail.
        record(session=session, actor_name=actor.username, action=TRANSITION, target=f"prefiling:{p.code}",
               detail=f"{ACTION_NAMES.get(action, action)}：{before} → {p.state}")
        session.commit()
    return p


def register(*, session: Session, actor: Actor, prefiling_id: int, official_number: str,
             reply: str = "", version: int | None = None) -> Prefiling:
    """已提交/需补充材料 → 已登记 with the official 信访件编号."""
    number = _text("official_number", "信访件编号", official_number, 40)
    reply = _text("reply", "答复", reply, 2000, required=False) or f"已登记为信访件，编号 {number}。"
    return _move(session, actor, prefiling_id, "register", reply, version, official_number=number)


def request_more(*, session: Session, actor: Actor, prefiling_id: int, reply: str,
                 version: int | None = None) -> Prefiling:
    """已提交 → 需补充材料; the reply tells the citizen what to bring and how."""
    reply = _text("reply", "需要补充的材料", reply, 2000)
    return _move(session, actor, prefiling_id, "request_more", reply, version)


def reject(*, session: Session, actor: Actor, prefiling_id: int, reason: str, channel: str,
           reply: str = "", version: int | None = None) -> Prefiling:
    """→ 不予登记 with the reason and the channel the citizen should use instead."""
    reason = _text("reason", "不予登记的理由", reason, 1000)
    channel = _text("channel", "应当通过的途径", channel, 200)
    reply = _text("reply", "答复", reply, 2000, required=False) or f"不予登记。理由：{reason.rstrip('。')}。应当通过的途径：{channel.rstrip('。')}。"
    return _move(session, actor, prefiling_id, "reject", reply, version, reject_reason=reason,
                 reject_channel=channel)


def close(*, session: Session, actor: Actor, prefiling_id: int, reply: str,
          version: int | None = None) -> Prefiling:
    """已登记 → 已办结, with the outcome the citizen reads."""
    reply = _text("reply", "办理结果", reply, 2000)
    return _move(session, actor, prefiling_id, "close", reply, version)
