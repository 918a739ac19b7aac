"""The pre-filing lifecycle: legal moves, illegal moves, timestamps."""

import pytest

from portal.prefiling.models import Prefiling
from portal.prefiling.states import (
    CLOSED,
    DRAFT,
    REGISTERED,
    STATES,
    SUBMITTED,
    TRANSITIONS,
    IllegalTransition,
    apply_transition,
)


def at_state(state):
    return Prefiling(code="X", secret_hash="", idempotency_token="t", state=state, category="其他",
                     received_date=__import__("datetime").date(2026, 11, 1))


LEGAL = [(s, a) for a, t in TRANSITIONS.items() for s in t.sources]


@pytest.mark.parametrize(("state", "action"), LEGAL)
def test_legal_moves_reach_their_target_with_a_timestamped_event(state, action):
    p = at_state(state)
    event = apply_transition(p, action, actor="tester", reply="答复")
    assert p.state == TRANSITIONS[action].target == event.to_state
    assert event.from_state == state and event.at.tzinfo is not None and event.reply == "答复"


@pytest.mark.parametrize(("state", "action"),
                         [(s, a) for s in STATES for a in TRANSITIONS if (s, a) not in LEGAL])
def test_illegal_moves_raise_and_change_nothing(state, action):
    p = at_state(state)
    with pytest.raises(IllegalTransition):
        apply_transition(p, action, actor="tester")
    assert p.state == state


def test_the_expected_paths():
    p = at_state(DRAFT)
    for action, state in [("submit", SUBMITTED), ("register", REGISTERED), ("close", CLOSED)]:
        apply_transition(p, action, actor="x")
        assert p.state == state
    assert p.registered_date is not None and p.closed_at is not None
    with pytest.raises(IllegalTransition, match="已办结"):
        apply_transition(p, "withdraw", actor="信访人")
    with pytest.raises(IllegalTransition):
        apply_transition(p, "fly", actor="x")


@pytest.mark.parametrize("state", STATES)
def test_withdraw_only_before_registration(state):
    """A citizen may withdraw what is submitted or waiting for material, nothing else."""
    p = at_state(state)
    if state in (SUBMITTED, "需补充材料"):
        apply_transition(p, "withdraw", actor="信访人")
        assert p.state == "已撤回" and p.closed_at is not None
    else:
        with pytest.raises(IllegalTransition, match=f"这份预登记现在是“{state}”"):
            apply_transition(p, "withdraw", actor="信访人")
        assert p.state == state


def test_correcting_the_number_stays_registered_and_keeps_the_registration_date():
    """更正信访件编号 is a move within 已登记: the 登记 date (the clock's start) does not move."""
    import datetime as dt

    p = at_state(REGISTERED)
    p.registered_date = dt.date(2026, 11, 3)
    event = apply_transition(p, "correct_number", actor="x", at=dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC))
    assert (event.from_state, event.to_state, p.state) == (REGISTERED, REGISTERED, REGISTERED)
    assert p.registered_date == dt.date(2026, 11, 3) and p.closed_at is None
    with pytest.raises(IllegalTransition, match="已办结"):
        apply_transition(at_state(CLOSED), "correct_number", actor="x")


# The whole table written out by hand (README: 提交 → 登记 → 办结 / 不予登记 / 撤回; 需补充材料 and the
# citizen's 补充材料; 更正信访件编号 within 已登记), not read from TRANSITIONS: a source set widened
# by mistake (登记 a 不予登记 件) must show up here.
ALL_ACTIONS = ("submit", "withdraw", "register", "request_more", "reject", "close", "correct_number",
               "supplement")
STAFF_ACTIONS = ("register", "request_more", "reject", "close", "correct_number")
BY_HAND = {
    ("草稿", "submit"): "已提交",
    ("已提交", "withdraw"): "已撤回",
    ("需补充材料", "withdraw"): "已撤回",
    ("已提交", "register"): "已登记",
    ("需补充材料", "register"): "已登记",
    ("已提交", "request_more"): "需补充材料",
    ("已提交", "reject"): "不予登记",
    ("需补充材料", "reject"): "不予登记",
    ("已登记", "close"): "已办结",
    ("已登记", "correct_number"): "已登记",
    ("需补充材料", "supplement"): "已提交",
}
ALL_STATES = ("草稿", "已提交", "已登记", "需补充材料", "不予登记", "已办结", "已撤回")


def test_the_table_has_exactly_the_hand_written_actions_and_states():
    assert set(TRANSITIONS) == set(ALL_ACTIONS) and set(STATES) == set(ALL_STATES)


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_move_matches_the_hand_written_table(state, action):
    p = at_state(state)
    if (state, action) in BY_HAND:
        apply_transition(p, action, actor="tester")
        assert p.state == BY_HAND[(state, action)]
    else:
        with pytest.raises(IllegalTransition, match=f"这份预登记现在是“{state}”"):
            apply_transition(p, action, actor="tester")
        assert p.state == state and p.registered_date is None and p.closed_at is None


@pytest.mark.parametrize("state", ["不予登记", "已办结", "已撤回"])
@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_no_staff_action_moves_a_finished_one(state, action):
    """不予登记, 已办结 and 已撤回 are final: a 不予登记 件 cannot be 登记 afterwards, nor anything else."""
    p = at_state(state)
    with pytest.raises(IllegalTransition):
        apply_transition(p, action, actor="工作人员")
    assert p.state == state and p.registered_date is None
