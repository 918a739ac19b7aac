"""SearchEngine behaviour that does not depend on the embedding model (fake embedder)."""

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.laws.ids import label_of
from portal.search.api import SearchResponse
from portal.search.engine import SearchEngine


def _with(engine, **changes):
    return SearchEngine(engine.corpus, engine.artefacts, engine.embedder, engine.tokenizer, engine.vocabulary,
                        titles={}, config=dataclasses.replace(engine.config, **changes))


@pytest.mark.parametrize(("query", "needle"), [
    ("", "请输入您的问题"), ("   \u3000 ", "请输入您的问题"), ("😀🙏🎉", "没有看懂"),
    ("how do I file a complaint", "中文"), ("SELECT * FROM law; DROP TABLE provision;--", "中文"),
])
def test_bad_input_gives_a_message(fake_engine, query, needle):
    response = fake_engine.search(query, k=5)
    assert isinstance(response, SearchResponse) and not response.confident
    assert needle in response.message and not response.hits


def test_very_long_query_is_cut_and_answered(fake_engine):
    response = fake_engine.search("信访事项的复查和复核期限是多少" * 400, k=5)
    assert response.hits and "较长" in response.message


def test_html_looking_query_is_just_text(fake_engine):
    response = fake_engine.search("<script>alert(1)</script>信访事项复查", k=5)
    assert response.hits
    assert all("<" not in t and ">" not in t for h in response.hits for t in h.matched_terms)


def test_matched_terms_occur_in_the_article(fake_engine, library):
    response = fake_engine.search("申请行政复议的期限", k=5)
    assert response.hits
    for hit in response.hits:
        text = library.provision(hit.provision_id).text
        assert all(term in text for term in hit.matched_terms)
    assert any("行政复议" in h.matched_terms for h in response.hits)


def test_highlighted_terms_are_words_longest_first_each_once(fake_engine, library):
    # one Han character is not worth marking (它 would light up half an article); Latin and digits are
    assert SearchEngine.highlightable(["复议", "期", "行政复议", "复议", "60", "期限"]) == ("行政复议", "60", "复议", "期限")
    # pieces of an article number would be marked inside 第二条; a lone digit inside 12个月
    assert SearchEngine.highlightable(["二条", "第三", "第", "32条", "1", "x", "工资"]) == ("工资",)
    response = fake_engine.search("申请行政复议的期限", k=5)
    for hit in response.hits:
        assert list(hit.matched_terms) == sorted(set(hit.matched_terms), key=lambda t: (-len(t), t))
        assert all(len(t) >= 2 for t in hit.matched_terms)


def test_repealed_law_ranks_below_current_law_on_the_same_point(fake_engine, library):
    query = "信访人采用走访形式提出信访事项，应当向依法有权处理的本级或者上一级机关提出"
    old = "xinfang-tiaoli-2005:第十六条"  # says this almost word for word

    def ids(engine):
        return [h.provision_id for h in engine.search(query, k=10).hits]

    neutral = ids(_with(fake_engine, repealed_factor=1.0))
    ranked = ids(_with(fake_engine, repealed_factor=0.5))
    assert old in neutral[:3]
    assert old not in ranked or ranked.index(old) > neutral.index(old)
    assert not library.law_of(library.provision(ranked[0])).is_repealed
    current_above = [pid for pid in ranked[: ranked.index(old) if old in ranked else 10]
                     if not library.law_of(library.provision(pid)).is_repealed]
    assert len(current_above) >= 2


def test_missing_article_says_so_and_still_searches(fake_engine):
    response = fake_engine.search("信访工作条例第九百九十九条", k=5)
    assert not response.exact and "《信访工作条例》没有第九百九十九条，最后一条是第五十条" in response.message
    assert response.hits   # and the words still search


def test_nonsense_is_not_confident(fake_engine):
    assert not fake_engine.search("今天天气怎么样", k=5).confident


def test_concurrent_queries_give_the_same_answers(fake_engine):
    queries = ["复查的结果我还是不服，下一步怎么办？", "申请劳动仲裁要不要交费？", "民法典1077条",
               "被邻居家养的狗咬伤了，医药费该谁出？"] * 6
    expected = {q: [h.provision_id for h in fake_engine.search(q, k=5).hits] for q in set(queries)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda q: (q, [h.provision_id for h in fake_engine.search(q, k=5).hits]), queries))
    assert all(ids == expected[q] for q, ids in results)


@pytest.mark.parametrize(("query", "laws"), [
    ("宪法里有没有说老百姓有工作的权利？", {"xianfa-2018"}),
    ("山东省信访条例对走访人数有规定吗", {"shandong-xinfang-tiaoli-2015"}),  # not also 信访条例
    ("偷东西按刑法还是治安管理处罚法处理？", {"xingfa-2023", "zhian-guanli-chufa-fa-2025"}),
    ("邻居家的狗整天乱叫", set()),
])
def test_a_law_named_in_the_question_is_recognised(fake_engine, query, laws):
    assert fake_engine.named_laws(query) == laws


def test_a_named_law_ranks_its_own_articles_first(fake_engine):
    query = "孩子念书上学的权利，宪法里有没有写？"
    plain = _with(fake_engine, named_law_factor=1.0).rank(query, k=10, components=("lexical", "priors"))
    named = fake_engine.rank(query, k=10, components=("lexical", "priors"))
    law_of = lambda rows: [fake_engine.corpus.documents[r].law_slug for r, _ in rows]  # noqa: E731
    assert law_of(plain.rows)[0] != "xianfa-2018"  # without the prior, 子女 pulls in the civil code
    assert law_of(named.rows)[0] == "xianfa-2018"


def test_bank_questions_vote_for_their_articles(library, tmp_path):
    """A question the bank holds almost word for word brings the lawyer's article up, and the
    nearest bank questions come back as 相似问题 with their articles."""
    from portal.search.bank import BankEntry
    from portal.search.embedder import FakeEmbedder

    entry = BankEntry("t1", "楼道里的灯坏了好几个月物业一直不修怎么办", ("minfadian-2020:第九百四十二条",))
    others = [BankEntry(f"o{i}", q, ("xianfa-2018:第一条",)) for i, q in enumerate(["宪法是什么", "国家的根本制度"])]
    engine = SearchEngine.for_library(library, index_dir=tmp_path, embedder=FakeEmbedder(),
                                      bank=[entry, *others])
    query = "楼道里的灯坏了好几个月物业一直不修怎么办？"
    similar = engine.similar_questions(query, k=2)
    assert similar[0].entry == entry and similar[0].score > similar[1].score
    gold = engine._row_of["minfadian-2020:第九百四十二条"]

    def rows(bank_weight: float) -> list[int]:  # the vote on or off (the tuned weight may be 0)
        config = dataclasses.replace(engine.config, bank_weight=bank_weight, prior_weight=0.0)
        changed = SearchEngine(engine.corpus, engine.artefacts, engine.embedder, engine.tokenizer,
                               engine.vocabulary, config=config, bank=engine.bank)
        return [r for r, _ in changed.rank(query, k=10).rows]

    without, voted = rows(0.0), rows(1.0)
    assert gold in voted[:3]
    assert gold not in without[:3]
    assert engine.similar_questions("😀🙏", k=2) == []


def test_an_entry_citing_an_article_the_library_lacks_is_left_out(library, tmp_path):
    from portal.search.bank import BankEntry
    from portal.search.embedder import FakeEmbedder

    entries = [BankEntry("a", "问题一", ("minfadian-2020:第九百四十二条",)),
               BankEntry("b", "问题二", ("minfadian-2020:第九千条",))]
    engine = SearchEngine.for_library(library, index_dir=tmp_path, embedder=FakeEmbedder(), bank=entries)
    assert [e.id for e in engine.bank.entries] == ["a"]
    # and so when staff publish one later: the served bank and 相似问题 never point at a missing article
    published = [*entries, BankEntry("c", "问题三", ("xianfa-2018:第一条",)),
                 BankEntry("d", "问题四", ("xianfa-2018:第一条", "xianfa-2018:第九百条")),
                 BankEntry("e", "问题五", ())]   # no article at all: nothing to show beside it
    assert engine.use_bank(published)
    assert [e.id for e in engine.bank.entries] == ["a", "c"]
    assert {s.entry.id for s in engine.similar_questions("问题四", k=5)} == {"a", "c"}


def test_articles_lawyers_often_chose_rank_higher_with_the_article_prior(library, tmp_path):
    """Real questions concentrate on a few articles: among the candidates of a question, one the
    bank cites often moves up when the prior is on, and nothing changes with it off."""
    from portal.search.bank import BankEntry
    from portal.search.embedder import FakeEmbedder

    query = "物业服务企业不履行义务怎么办"
    plain = SearchEngine.for_library(library, index_dir=tmp_path, embedder=FakeEmbedder())
    rows = [r for r, _ in _with(plain, prior_weight=0.0).rank(query, k=10).rows]
    popular = plain.corpus.documents[rows[6]].id
    # bank questions unlike the query (no vote), all citing the 7th candidate
    entries = [BankEntry(f"p{i}", text, (popular,)) for i, text in enumerate(
        ["离婚后孩子抚养费给多少", "借钱不还能起诉吗", "工伤怎么认定", "房屋租赁合同到期", "遗产怎么分配"])]
    banked = SearchEngine.for_library(library, index_dir=tmp_path, embedder=FakeEmbedder(), bank=entries)

    def position(weight: float) -> int:
        engine = SearchEngine(banked.corpus, banked.artefacts, banked.embedder, banked.tokenizer,
                              banked.vocabulary, config=dataclasses.replace(banked.config, prior_weight=weight,
                                                                            bank_weight=0.0),
                              bank=banked.bank)
        return [banked.corpus.documents[r].id for r, _ in engine.rank(query, k=10).rows].index(popular)

    assert position(0.0) == 6
    assert position(1.0) < 6


def test_a_question_asked_again_is_not_encoded_again(library, tmp_path):
    """The results and 相似问题 for one question (and a page rerun) share one encoding; the
    answers are the same as with a fresh encoding."""
    from portal.search.bank import BankEntry
    from portal.search.embedder import FakeEmbedder

    class Counting(FakeEmbedder):
        questions = 0

        def encode_queries(self, texts):
            Counting.questions += len(texts)
            return super().encode_queries(texts)

    entries = [BankEntry("a", "物业不修楼道灯怎么办", ("minfadian-2020:第九百四十二条",))]
    engine = SearchEngine.for_library(library, index_dir=tmp_path, embedder=Counting(), bank=entries)
    Counting.questions = 0
    first = engine.search("物业服务企业不履行义务怎么办", k=5)
    engine.similar_questions("物业服务企业不履行义务怎么办", k=1)
    again = engine.search("物业服务企业不履行义务怎么办", k=5)
    assert Counting.questions == 1 and again == first
    engine.forget_queries()
    assert engine.search("物业服务企业不履行义务怎么办", k=5) == first and Counting.questions == 2

    # what the process keeps for its life is a digest of each question, not its words
    asked = "我叫张三，电话13812345678，物业服务企业不履行义务怎么办"
    engine.search(asked, k=5)
    kept = repr(list(engine._query_cache._items)) + repr(list(engine._second_cache._items))
    assert "13812345678" not in kept and "张三" not in kept and len(engine._query_cache) == 2


@pytest.mark.parametrize(("query", "law", "about"), [
    # 1077 is the divorce cooling-off period: what follows is about divorce, in the same law
    ("民法典1077条", "minfadian-2020", {"第一千零七十六条", "第一千零七十八条", "第一千零七十九条"}),
    # every law has a 第三十二条: what follows a 信访工作条例 article is the 信访工作条例's
    ("信访工作条例第三十二条", "xinfang-gongzuo-tiaoli-2022", {"第三十一条", "第三十五条", "第三十六条"}),
])
def test_the_articles_after_a_named_one_are_about_it_not_its_number(fake_engine, query, law, about):
    hits = fake_engine.search(query, k=8).hits
    assert hits[0].provision_id.startswith(law)
    after = hits[1:]
    assert after and all(h.provision_id.startswith(law + ":") for h in after[:4])
    assert about & {label_of(h.provision_id) for h in after[:6]}
    assert not any(label_of(h.provision_id) == label_of(hits[0].provision_id) for h in after)


def test_question_checks_at_their_limits():
    """500 characters are read whole; the 501st is cut with a message. Full-width letters and digits
    are text (read as their half-width forms), not 没有看懂."""
    from portal.search.query import QueryProblem, check_query

    exact = check_query("字" * 500)
    assert exact.problem is QueryProblem.NONE and len(exact.text) == 500
    longer = check_query("字" * 501)
    assert longer.problem is QueryProblem.TOO_LONG and len(longer.text) == 500 and "前 500 个字" in longer.message
    assert check_query("ＨＥＬＬＯ").problem is QueryProblem.NOT_CHINESE
    wide = check_query("信访工作条例第３２条")
    assert wide.problem is QueryProblem.NONE and wide.text == "信访工作条例第32条"


@pytest.mark.parametrize(("query", "first"), [("申请行政复议的期限", None),
                                              ("民法典1077条", "minfadian-2020:第一千零七十七条")])
def test_a_search_for_k_articles_gives_k_articles_each_once(fake_engine, query, first):
    """The 法律问答 page asks for 8 articles: when more than 8 match it shows 8, none twice; after a
    named article (民法典1077条) too, the named one first and 7 found by its words after it."""
    ids = [h.provision_id for h in fake_engine.search(query, k=8).hits]
    assert len(ids) == 8 and len(set(ids)) == 8
    if first:
        assert ids[0] == first
    assert len(fake_engine.search(query, k=3).hits) == 3


def test_a_named_article_is_a_confident_answer_whatever_the_score_thresholds(fake_engine, monkeypatch):
    """民法典1077条 names the article: it is the answer (confident, exact) even where the words
    around it would not reach the keyword threshold."""
    strict = fake_engine
    monkeypatch.setattr(strict, "config", dataclasses.replace(fake_engine.config, min_lexical=1e9, min_dense=2.0,
                                                               min_dense_with_lexical=2.0))
    response = strict.search("民法典1077条", k=5)
    assert response.exact and response.confident
    assert response.hits[0].provision_id == "minfadian-2020:第一千零七十七条"
    assert not strict.search("离婚冷静期是多少天", k=5).confident   # the thresholds do apply elsewhere


def test_the_seed_read_for_a_library_leaves_out_an_entry_citing_an_article_it_lacks(tmp_path):
    """`load_seed(known=…)` (what `train` learns from): an entry citing one article the library
    does not ship is left out whole, not half kept."""
    import json

    from portal.search.bank import BankEntry, load_seed

    seed = tmp_path / "seed.jsonl"
    seed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "1", "query": "问一", "gold": ["a:第一条"]},
        {"id": "2", "query": "问二", "gold": ["a:第一条", "b:第九条"]},
        {"id": "3", "query": "问三", "gold": ["a:第二条"]}]), encoding="utf-8")
    assert [e.id for e in load_seed(seed)] == ["1", "2", "3"]
    assert load_seed(seed, known={"a:第一条", "a:第二条"}) == [BankEntry("1", "问一", ("a:第一条",)),
                                                            BankEntry("3", "问三", ("a:第二条",))]
