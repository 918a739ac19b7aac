"""The case lifecycle (草稿 → 已发布 → 已撤回): states, allowed transitions, one apply function."""

from __future__ import annotations

from portal.audit import service as audit
from portal.lifecycle import Machine, Transition, table
from portal.lifecycle import allowed_actions as lifecycle_allowed

DRAFT, PUBLISHED, WITHDRAWN = "草稿", "已发布", "已撤回"
STATES: tuple[str, ...] = (DRAFT, PUBLISHED, WITHDRAWN)

PUBLISH, WITHDRAW = "发布", "撤回"
ACTIONS: tuple[str, ...] = (PUBLISH, WITHDRAW)

# a withdrawn case may be corrected and published again
TRANSITIONS: dict[str, Transition] = table(
    Transition(PUBLISH, (DRAFT, WITHDRAWN), PUBLISHED),
    Transition(WITHDRAW, (PUBLISHED,), WITHDRAWN),
)


class IllegalTransition(Exception):
    """The action is not allowed from the case's current state."""


def allowed_actions(state: str) -> list[str]:
    return lifecycle_allowed(state, TRANSITIONS)


WHAT = "案例"  # the word in messages: “已发布”状态的案例不能“发布”。


def next_state(state: str, action: str) -> str:
    """The state after `action`, or IllegalTransition with a plain-Chinese message."""
    return MACHINE.next_state(state, action)


MACHINE = Machine(TRANSITIONS, WHAT, IllegalTransition, {PUBLISH: audit.PUBLISH, WITHDRAW: audit.WITHDRAW})
