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


def test_cases_and_bank_questions_publish_by_one_machine_with_one_audit_mapping():
    from portal.audit import service as audit
    from portal.lifecycle import PUBLISHING

    assert cases.MACHINE.transitions is bank.QUESTIONS.transitions is PUBLISHING
    assert dict(cases.MACHINE.audit) == dict(bank.QUESTIONS.audit) == {
        cases.PUBLISH: audit.PUBLISH, cases.WITHDRAW: audit.WITHDRAW}
    assert (cases.MACHINE.what, bank.QUESTIONS.what) == ("案例", "问题")


def test_history_and_buttons_read_their_words_from_the_table():
    assert prefiling.ACTION_NAMES["register"] == "登记为信访件"      # what the citizen's history says
    assert handling.ACTION_LABELS["register"] == "登记"             # what the handler clicks
    assert set(handling.ACTION_LABELS) == {"register", "request_more", "reject", "close", "correct_number"}
    assert handling.ACTION_LABELS["correct_number"] == prefiling.ACTION_NAMES["correct_number"] == "更正信访件编号"
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


def test_refusals_name_the_state_the_action_and_what_is_moved():
    with pytest.raises(cases.IllegalTransition) as case_error:
        cases.next_state(cases.PUBLISHED, cases.PUBLISH)
    assert str(case_error.value) == "“已发布”状态的案例不能“发布”。"
    with pytest.raises(bank.IllegalTransition) as bank_error:
        bank.next_state(bank.DRAFT, bank.WITHDRAW)
    assert str(bank_error.value) == "“草稿”状态的问题不能“撤回”。"
    with pytest.raises(bank.IllegalTransition, match="“已忽略”状态的问题不能“收入问题库”"):
        bank.next_state(bank.DISMISSED, bank.ANSWER, bank.SENT_TRANSITIONS)


def test_a_refused_publish_changes_nothing_and_leaves_no_audit_entry(db_engine, library):
    """The shared guarded move (portal.lifecycle.guarded_move): a check that refuses comes before
    any stamp or write, for a bank question as for a case."""
    from dataclasses import replace

    from sqlmodel import Session, select

    from portal.audit.models import AuditEntry
    from portal.cases import service as case_service
    from portal.field_errors import ValidationFailed
    from portal.qa import service as bank_service
    from tests.cases.factories import EDITOR_ACTOR, make_case
    from tests.qa.factories import COUNSEL_ACTOR, make_question

    with Session(db_engine) as s:
        entry = make_question(s, library)
        case = make_case(s, library)
        s.commit()
        before = s.exec(select(AuditEntry)).all()
        # the articles they cite have since left the library
        smaller = replace(library, provisions={})
        with pytest.raises(ValidationFailed):
            bank_service.publish(session=s, actor=COUNSEL_ACTOR, library=smaller, question_id=entry.id)
        with pytest.raises(ValidationFailed):
            case_service.publish(session=s, actor=EDITOR_ACTOR, library=smaller, slug=case.slug)
        s.commit()
        assert s.get(type(entry), entry.id).state == bank.DRAFT
        assert s.get(type(case), case.slug).state == cases.DRAFT
        assert s.exec(select(AuditEntry)).all() == before
