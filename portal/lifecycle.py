"""One representation of a state machine's moves, shared by every lifecycle in the portal: the
pre-filing (portal.prefiling.states), the typical case (portal.cases.lifecycle) and the question
bank (portal.qa.lifecycle). Pages, the lookup, the queue and the audit log read labels from here."""

from __future__ import annotations

from dataclasses import dataclass


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
