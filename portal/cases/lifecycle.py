"""The case lifecycle (草稿 → 已发布 → 已撤回): portal.lifecycle's publishing machine for 案例."""

from __future__ import annotations

from portal import lifecycle as shared
from portal.lifecycle import Transition, publishing
from portal.lifecycle import allowed_actions as lifecycle_allowed

# the published-content lifecycle's words, named here for this lifecycle's callers
DRAFT, PUBLISHED, WITHDRAWN, PUBLISH, WITHDRAW = shared.DRAFT, shared.PUBLISHED, shared.WITHDRAWN, shared.PUBLISH, shared.WITHDRAW
STATES, PUBLISHING = shared.PUBLISHING_STATES, shared.PUBLISHING

ACTIONS: tuple[str, ...] = (PUBLISH, WITHDRAW)
TRANSITIONS: dict[str, Transition] = PUBLISHING


class IllegalTransition(Exception):
    """The action is not allowed from the case's current state."""


WHAT = "案例"  # the word in messages: “已发布”状态的案例不能“发布”。
MACHINE = publishing(WHAT, IllegalTransition)


def allowed_actions(state: str) -> list[str]:
    return lifecycle_allowed(state, TRANSITIONS)


def next_state(state: str, action: str) -> str:
    """The state after `action`, or IllegalTransition with a plain-Chinese message."""
    return MACHINE.next_state(state, action)
