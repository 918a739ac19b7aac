"""Lifecycles of a bank question (草稿 → 已发布 → 已撤回: portal.lifecycle's publishing machine for
问题) and of a sent-in question (待处理 → 已收入 / 已忽略)."""

from __future__ import annotations

from portal import lifecycle as shared
from portal.lifecycle import Transition, publishing
from portal.lifecycle import allowed_actions as lifecycle_allowed
from portal.lifecycle import next_state as lifecycle_next

# the published-content lifecycle's words, named here for this lifecycle's callers
DRAFT, PUBLISHED, WITHDRAWN, PUBLISH, WITHDRAW = shared.DRAFT, shared.PUBLISHED, shared.WITHDRAWN, shared.PUBLISH, shared.WITHDRAW
STATES, PUBLISHING = shared.PUBLISHING_STATES, shared.PUBLISHING

PENDING, ANSWERED, DISMISSED = "待处理", "已收入", "已忽略"
SENT_STATES: tuple[str, ...] = (PENDING, ANSWERED, DISMISSED)
ANSWER, DISMISS = "收入问题库", "忽略"


QUESTION_TRANSITIONS: dict[str, Transition] = PUBLISHING
SENT_TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition(ANSWER, (PENDING,), ANSWERED),
    Transition(DISMISS, (PENDING,), DISMISSED),
)}


class IllegalTransition(Exception):
    """The action is not allowed from the current state (message in plain Chinese)."""


def allowed_actions(state: str, table: dict[str, Transition] = QUESTION_TRANSITIONS) -> list[str]:
    return lifecycle_allowed(state, table)


WHAT = "问题"  # the word in messages: “已发布”状态的问题不能“发布”。


def next_state(state: str, action: str, table: dict[str, Transition] = QUESTION_TRANSITIONS) -> str:
    """The state after `action`, or IllegalTransition."""
    return lifecycle_next(state, action, table, what=WHAT, error=IllegalTransition)


QUESTIONS = publishing(WHAT, IllegalTransition)
