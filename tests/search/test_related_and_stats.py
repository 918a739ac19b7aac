"""Related cases beside results; anonymous open counts."""

from portal.cases.types import CaseSummary
from portal.search.related import related_cases
from portal.search.stats import most_opened, record_open


def _case(slug, *ids):
    return CaseSummary(slug=slug, title=slug, category="诉访分离", summary="", provision_ids=ids)


def test_cases_citing_higher_ranked_hits_come_first():
    hits = ["a:第一条", "a:第二条"]
    cases = [_case("other-law", "b:第一条"), _case("second", "a:第二条"), _case("first", "a:第一条"),
             _case("same-law", "a:第九条")]
    ranked = [c.slug for c in related_cases(hits, cases, limit=5)]
    assert ranked == ["first", "second", "same-law"]
    assert [c.slug for c in related_cases(hits, cases, limit=2)] == ["first", "second"]


def test_a_case_citing_several_provisions_outranks_one_citing_one():
    cases = [_case("one", "a:第二条"), _case("both", "a:第三条", "a:第四条")]
    assert [c.slug for c in related_cases(["a:第一条", "a:第二条", "a:第三条", "a:第四条"], cases)] == ["both", "one"]
    assert related_cases(["a:第一条"], [_case("elsewhere", "b:第一条")]) == []


def test_open_counts_keep_only_provision_and_count(db_engine):
    from portal.db import session_scope

    with session_scope(db_engine) as session:
        record_open(session=session, provision_id="xinfang-gongzuo-tiaoli-2022:第三十二条")
        record_open(session=session, provision_id="xinfang-gongzuo-tiaoli-2022:第三十二条")
        record_open(session=session, provision_id="minfadian-2020:第一千零七十七条")
    with session_scope(db_engine) as session:
        assert most_opened(session=session) == [("xinfang-gongzuo-tiaoli-2022:第三十二条", 2),
                                                ("minfadian-2020:第一千零七十七条", 1)]


def test_the_cut_off_needs_a_cited_result_among_the_first_five():
    """RELATED_CUT_OFF (0.2): a case citing the 5th result passes, the 6th does not; a case citing
    ten other articles of the same law only is still not related enough."""
    from portal.search.related import RELATED_CUT_OFF

    hits = [f"a:第{n}条" for n in "一二三四五六"]
    cases = [_case("sixth", "a:第六条"), _case("fifth", "a:第五条"),
             _case("same-law", *(f"a:第{n}十条" for n in "一二三四五六七八九"))]
    assert [c.slug for c in related_cases(hits, cases, min_score=RELATED_CUT_OFF)] == ["fifth"]


def test_a_repeated_result_keeps_its_best_rank_and_ties_keep_catalogue_order():
    hits = ["a:第一条", "a:第二条", "a:第一条"]
    cases = [_case("cites-second", "a:第二条"), _case("cites-first", "a:第一条"),
             _case("also-first", "a:第一条")]
    assert [c.slug for c in related_cases(hits, cases)] == ["cites-first", "also-first", "cites-second"]
