"""Published content whose citations a law update overtook (an article taken away, a law marked
已废止): named to the operator by `setup` and to staff on their page; an article that is gone is
shown to citizens as gone instead of as a bare id."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from sqlmodel import Session

from portal.cases.content import Citation
from portal.cases.models import TypicalCase
from portal.citations import BANK, CASE, GUIDE, StaleCitation, stale_citations
from portal.guide import structure
from portal.laws.library import build_library
from tests.cases.factories import ARTICLE_22, EDITOR_ACTOR, MEDIATION_31, make_case
from tests.conftest import page_text
from tests.qa.factories import make_question
from tests.staff.portal_db import ready_engine, signed_in_state
from ui.links import provision_link

MEDIATION = "renmin-tiaojie-fa-2010"
OLD_10 = "xinfang-tiaoli-2005:第十条"   # the repealed 2005 信访条例


def _without_law(library, slug: str):
    return build_library([law for law in library.laws.values() if law.slug != slug], library.catalog)


def _without_article(library, provision_id: str):
    return replace(library, provisions={k: v for k, v in library.provisions.items() if k != provision_id})


def test_published_items_citing_a_law_taken_away_are_named_drafts_and_withdrawn_ones_not(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "published-case", state="已发布", title="已发布的调解案例")
        make_case(s, library, "draft-case", title="草稿案例")
        make_case(s, library, "withdrawn-case", state="已撤回", title="撤回的案例")
        structure.add_section(session=s, actor=EDITOR_ACTOR, library=library, slug="tiaojie",
                              title="人民调解", body=f"调解协议有约束力，见[[{MEDIATION_31}]]。")
        kept = make_question(s, library, state="已发布", provisions=(ARTICLE_22,))
        gone = make_question(s, library, state="已发布", question="调解协议对方不履行怎么办？",
                             provisions=(ARTICLE_22, MEDIATION_31))
        make_question(s, library, question="草稿问题，引用调解法", provisions=(MEDIATION_31,))
        s.commit()
        assert stale_citations(session=s, library=library) == []
        found = stale_citations(session=s, library=_without_law(library, MEDIATION))
    assert found == [StaleCitation(CASE, "published-case", "已发布的调解案例", (MEDIATION_31,)),
                     StaleCitation(GUIDE, "tiaojie", "人民调解", (MEDIATION_31,)),
                     StaleCitation(BANK, str(gone.id), "调解协议对方不履行怎么办？", (MEDIATION_31,))]
    assert found[0].line() == f"典型案例 published-case（已发布的调解案例）: not in the library {MEDIATION_31}"
    assert str(kept.id) not in [item.ref for item in found]
    with Session(db_engine) as s:   # one article renumbered away, the law still there
        found = stale_citations(session=s, library=_without_article(library, ARTICLE_22), kinds=(CASE, BANK))
    assert [(item.kind, item.ref, item.missing) for item in found] == [
        (CASE, "published-case", (ARTICLE_22,)), (BANK, str(kept.id), (ARTICLE_22,)),
        (BANK, str(gone.id), (ARTICLE_22,))]


def test_a_published_item_citing_a_repealed_law_is_named_with_it(db_engine, library):
    with Session(db_engine) as s:
        make_case(s, library, "history-case", state="已发布", title="接待日制度的由来",
                  provisions=(Citation(OLD_10, "2005年的接待日制度。"), Citation(ARTICLE_22, "登记转送。")))
        found = stale_citations(session=s, library=library)
    assert found == [StaleCitation(CASE, "history-case", "接待日制度的由来", (), (OLD_10,))]
    assert found[0].line() == f"典型案例 history-case（接待日制度的由来）: of a repealed law {OLD_10}"


def test_setup_warns_of_each_item_and_still_succeeds(capsys):
    from portal.bootstrap import BootstrapReport
    from portal.cli_core import print_setup_report
    from portal.laws.importer import ImportReport

    stale = [StaleCitation(CASE, "tiaojie-case", "调解案例", (MEDIATION_31,))]
    assert print_setup_report(BootstrapReport(laws=ImportReport(), stale=stale)) == 0
    out = capsys.readouterr().out
    assert f"WARNING citations: 典型案例 tiaojie-case（调解案例）: not in the library {MEDIATION_31}: staff cite" in out


def test_a_citizen_reads_the_law_and_number_of_an_article_that_is_gone_not_an_id(library):
    shown = provision_link(MEDIATION_31, _without_article(library, MEDIATION_31))
    assert shown == "《中华人民共和国人民调解法》第三十一条（本站法规库中没有这一条）"
    shown = provision_link(MEDIATION_31, _without_law(library, MEDIATION))
    assert shown == "第三十一条（本站法规库中没有这一条）"
    assert "](" not in shown and MEDIATION not in shown


def test_the_editor_is_told_on_the_case_page_and_citizens_see_the_article_as_gone(app_page, library):
    slug = f"stale-{uuid.uuid4().hex[:8]}"
    engine = ready_engine()
    gone = f"{MEDIATION}:第九十九条"   # the law has 35 articles: as after a renumbering
    with Session(engine) as s:
        make_case(s, library, slug, state="已发布", title="条文已变的调解案例")
        case = s.get(TypicalCase, slug)
        case.provisions = json.dumps([{"id": OLD_10, "reason": "接待日"}, {"id": gone, "reason": "调解"}],
                                     ensure_ascii=False)
        s.add(case)
        s.commit()
    try:
        at = app_page("pages/staff_cases.py", session_state=signed_in_state("编辑"))
        text = page_text(at).replace("\\", "")
        assert "以下已发布的典型案例引用的条文，法规库中已经没有" in text
        assert f"条文已变的调解案例（{slug}）：{gone}" in text
        assert any(e.label.startswith("引用已废止法律条文的已发布典型案例（") for e in at.expander)   # folded away
        assert f"条文已变的调解案例（{slug}）：《信访条例》第十条" in text
        public = page_text(app_page("pages/cases.py", case=slug))
        assert "《中华人民共和国人民调解法》第九十九条（本站法规库中没有这一条）" in public
    finally:
        from portal.cases import service
        with Session(engine) as s:
            service.withdraw(session=s, actor=EDITOR_ACTOR, library=library, slug=slug)
            s.commit()
    text = page_text(app_page("pages/staff_cases.py", session_state=signed_in_state("编辑")))
    assert slug not in text.split("选择案例")[0]
