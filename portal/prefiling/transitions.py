"""Staff transitions on a pre-filing (登记, 需补充材料, 不予登记, 办结, 更正信访件编号): checked input,
the move through the state table, and its audit entry in the same transaction. HANDLER role only."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from sqlmodel import Session, select

from portal.audit.service import CONTACT, CORRECTION, TRANSITION, record
from portal.concurrency import TAKEN, first_wins
from portal.identity import Actor, PermissionDenied, require
from portal.prefiling.codes import grouped
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.fields import FieldError, check_phone, check_plain, check_text, clean, normalise_phone
from portal.prefiling.form import LIMITS
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.prefiling.ratelimit import lock
from portal.prefiling.states import (
    ACTION_NAMES,
    REGISTERED,
    IllegalTransition,
    TransitionTaken,
    allowed,
    apply_transition,
)
from portal.roles import HANDLER, REPORTS
from portal.textinput import single_line
from portal.timeutil import utcnow


class StaffInputError(ValueError):
    """Missing or invalid staff inputs: `problems`, each (field, plain-Chinese message), every one
    found at once; `field` and the message are the first's."""

    def __init__(self, field: str, message: str, *, more: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.problems: tuple[tuple[str, str], ...] = ((field, message), *more)


def _inputs(*checks: Callable[[], str]) -> list[str]:
    """The clean value of each input (a check returns it or raises StaffInputError); refused with
    every problem at once, not the first alone."""
    values, problems = [], []
    for check in checks:
        try:
            values.append(check())
        except StaffInputError as exc:
            problems.extend(exc.problems)
            values.append("")
    if problems:
        (field, message), *more = problems
        raise StaffInputError(field, message, more=tuple(more))
    return values


def _text(field: str, label: str, value: str, limit: int, required: bool = True) -> str:
    value = clean(value)
    problem = check_text(field, label, value, limit=limit, required=required)
    if problem:
        raise StaffInputError(problem.field, problem.message)
    return value


RESTRICTED_ACTION = "这是检举控告件，只有具有检举控告权限的工作人员可以办理（登记、不予登记、办结、更正等）。"


def _load(session: Session, actor: Actor, prefiling_id: int, version: int | None) -> Prefiling:
    """The pre-filing to act on, if `actor` is a handler, may read it (a 检举控告 件 only with
    REPORTS: no one moves a report whose content is hidden from them) and it is still the
    `version` they saw."""
    require(actor, HANDLER)
    p = session.get(Prefiling, prefiling_id)
    if p is None:
        raise LookupError(f"pre-filing {prefiling_id} not found")
    if p.restricted and not actor.has(REPORTS):
        raise PermissionDenied(RESTRICTED_ACTION)
    if version is not None and p.version != version:
        raise TransitionTaken(TAKEN)
    return p


def _write(session: Session, actor: Actor, p: Prefiling, event: PrefilingEvent | None, *, audit_action: str,
           detail: str) -> None:
    """The changed pre-filing, its event (if the change has one) and its audit entry in one
    transaction, or none of them when another writer changed the 件 since it was read
    (TransitionTaken)."""
    with first_wins(session, TransitionTaken):
        session.add_all([p, event] if event is not None else [p])
        # Same transaction as the move: no change without its audit entry, and vice versa.
        record(session=session, actor_name=actor.username, action=audit_action, target=f"prefiling:{p.code}",
               detail=detail)
        session.commit()


def _move(session: Session, actor: Actor, prefiling_id: int, action: str, reply: str,
          version: int | None = None, **changes: str) -> Prefiling:
    """One transition, its event and its audit entry in one transaction — or none of them when
    another writer changed the 件 first (the version checked by the UPDATE, or `version`, the one
    the staff member was looking at): TransitionTaken (portal.concurrency.TAKEN)."""
    if "official_number" in changes:
        _numbering_lock(session)
    p = _load(session, actor, prefiling_id, version)
    if "official_number" in changes:
        _number_free(session, p, changes["official_number"])
    before = p.state
    event = apply_transition(p, action, actor=actor.username, reply=reply)
    for name, value in changes.items():
        setattr(p, name, value)
    # The reply may name people, so only the states go into the audit detail.
    _write(session, actor, p, event, audit_action=TRANSITION,
           detail=f"{ACTION_NAMES.get(action, action)}：{before} → {p.state}")
    return p


def _official_number(value: str) -> str:
    """The 信访件编号 as 登记 and 更正信访件编号 both take it."""
    return _text("official_number", "信访件编号", value, 40)


def _register_inputs(*, official_number: str, reply: str = "") -> list[str]:
    return _inputs(lambda: _official_number(official_number),
                   lambda: _text("reply", "答复", reply, 2000, required=False))


def _request_more_inputs(*, reply: str) -> list[str]:
    return _inputs(lambda: _text("reply", "需要补充的材料", reply, 2000))


def _reject_inputs(*, reason: str, channel: str, reply: str = "") -> list[str]:
    return _inputs(lambda: _text("reason", "不予登记的理由", reason, 1000),
                   lambda: _text("channel", "应当通过的途径", channel, 200),
                   lambda: _text("reply", "答复", reply, 2000, required=False))


def _close_inputs(*, reply: str) -> list[str]:
    return _inputs(lambda: _text("reply", "办理结果", reply, 2000))


def _correct_number_inputs(*, official_number: str, reason: str) -> list[str]:
    return _inputs(lambda: _official_number(official_number), lambda: _text("reason", "更正原因", reason, 200))


_INPUTS = {"register": _register_inputs, "request_more": _request_more_inputs, "reject": _reject_inputs,
           "close": _close_inputs, "correct_number": _correct_number_inputs}


def input_problems(action: str, **inputs: str) -> tuple[tuple[str, str], ...]:
    """What is wrong with the boxes of `action` as typed, (field, message) each; nothing is read or
    written. For a page that refuses a click for another reason (a confirmation not ticked) and
    says everything at once."""
    try:
        _INPUTS[action](**inputs)
    except StaffInputError as exc:
        return exc.problems
    return ()


def _number_free(session: Session, p: Prefiling, number: str) -> None:
    """A 信访件编号 names one 件: refused when another pre-filing already carries it (a number typed
    twice would show two citizens the same number in 进度查询 and give two rows of the export one
    number). Checked here, not by a unique index: a database already holding a duplicate would fail
    to migrate. Runs under the numbering lock (_numbering_lock), taken before the 件 is read."""
    wanted = _number_key(number)
    rows = session.exec(select(Prefiling.code, Prefiling.official_number).where(
        Prefiling.official_number != "", Prefiling.id != p.id))
    other = next(((code, taken) for code, taken in rows if _number_key(taken) == wanted), None)
    if other is not None:
        code, taken = other
        raise StaffInputError("official_number",
                              f"信访件编号 {taken} 已用于另一件预登记（查询码 {grouped(code)}），请核对编号。")


def _numbering_lock(session: Session) -> None:
    """The check of a 信访件编号 and its write under one lock (a lock row, held until the move
    commits or rolls back): two handlers typing one number for two 件 in the same instant cannot
    both succeed. The lock's write starts the transaction, as SQLite needs; the caller has written
    nothing yet (as for ratelimit.hit)."""
    session.commit()
    lock(session, "official_number", "all", utcnow())


def _number_key(number: str) -> str:
    """One 信访件编号 however it was typed: xf2026-0001, ＸＦ２０２６－０００１ and XF 2026-0001 are
    XF2026-0001 (case, full-width forms, spaces)."""
    return "".join(unicodedata.normalize("NFKC", number).split()).upper()


def register(*, session: Session, actor: Actor, prefiling_id: int, official_number: str,
             reply: str = "", version: int | None = None) -> Prefiling:
    """已提交/需补充材料 → 已登记 with the official 信访件编号."""
    number, reply = _register_inputs(official_number=official_number, reply=reply)
    reply = reply or f"已登记为信访件，信访件编号 {number}。以后查询或反映这件事，请说明这个编号。"
    return _move(session, actor, prefiling_id, "register", reply, version, official_number=number)


def request_more(*, session: Session, actor: Actor, prefiling_id: int, reply: str,
                 version: int | None = None) -> Prefiling:
    """已提交 → 需补充材料; the reply tells the citizen what to bring and how."""
    [reply] = _request_more_inputs(reply=reply)
    return _move(session, actor, prefiling_id, "request_more", reply, version)


def reject(*, session: Session, actor: Actor, prefiling_id: int, reason: str, channel: str,
           reply: str = "", version: int | None = None) -> Prefiling:
    """→ 不予登记 with the reason and the channel the citizen should use instead."""
    reason, channel, reply = _reject_inputs(reason=reason, channel=channel, reply=reply)
    reply = reply or f"不予登记。理由：{reason.rstrip('。')}。应当通过的途径：{channel.rstrip('。')}。"
    return _move(session, actor, prefiling_id, "reject", reply, version, reject_reason=reason,
                 reject_channel=channel)


def close(*, session: Session, actor: Actor, prefiling_id: int, reply: str,
          version: int | None = None) -> Prefiling:
    """已登记 → 已办结, with the outcome the citizen reads."""
    [reply] = _close_inputs(reply=reply)
    return _move(session, actor, prefiling_id, "close", reply, version)


def correct_number(*, session: Session, actor: Actor, prefiling_id: int, official_number: str, reason: str,
                   version: int | None = None) -> Prefiling:
    """已登记: put a mistyped 信访件编号 right (更正信访件编号). The state and the clock stay as they
    are; the history the citizen reads says from which number to which and why, and the audit log
    the two numbers. Whoever may 登记 may correct."""
    number, reason = _correct_number_inputs(official_number=official_number, reason=reason)
    _numbering_lock(session)   # as for 登记: the check of the number and its write under one lock
    p = _load(session, actor, prefiling_id, version)
    if not allowed(p.state, "correct_number"):
        raise IllegalTransition(f"只有“{REGISTERED}”的件可以更正信访件编号，此件当前状态为“{p.state}”。")
    old = p.official_number
    if number == old:
        raise StaffInputError("official_number", f"新的信访件编号与现在的编号 {old} 相同，请填写正确的编号。")
    _number_free(session, p, number)
    reply = f"信访件编号由 {old} 更正为 {number}。更正原因：{reason.rstrip('。')}。"
    event = apply_transition(p, "correct_number", actor=actor.username, reply=reply)
    p.official_number = number
    # the reason may name people: the audit detail keeps the two numbers only
    _write(session, actor, p, event, audit_action=CORRECTION, detail=f"信访件编号：{old} → {number}")
    return p


ADDRESS_LIMIT = LIMITS["address"]   # as on the form


def correct_contact(*, session: Session, actor: Actor, prefiling_id: int, phone: str, address: str,
                    version: int | None = None, cipher: Cipher | None = None) -> tuple[str, ...]:
    """更正联系方式: the petitioner asked for their phone number or address to be put right (个人信息保护法
    art. 46; a new number, a move). In any state until the data is erased; a 检举控告 件 only for the
    检举控告 role. The audit entry names the fields changed, never the values. Returns the fields
    changed, in words."""
    p = _load(session, actor, prefiling_id, version)
    if p.anonymised_at is not None:
        raise IllegalTransition("此件的个人信息已按保存期限或申请删除，不能更正。")
    # the form's checks, but not its words for the citizen (请填写联系电话，方便工作人员联系您)
    phone_problem = (FieldError("phone", "请填写联系电话。") if not normalise_phone(phone)
                     else check_phone("phone", "联系电话", phone))
    problems = [e for e in (phone_problem,
                            check_plain("address", "住址", address, limit=ADDRESS_LIMIT,
                                        empty="请填写住址，写到门牌号，方便书面答复送达。")) if e]
    if problems:
        first, *more = problems
        raise StaffInputError(first.field, first.message, more=tuple((e.field, e.message) for e in more))
    cipher = cipher or get_cipher()
    new = {"phone": normalise_phone(phone), "address": single_line(address)}
    words = {"phone": "联系电话", "address": "住址"}
    changed = tuple(words[f] for f in ("phone", "address")
                    if cipher.decrypt(getattr(p, f"{f}_enc")) != new[f])
    if not changed:
        raise StaffInputError("phone", "填写的联系电话和住址与现在的相同，没有需要更正的。")
    p.phone_enc, p.address_enc = cipher.encrypt(new["phone"]), cipher.encrypt(new["address"])
    p.updated_at = utcnow()
    _write(session, actor, p, None, audit_action=CONTACT, detail=f"更正{'、'.join(changed)}（信访人申请）")
    return changed
