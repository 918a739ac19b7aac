"""The lifecycle of a pre-filing (预登记状态): states, allowed transitions, one apply function."""

from __future__ import annotations

import datetime as dt

from portal.lifecycle import Transition, table
from portal.prefiling.models import Prefiling, PrefilingEvent
from portal.timeutil import beijing_today, utcnow

DRAFT = "草稿"
SUBMITTED = "已提交"
REGISTERED = "已登记"
NEEDS_MORE = "需补充材料"
REJECTED = "不予登记"
CLOSED = "已办结"
WITHDRAWN = "已撤回"

STATES: tuple[str, ...] = (DRAFT, SUBMITTED, REGISTERED, NEEDS_MORE, REJECTED, CLOSED, WITHDRAWN)
TERMINAL: frozenset[str] = frozenset({REJECTED, CLOSED, WITHDRAWN})

CITIZEN = "信访人"
STAFF = "工作人员"


TRANSITIONS: dict[str, Transition] = table(
    Transition("submit", (DRAFT,), SUBMITTED, label="提交预登记", by=CITIZEN),
    Transition("withdraw", (SUBMITTED, NEEDS_MORE), WITHDRAWN, label="撤回", by=CITIZEN),
    Transition("register", (SUBMITTED, NEEDS_MORE), REGISTERED, label="登记为信访件", button="登记", by=STAFF),
    Transition("request_more", (SUBMITTED,), NEEDS_MORE, label="请补充材料", button="需补充材料", by=STAFF),
    Transition("reject", (SUBMITTED, NEEDS_MORE), REJECTED, label="不予登记", by=STAFF),
    Transition("close", (REGISTERED,), CLOSED, label="办结", by=STAFF),
    # a mistyped 信访件编号 is put right; the 件 stays 已登记 and its clock runs on unchanged
    Transition("correct_number", (REGISTERED,), REGISTERED, label="更正信访件编号", button="更正信访件编号", by=STAFF),
    # 补充材料 sent online from 进度查询: the 件 goes back to the handler's 已提交 pile
    Transition("supplement", (NEEDS_MORE,), SUBMITTED, label="补充材料", by=CITIZEN),
)
# What the history (进度查询, 预登记办理) and the audit log call each action.
ACTION_NAMES: dict[str, str] = {t.action: t.name for t in TRANSITIONS.values()}
# What a staff member's button says for each staff action.
STAFF_ACTION_LABELS: dict[str, str] = {t.action: t.verb for t in TRANSITIONS.values() if t.by == STAFF}
RUNNING: frozenset[str] = frozenset(set(STATES) - TERMINAL - {DRAFT})

# What the citizen reads for each state on the lookup page.
STATE_EXPLAINED = {
    DRAFT: "尚未提交。",
    SUBMITTED: "已提交网上预登记，等待工作人员审核登记。",
    REGISTERED: "已正式登记为信访件，正在办理。",
    NEEDS_MORE: "工作人员请您补充材料，请按答复中的说明办理，可以在本页直接上传。",
    REJECTED: "不予登记，工作人员已说明理由和应当通过的途径。",
    CLOSED: "已办结。您可以对办理结果作出评价。",
    WITHDRAWN: "您已撤回这份预登记。",
}
RATED_EXPLAINED = "已办结。您已对办理结果作出评价，谢谢。"


class IllegalTransition(Exception):
    """The action is not allowed from the current state (message in plain Chinese)."""


class TransitionTaken(IllegalTransition):
    """Someone else changed the 件 first; nothing was written (portal.concurrency.TAKEN)."""


def allowed(state: str, action: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources


def actions_from(state: str, *, by: str = STAFF) -> tuple[str, ...]:
    """The actions `by` may take from `state`, in the table's order (what a page offers)."""
    return tuple(t.action for t in TRANSITIONS.values() if t.by == by and state in t.sources)


def apply_transition(prefiling: Prefiling, action: str, *, actor: str, reply: str = "",
                     at: dt.datetime | None = None) -> PrefilingEvent:
    """Move `prefiling` by `action` or raise IllegalTransition; return the event to store."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition("系统无法执行这个操作，请刷新页面后再试。")
    if prefiling.state not in transition.sources:
        raise IllegalTransition(f"这份预登记现在是“{prefiling.state}”，不能再这样操作。")
    at = at or utcnow()
    # a move that stays in its state (更正信访件编号) must not restart the 登记 date or close anything
    entered = transition.target != prefiling.state
    event = PrefilingEvent(prefiling_id=prefiling.id or 0, at=at, action=action,
                           from_state=prefiling.state, to_state=transition.target,
                           actor=actor, reply=reply)
    prefiling.state = transition.target
    prefiling.updated_at = at
    if entered and transition.target == REGISTERED:
        prefiling.registered_date = beijing_today(at)
    if entered and transition.target in TERMINAL:
        prefiling.closed_at = at
    return event
