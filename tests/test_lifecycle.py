"""One Transition representation for every lifecycle, with the words each audience reads."""

import pytest

from portal.cases import lifecycle as cases
from portal.lifecycle import Transition, allowed_actions, table
from portal.prefiling import handling
from portal.prefiling import states as prefiling
from portal.qa import lifecycle as bank


def test_every_lifecycle_uses_the_shared_transition():
    for transitions in (prefiling.TRANSITIONS, cases.TRANSITIONS, bank.QUESTION_TRANSITIONS, bank.SENT_TRANSITIONS):
        assert all(isinstance(t, Transition) for t in transitions.values())


def test_history_and_buttons_read_their_words_from_the_table():
    assert prefiling.ACTION_NAMES["register"] == "登记为信访件"      # what the citizen's history says
    assert handling.ACTION_LABELS["register"] == "登记"             # what the handler clicks
    assert set(handling.ACTION_LABELS) == {"register", "request_more", "reject", "close"}
    assert set(prefiling.ACTION_NAMES) == set(prefiling.TRANSITIONS)


def test_running_states_are_the_non_terminal_submitted_ones():
    assert prefiling.RUNNING == {prefiling.SUBMITTED, prefiling.NEEDS_MORE, prefiling.REGISTERED}
    assert not prefiling.RUNNING & prefiling.TERMINAL


def test_allowed_actions_and_a_duplicate_action_is_refused():
    t = table(Transition("a", ("x",), "y"), Transition("b", ("x", "y"), "z"))
    assert allowed_actions("x", t) == ["a", "b"] and allowed_actions("y", t) == ["b"]
    with pytest.raises(ValueError):
        table(Transition("a", ("x",), "y"), Transition("a", ("y",), "z"))
    with pytest.raises(cases.IllegalTransition, match="已发布"):
        cases.next_state(cases.PUBLISHED, cases.PUBLISH)
    assert cases.next_state(cases.WITHDRAWN, cases.PUBLISH) == cases.PUBLISHED
