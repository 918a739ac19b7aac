"""The case lifecycle (草稿 → 已发布 → 已撤回): states, allowed transitions, one apply function."""

from __future__ import annotations

DRAFT, PUBLISHED, WITHDRAWN = "草稿", "已发布", "已撤回"
STATES: tuple[str, ...] = (DRAFT, PUBLISHED, WITHDRAWN)

PUBLISH, WITHDRAW = "发布", "撤回"
ACTIONS: tuple[str, ...] = (PUBLISH, WITHDRAW)

# (state, action) -> new state; a withdrawn case may be corrected and published again
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, PUBLISH): PUBLISHED,
    (PUBLISHED, WITHDRAW): WITHDRAWN,
    (WITHDRAWN, PUBLISH): PUBLISHED,
}


class IllegalTransition(Exception):
    """The action is not allowed from the case's current state."""


def allowed_actions(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]


def next_state(state: str, action: str) -> str:
    """The state after `action`, or IllegalTransition with a plain-Chinese message."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(f"“{state}”状态的案例不能“{action}”。") from None
