"""One representation of a state machine's moves, shared by every lifecycle in the portal: the
pre-filing (portal.prefiling.states), and the published-content lifecycle (`publishing`: 草稿 →
已发布 → 已撤回, with its audit actions) of the typical case (portal.cases.lifecycle) and the question
bank (portal.qa.lifecycle). Pages, the lookup, the queue and the audit log read labels from here.
`guarded_move` is the one way a staff action moves a stored record (a case, a bank question): next
state, checks, stamps, write and audit entry in one transaction, or nothing at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from portal.audit import service as audit
from portal.audit.service import record as audit_record
from portal.concurrency import first_wins
from portal.timeutil import utcnow


@dataclass(frozen=True)
class Transition:
    """An action, the states it may start from and the state it leads to, with its words: `label`
    is what a history or audit entry says (登记为信访件), `button` the verb a staff member clicks
    (登记); `by` who may take it where that matters (信访人 / 工作人员)."""

    action: str
    sources: tuple[str, ...]
    target: str
    label: str = ""
    button: str = ""
    by: str = ""

    @property
    def name(self) -> str:
        """The words for this move (the label, else the action itself)."""
        return self.label or self.action

    @property
    def verb(self) -> str:
        """The words on its button (the button text, else the name)."""
        return self.button or self.name


def table(*transitions: Transition) -> dict[str, Transition]:
    """A transition table keyed by action (actions are unique within a lifecycle)."""
    out = {t.action: t for t in transitions}
    if len(out) != len(transitions):
        raise ValueError("an action appears twice in one lifecycle")
    return out


def allowed_actions(state: str, transitions: dict[str, Transition]) -> list[str]:
    """The actions that may start from `state`, in the table's order."""
    return [t.action for t in transitions.values() if state in t.sources]


def target_of(state: str, action: str, transitions: dict[str, Transition]) -> str | None:
    """The state `action` leads to from `state`, or None when the table does not allow it."""
    transition = transitions.get(action)
    return transition.target if transition is not None and state in transition.sources else None


def next_state(state: str, action: str, transitions: dict[str, Transition], *, what: str,
               error: type[Exception]) -> str:
    """The state `action` leads to from `state`, or `error` with a plain-Chinese message naming
    `what` moves (案例, 问题 …): “已发布”状态的案例不能“发布”。"""
    target = target_of(state, action, transitions)
    if target is None:
        raise error(f"“{state}”状态的{what}不能“{action}”。")
    return target


@dataclass(frozen=True, eq=False)
class Machine:
    """A stored record's lifecycle as `guarded_move` needs it: its transition table, the word for
    what moves in refusals (案例, 问题), the exception that refuses, and each action's audit action."""

    transitions: dict[str, Transition]
    what: str
    illegal: type[Exception]
    audit: Mapping[str, str]

    def next_state(self, state: str, action: str) -> str:
        return next_state(state, action, self.transitions, what=self.what, error=self.illegal)


def guarded_move(session: Session, item: Any, action: str, *, machine: Machine, actor: str, target: str,
                 detail: Callable[[str], str], checks: Mapping[str, Callable[[], None]] | None = None,
                 write: Callable[[], object] | None = None, seen_revision: int | None = None) -> str:
    """Move `item` (a record with `state`, `updated_at`, `updated_by`) by `action`; its new state.

    In order: the next state from the machine's table (else `machine.illegal`); the action's check
    in `checks` (发布 re-validates), which refuses by raising and may make the record's own changes;
    the state and who/when stamps; the write (`write()`, default `session.add(item)`) flushed with
    the audit entry (`detail(new_state)`, worded after the write) in one transaction. When the
    record carries a version column and another writer changed it since it was read, everything is
    rolled back and `machine.illegal(TAKEN)` is raised: two staff members acting at once cannot
    both win. `seen_revision`: the revision (`item.revision`) the staff member's page showed when
    they clicked; a record changed since is not moved (they would publish text they never saw)."""
    if seen_revision is not None and item.revision != seen_revision:
        raise machine.illegal(f"没有{action}：这个{machine.what}在您看到之后已被 {item.updated_by} 修改"
                              f"（现在是第 {item.revision} 版，{item.state}）。页面已显示最新内容，请看过后再{action}。")
    new_state = machine.next_state(item.state, action)
    if check := (checks or {}).get(action):
        check()
    item.state, item.updated_at, item.updated_by = new_state, utcnow(), actor
    with first_wins(session, machine.illegal):
        if write is None:
            session.add(item)
        else:
            write()
        session.flush()
        audit_record(session=session, actor_name=actor, action=machine.audit[action], target=target,
                     detail=detail(new_state))
    return new_state


# ---- published content: 草稿 → 已发布 → 已撤回 (typical cases, bank questions) ------------------

DRAFT, PUBLISHED, WITHDRAWN = "草稿", "已发布", "已撤回"
PUBLISHING_STATES: tuple[str, ...] = (DRAFT, PUBLISHED, WITHDRAWN)
PUBLISH, WITHDRAW = "发布", "撤回"
# a withdrawn item may be corrected and published again
PUBLISHING: dict[str, Transition] = table(
    Transition(PUBLISH, (DRAFT, WITHDRAWN), PUBLISHED),
    Transition(WITHDRAW, (PUBLISHED,), WITHDRAWN),
)


def publishing(what: str, illegal: type[Exception]) -> Machine:
    """The publishing machine for one kind of content (`what`: 案例, 问题), with each action's audit
    action (发布 → audit PUBLISH, 撤回 → audit WITHDRAW)."""
    return Machine(PUBLISHING, what, illegal, {PUBLISH: audit.PUBLISH, WITHDRAW: audit.WITHDRAW})
