"""The case lifecycle (草稿 → 已发布 → 已撤回): portal.lifecycle's publishing machine for 案例."""

from __future__ import annotations

from portal.lifecycle import (
    DRAFT,
    PUBLISH,
    PUBLISHED,
    PUBLISHING,
    WITHDRAW,
    WITHDRAWN,
    Transition,
    publishing,
)
from portal.lifecycle import PUBLISHING_STATES as STATES
from portal.lifecycle import allowed_actions as lifecycle_allowed

__all__ = ["ACTIONS", "DRAFT", "MACHINE", "PUBLISH", "PUBLISHED", "STATES", "TRANSITIONS", "WITHDRAW",
           "WITHDRAWN", "IllegalTransition", "allowed_actions", "next_state"]

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
