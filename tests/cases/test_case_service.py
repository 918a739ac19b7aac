"""The case lifecycle through the services: validation, revisions, publish and withdraw."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from portal.cases import lifecycle, service
from portal.cases.content import Citation
from portal.field_errors import ValidationFailed
from portal.identity import Actor
from portal.roles import EDITOR
from tests.cases.factories import ARTICLE_22, EDITOR_ACTOR, MEDIATION_31, make_case, make_draft

OTHER_EDITOR = Actor("editor-li", frozenset({EDITOR}))


@pytest.mark.parametrize("bad_id", [
    "xinfang-gongzuo-tiaoli-2022:第九百条",       # article that does not exist
    "no-such-law:第一条",                         # law that does not exist
    "xinfang-gongzuo-tiaoli-2022:32",             # not an id at all
])
def test_an_unresolvable_provision_id_is_refused(db_engine, library, bad_id):
    draft = make_draft(provisions=(Citation(ARTICLE_22), Citation(bad_id)))
    with Session(db_engine) as s, pytest.raises(ValidationFailed) as info:
        service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="bad", draft=draft)
    assert any(bad_id in m for m in info.value.for_field("provisions"))


def test_missing_fields_are_reported_together(db_engine, library):
    draft = make_draft(title="", category="随便", facts=" ", provisions=())
    with Session(db_engine) as s, pytest.raises(ValidationFailed) as info:
        service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="Bad Slug", draft=draft)
    assert {e.field for e in info.value.errors} == {"slug", "title", "category", "facts", "provisions"}


def test_title_with_markup_is_refused(db_engine, library):
    with Session(db_engine) as s, pytest.raises(ValidationFailed) as info:
        service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="x",
                          draft=make_draft(title="[点我](javascript:alert(1))"))
    assert info.value.for_field("title")


@pytest.mark.parametrize(("section", "text"), [
    ("facts", "张某（身份证370102196503151003）因欠薪到信访局反映。"),
    ("process", "工作人员电话联系张某（138-1234-5678）核实情况。"),
    ("result", "双方达成协议，联系电话0531-87654321。"),
])
def test_a_case_with_an_id_or_phone_number_is_refused(db_engine, library, section, text):
    """Typical cases are public: a staff member who pastes a party's numbers from the file is told
    before anything is saved, and how to write it instead."""
    with Session(db_engine) as s, pytest.raises(ValidationFailed) as info:
        service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="numbers",
                          draft=make_draft(**{section: text}))
    [message] = info.value.for_field(section)
    assert "身份证号或电话号码" in message and "张某" in message
    with Session(db_engine) as s:      # amounts, dates and the 12345 hotline are no one's number
        service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="numbers", draft=make_draft(
            facts="2023年5月，某公司拖欠张某工资18000元，张某拨打12345热线反映。",
            process="张某于2023-03-15、2023-04-20、2023-05-10三次来访（2023.3.15、2023.4.20、2023.5.10）。"))


def test_lifecycle_keeps_every_revision_with_who_and_when(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "life")
        assert service.published_summaries(session=s) == []  # a draft is not public
        service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug="life")
        service.save_case(session=s, actor=OTHER_EDITOR, library=library, slug="life",
                          draft=make_draft(title="更正后的标题"), expected_revision=2)
        service.withdraw(session=s, actor=OTHER_EDITOR, library=library, slug="life")
        s.commit()
        revisions = service.case_revisions(session=s, actor=EDITOR_ACTOR, slug="life")
    assert [(r.number, r.action, r.state, r.author) for r in revisions] == [
        (4, "撤回", "已撤回", "editor-li"), (3, "保存", "已发布", "editor-li"),
        (2, "发布", "已发布", "editor-wang"), (1, "保存", "草稿", "editor-wang")]
    assert revisions[3].title == "欠薪纠纷引导至劳动仲裁" and revisions[1].title == "更正后的标题"
    assert all(r.created_at is not None for r in revisions)


def test_illegal_transitions_are_refused(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "draft-only")
        with pytest.raises(lifecycle.IllegalTransition):
            service.withdraw(session=s, actor=EDITOR_ACTOR, library=library, slug="draft-only")
        service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug="draft-only")
        with pytest.raises(lifecycle.IllegalTransition):
            service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug="draft-only")


def test_transition_table_is_the_only_path():
    assert lifecycle.allowed_actions(lifecycle.DRAFT) == [lifecycle.PUBLISH]
    assert lifecycle.allowed_actions(lifecycle.PUBLISHED) == [lifecycle.WITHDRAW]
    assert lifecycle.allowed_actions(lifecycle.WITHDRAWN) == [lifecycle.PUBLISH]
    assert {t.target for t in lifecycle.TRANSITIONS.values()} <= set(lifecycle.STATES)


def test_stale_edit_is_refused(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "race")
        service.save_case(session=s, actor=OTHER_EDITOR, library=library, slug="race",
                          draft=make_draft(facts="李编辑的修改"), expected_revision=1)
        with pytest.raises(ValidationFailed):
            service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="race",
                              draft=make_draft(facts="王编辑的旧稿"), expected_revision=1)
        assert service.staff_case(session=s, actor=EDITOR_ACTOR, slug="race").facts == "李编辑的修改"


def test_publish_and_withdraw_change_what_the_public_sees(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "visible", state="已发布")
        make_case(s, library, "gone", state="已撤回")
        make_case(s, library, "hidden")
        summaries = service.published_summaries(session=s)
        assert [c.slug for c in summaries] == ["visible"]
        assert summaries[0].provision_ids[0] == ARTICLE_22 and "诉访分离" in summaries[0].summary
        assert "**" not in summaries[0].summary
        assert service.published_case(session=s, slug="gone") is None
        assert service.published_case(session=s, slug="hidden") is None
        assert [c.slug for c in service.published_list(session=s, law_slug="renmin-tiaojie-fa-2010")] == ["visible"]
        assert service.published_list(session=s, law_slug="xianfa-2018") == []
        assert service.published_list(session=s, category="检举控告") == []


def test_creating_with_a_used_slug_does_not_overwrite(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "taken", title="原来的案例")
        with pytest.raises(ValidationFailed) as info:
            service.save_case(session=s, actor=OTHER_EDITOR, library=library, slug="taken",
                              draft=make_draft(title="新的案例"), new=True)
        assert info.value.for_field("slug")
        assert service.staff_case(session=s, actor=EDITOR_ACTOR, slug="taken").title == "原来的案例"


def test_a_case_citing_the_same_article_twice_is_refused(db_engine, library):
    draft = make_draft(provisions=(Citation(ARTICLE_22, "应当登记。"), Citation(MEDIATION_31, "调解协议有约束力。"),
                                   Citation(ARTICLE_22, "又引了一次。")))
    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed) as info:
            service.save_case(session=s, actor=EDITOR_ACTOR, library=library, slug="twice", draft=draft)
        assert info.value.for_field("provisions") == [f"条文“{ARTICLE_22}”重复了。"]
        assert service.staff_case(session=s, actor=EDITOR_ACTOR, slug="twice") is None


def test_withdrawing_and_publishing_again_keeps_the_first_publication_date(db_engine, library, monkeypatch):
    """service._publishable: "the first publication is dated" — a case withdrawn for a correction
    and published again still reads 发布日期 of its first publication."""
    import datetime as dt

    days = iter([dt.date(2026, 11, 2), dt.date(2026, 12, 5)])
    monkeypatch.setattr(service, "beijing_today", lambda *a, **k: next(days))
    with Session(db_engine) as s:
        make_case(s, library, "again", state="已撤回")          # published on 2026-11-02, then withdrawn
        assert service.published_case(session=s, slug="again") is None
        service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug="again")   # on 2026-12-05
        s.commit()
        assert service.published_case(session=s, slug="again").published_on == dt.date(2026, 11, 2)


def test_a_draft_differs_from_the_stored_case_only_where_saving_would_change_it(db_engine, library):
    """发布 waits for this (pages/staff_cases.py): a title's stray spaces, which 保存 strips, are no
    change; a changed title, section, tick or article reason is."""
    from dataclasses import replace

    with Session(db_engine) as s:
        case = make_case(s, library, "differs-case")
        stored = service.draft_of(case)
        assert not service.differs_from_stored(case=case, draft=stored)
        assert not service.differs_from_stored(case=case, draft=replace(stored, title=f" {stored.title} "))
        for changed in (replace(stored, title="另一个标题"), replace(stored, facts=stored.facts + "补充。"),
                        replace(stored, illustrative=not stored.illustrative),
                        replace(stored, provisions=(Citation(ARTICLE_22, "另一个理由。"),))):
            assert service.differs_from_stored(case=case, draft=changed), changed
