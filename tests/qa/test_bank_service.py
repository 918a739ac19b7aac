"""Question-bank services: validation against the library, the lifecycle, audit, public reading."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.field_errors import ValidationFailed
from portal.identity import Actor, PermissionDenied
from portal.qa import lifecycle, service
from portal.roles import COUNSEL, HANDLER
from portal.search.bank import BankEntry
from tests.qa.factories import ARTICLE_22, COUNSEL_ACTOR, QUESTION, WAGES, make_question


def _audit(session: Session, target: str) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(AuditEntry.target == target).order_by(AuditEntry.id)))


def test_a_new_question_is_a_draft_the_public_does_not_see(db_engine, library):
    with Session(db_engine) as s:
        entry = make_question(s, library)
        assert entry.state == "草稿"
        assert service.published_entries(session=s) == []


def test_publish_shows_it_with_its_articles_and_withdraw_hides_it(db_engine, library):
    with Session(db_engine) as s:
        entry = make_question(s, library, provisions=(ARTICLE_22, WAGES))
        service.publish(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id)
        assert service.published_entries(session=s) == [
            BankEntry(id=str(entry.id), question=QUESTION, provisions=(ARTICLE_22, WAGES))]
        service.withdraw(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id)
        assert service.published_entries(session=s) == []
        # a withdrawn question may be corrected and published again
        service.publish(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id)
        assert len(service.published_entries(session=s)) == 1


@pytest.mark.parametrize(("stored", "said"), [
    ({"question": "我的电话13812345678，单位拖欠工资不给怎么办？"}, "question"),   # saved before the rule, or imported
    ({"provisions": '["xinfang-gongzuo-tiaoli-2022:第九百条"]'}, "provisions"),   # an article the library no longer has
])
def test_publishing_checks_the_draft_again(db_engine, library, stored, said):
    """发布 re-checks what is stored, not only what was typed: a draft holding a phone number, or
    citing an article the library no longer ships, is not shown to the public."""
    with Session(db_engine) as s:
        entry = make_question(s, library)
        for name, value in stored.items():
            setattr(entry, name, value)
        s.add(entry)
        s.commit()
        with pytest.raises(ValidationFailed) as refused:
            service.publish(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id)
        assert refused.value.for_field(said)
        s.rollback()
        assert s.get(type(entry), entry.id).state == "草稿"
        assert service.published_entries(session=s) == []


@pytest.mark.parametrize("state, action", [("草稿", "撤回"), ("已发布", "发布"), ("已撤回", "撤回")])
def test_illegal_transitions_are_refused_and_change_nothing(db_engine, library, state, action):
    with Session(db_engine) as s:
        entry = make_question(s, library, state=state)
        with pytest.raises(lifecycle.IllegalTransition, match="不能"):
            service.transition(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id,
                               action=action)
        assert s.get(type(entry), entry.id).state == state


def test_transition_table_offers_only_legal_actions():
    assert lifecycle.allowed_actions("草稿") == ["发布"]
    assert lifecycle.allowed_actions("已发布") == ["撤回"]
    assert lifecycle.allowed_actions("已撤回") == ["发布"]


def test_unknown_articles_and_empty_questions_are_refused_with_chinese_messages(db_engine, library):
    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed) as failure:
            service.add_question(session=s, actor=COUNSEL_ACTOR, library=library, question="  ",
                                 provision_ids=["minfadian-2020:第九千条", "no-such-law:第一条"])
        assert failure.value.for_field("question") == ["请填写问题，至少 5 个字。"]
        assert "minfadian-2020:第九千条" in failure.value.for_field("provisions")[0]
        with pytest.raises(ValidationFailed, match="至少附上一条"):
            service.add_question(session=s, actor=COUNSEL_ACTOR, library=library, question=QUESTION,
                                 provision_ids=[" ", ""])
        assert s.exec(select(service.BankQuestion)).all() == []


def test_edit_changes_text_and_articles_and_guards_against_concurrent_edits(db_engine, library):
    with Session(db_engine) as s:
        entry = make_question(s, library, state="已发布")
        service.edit_question(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id,
                              question="公司欠薪三个月怎么办？", provision_ids=[WAGES, WAGES],
                              expected_revision=1)
        assert service.published_entries(session=s)[0].question == "公司欠薪三个月怎么办？"
        assert service.published_entries(session=s)[0].provisions == (WAGES,)
        with pytest.raises(ValidationFailed, match="刚被他人修改，您的修改没有保存"):
            service.edit_question(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id,
                                  question="又一次修改的问题", provision_ids=[WAGES], expected_revision=1)


def test_every_change_is_audited_with_who_and_which_question(db_engine, library):
    with Session(db_engine) as s:
        entry = make_question(s, library)
        service.edit_question(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id,
                              question=QUESTION + "？", provision_ids=[ARTICLE_22])
        service.publish(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id)
        service.withdraw(session=s, actor=COUNSEL_ACTOR, library=library, question_id=entry.id)
        entries = _audit(s, f"bank:{entry.id}")
        assert [e.action for e in entries] == ["bank_save", "bank_save", "publish", "withdraw"]
        assert {e.actor_name for e in entries} == {"counsel-li"}
        assert entry.updated_by == "counsel-li" and entry.created_by == "counsel-li"


def test_any_staff_member_may_file_a_draft_from_search_but_only_counsel_publishes(db_engine, library):
    handler = Actor("handler-zhao", frozenset({HANDLER}))
    with Session(db_engine) as s:
        draft = service.file_from_search(session=s, actor=handler, library=library, question=QUESTION,
                                         provision_ids=[ARTICLE_22])
        assert draft.state == "草稿" and draft.created_by == "handler-zhao"
        with pytest.raises(PermissionDenied):
            service.file_from_search(session=s, actor=handler, library=library, question=QUESTION,
                                     provision_ids=[ARTICLE_22], publish=True)
        with pytest.raises(PermissionDenied):
            service.file_from_search(session=s, actor=None, library=library, question=QUESTION,
                                     provision_ids=[ARTICLE_22])
        counsel = Actor("c", frozenset({COUNSEL}))
        published = service.file_from_search(session=s, actor=counsel, library=library, question=QUESTION,
                                             provision_ids=[ARTICLE_22], publish=True)
        assert published.state == "已发布"


def test_staff_list_filters_by_state_and_words(db_engine, library):
    with Session(db_engine) as s:
        make_question(s, library, question="邻居噪音扰民怎么办？")
        make_question(s, library, state="已发布")
        found = service.staff_questions(session=s, actor=COUNSEL_ACTOR, contains="噪音")
        assert [q.question for q in found] == ["邻居噪音扰民怎么办？"]
        assert [q.state for q in service.staff_questions(session=s, actor=COUNSEL_ACTOR, state="已发布")] == ["已发布"]
        assert service.state_counts(session=s, actor=COUNSEL_ACTOR) == {"草稿": 1, "已发布": 1, "已撤回": 0}


def test_the_limits_the_form_states_hold_to_the_character_and_the_article(db_engine, library):
    """The form says 最多500字 and a lawyer may attach up to ten articles: a question of exactly 500
    characters with exactly ten articles is stored whole (on PostgreSQL too); one character or one
    article more is refused with the count in the message."""
    ten = [f"minfadian-2020:第{n}条" for n in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")]
    eleventh = "minfadian-2020:第十一条"
    text = ("单位拖欠工资怎么办" * 56)[:499] + "？"
    assert len(text) == 500
    with Session(db_engine) as s:
        entry = service.add_question(session=s, actor=COUNSEL_ACTOR, library=library, question=text,
                                     provision_ids=ten, publish=True)
        stored = service.published_entries(session=s)
        assert [(e.question, list(e.provisions)) for e in stored] == [(text, ten)]
        with pytest.raises(ValidationFailed) as failure:
            service.add_question(session=s, actor=COUNSEL_ACTOR, library=library, question=text + "吗",
                                 provision_ids=[*ten, eleventh])
        assert failure.value.for_field("question") == ["问题不能超过 500 个字，现在是 501 个字。"]
        assert failure.value.for_field("provisions") == ["最多附 10 条条文。"]
        with pytest.raises(ValidationFailed, match="至少 5 个字"):
            service.add_question(session=s, actor=COUNSEL_ACTOR, library=library, question=" 工资拖欠 ",
                                 provision_ids=[WAGES])
        assert service.add_question(session=s, actor=COUNSEL_ACTOR, library=library, question="拖欠工资呢",
                                    provision_ids=[WAGES]).question == "拖欠工资呢"
        assert entry.id is not None


def test_typed_text_differs_from_the_stored_question_only_where_saving_would_change_it(db_engine, library):
    """发布 waits for this (pages/staff_bank.py): spaces at the ends, blanks and repeated articles,
    which 保存 drops, are no change; other words or articles are."""
    with Session(db_engine) as s:
        entry = make_question(s, library)

        def differs(question: str, ids: tuple[str, ...]) -> bool:
            return service.differs_from_stored(entry=entry, question=question, provision_ids=ids)

        assert not differs(QUESTION, (ARTICLE_22,))
        assert not differs(f"  {QUESTION}\n", (ARTICLE_22, " ", ARTICLE_22))
        assert differs(QUESTION + "？", (ARTICLE_22,))
        assert differs(QUESTION, (ARTICLE_22, WAGES))
        assert differs(QUESTION, ())
