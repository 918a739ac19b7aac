"""Evaluation metrics, on hand-computed cases and through the CLI on a toy corpus."""

import json
import math

import pytest

from portal.search.evaluation import EvalQuery, evaluate, load_queries, mrr_at, ndcg_at, percentile, recall_at
from tests.search.conftest import write_jsonl


def test_recall_counts_share_of_gold_found():
    assert recall_at(["a", "b", "c"], ["a", "c"], 1) == 0.5
    assert recall_at(["a", "b", "c"], ["a", "c"], 3) == 1.0
    assert recall_at(["x"], ["a"], 10) == 0.0


def test_mrr_uses_first_gold_within_cutoff():
    assert mrr_at(["x", "a", "b"], ["a", "b"]) == 0.5
    assert mrr_at(["x"] * 10 + ["a"], ["a"]) == 0.0


def test_ndcg_against_ideal_ranking():
    assert ndcg_at(["a", "b"], ["a", "b"]) == pytest.approx(1.0)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at(["x", "a"], ["a", "b"]) == pytest.approx(expected / 1 * 1)


def test_evaluate_averages_over_queries():
    queries = [EvalQuery("1", "q1", ("a",)), EvalQuery("2", "q2", ("b",))]
    answers = {"q1": ["a", "b"], "q2": ["a", "c", "d", "e", "f", "b"]}
    figures = evaluate(queries, lambda q, k: answers[q][:k])
    assert figures["recall@1"] == 0.5
    assert figures["recall@5"] == 0.5
    assert figures["recall@10"] == 1.0
    assert figures["mrr@10"] == pytest.approx((1 + 1 / 6) / 2, abs=1e-4)



def test_recall_is_the_share_of_distinct_gold_ids_in_the_top_k():
    """recall@k = |distinct gold ∩ top k| / |distinct gold|, so a question citing three articles
    that finds one of them in its top 5 scores 1/3, not 1 ("any gold") and not 0 ("all gold")."""
    ranked = ["x1", "g1", "x2", "x3", "x4", "g2", "x5", "x6", "x7", "x8", "g3"]
    gold = ["g1", "g2", "g3"]
    assert recall_at(ranked, gold, 1) == 0.0      # top 1 = {x1}: 0 of 3
    assert recall_at(ranked, gold, 5) == 1 / 3    # top 5 holds g1 only: 1 of 3
    assert recall_at(ranked, gold, 10) == 2 / 3   # g1 (rank 2), g2 (rank 6): 2 of 3
    assert recall_at(ranked, gold, 20) == 1.0     # g3 is at rank 11
    assert recall_at(ranked, [], 5) == 0.0        # a question without gold counts as a miss


def test_a_gold_id_listed_twice_counts_once():
    """A query line that lists the same article twice ("gold": ["a", "a", "c"]) has two gold
    articles, not three: finding "a" alone is half of them."""
    assert recall_at(["a", "x"], ["a", "a", "c"], 1) == 0.5   # {a, c}: a found → 1/2 (not 2/3, not 1/3)
    assert recall_at(["c", "x"], ["a", "a", "c"], 1) == 0.5   # c found → 1/2 (not 1/3)
    assert recall_at(["a", "c"], ["a", "a", "c"], 2) == 1.0
    # nDCG: ideal over the 2 distinct gold = 1 + 1/log2(3); found a at rank 1 → 1 / (1 + 1/log2 3)
    assert ndcg_at(["a", "x"], ["a", "a", "c"]) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert ndcg_at(["a", "c"], ["a", "a", "c"]) == pytest.approx(1.0)


def test_duplicate_gold_in_a_query_file_reaches_the_figures_once(tmp_path):
    path = write_jsonl(tmp_path / "q.jsonl", [{"id": "d", "query": "q", "gold": ["a", "a", "c"]}])
    figures = evaluate(load_queries(path), lambda q, k: ["a", "x"][:k])
    assert figures["recall@1"] == 0.5 and figures["recall@100"] == 0.5  # 1 of the 2 distinct gold
    assert figures["mrr@10"] == 1.0


def test_mrr_is_the_reciprocal_rank_of_the_first_gold_within_ten():
    ranked = ["x1", "x2", "x3", "g2", "g1"] + [f"y{i}" for i in range(20)]
    assert mrr_at(ranked, ["g1", "g2"]) == 0.25               # first gold (g2) at rank 4 → 1/4
    tenth = [f"x{i}" for i in range(9)] + ["g"]
    assert mrr_at(tenth, ["g"]) == 0.1                         # rank 10 still counts: 1/10
    assert mrr_at(tenth[:9] + ["x9", "g"], ["g"]) == 0.0       # rank 11 → 0
    assert mrr_at([], ["g"]) == 0.0


def test_ndcg_at_ten_is_one_when_the_top_ten_are_all_gold_even_with_more_gold():
    """With 12 gold articles only 10 fit in the top 10: filling them all with gold is the ideal
    ranking (nDCG@10 = 1), so the ideal DCG is summed over min(12, 10) = 10 ranks."""
    gold = [f"g{i}" for i in range(12)]
    assert ndcg_at(gold, gold, 10) == pytest.approx(1.0)
    # 10 gold at ranks 2..11, i.e. ranks 2..10 in the top 10: sum_{r=2..10} 1/log2(r+1) / sum_{r=1..10}
    ideal = sum(1 / math.log2(r + 1) for r in range(1, 11))
    expected = (ideal - 1.0) / ideal                          # rank 1 (worth 1/log2 2 = 1) is missed
    assert ndcg_at(["x"] + gold, gold, 10) == pytest.approx(expected)


def test_percentile_is_nearest_rank():
    """Nearest rank: the p-th percentile of n values is the ceil(p/100·n)-th smallest."""
    values = [float(v) for v in range(100, 0, -1)]              # 1..100 ms, unsorted
    assert percentile(values, 95) == 95.0                       # ceil(0.95·100) = 95th smallest
    assert percentile(values, 50) == 50.0                       # ceil(0.50·100) = 50th
    assert percentile(values, 100) == 100.0
    assert percentile([float(v) for v in range(1, 21)], 95) == 19.0  # ceil(0.95·20) = 19th of 1..20
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 95) == 0.0


class _Clock:
    """Stands in for the `time` module: the i-th query (1-based) takes latencies[i-1] ms."""

    def __init__(self, latencies_ms):
        self._ticks = []
        for i, ms in enumerate(latencies_ms):
            self._ticks += [float(i), i + ms / 1000]
        self._ticks.reverse()

    def perf_counter(self):
        return self._ticks.pop()


def test_evaluate_reports_median_and_nearest_rank_p95_latency(monkeypatch):
    import portal.search.evaluation as evaluation

    latencies = [float(v) for v in [*range(51, 101), *range(1, 51)]]  # 1..100 ms, out of order
    monkeypatch.setattr(evaluation, "time", _Clock(latencies))
    queries = [EvalQuery(str(i), f"q{i}", ("a",)) for i in range(100)]
    figures = evaluate(queries, lambda q, k: ["a"])
    assert figures["queries"] == 100
    assert figures["latency_p50_ms"] == 50.5                    # median of 1..100 = (50 + 51) / 2
    assert figures["latency_p95_ms"] == 95.0                    # 95th smallest of 1..100


def test_per_query_recall_is_at_five():
    """`eval -v` and the per-law table report each question's recall@5: a gold article at rank 6
    counts 0 there (it would count at 10)."""
    from portal.search.cli import per_law

    queries = [EvalQuery("six", "q6", ("甲法:第一条",)), EvalQuery("three", "q3", ("甲法:第二条", "乙法:第一条"))]
    answers = {"q6": ["x1", "x2", "x3", "x4", "x5", "甲法:第一条"],
               "q3": ["x1", "x2", "甲法:第二条", "x4", "x5", "乙法:第一条"]}
    figures = evaluate(queries, lambda q, k: answers[q][:k])
    rows = {row["id"]: row for row in figures["per_query"]}
    assert rows["six"] == {"id": "six", "mrr@10": pytest.approx(1 / 6), "recall@5": 0.0}
    assert rows["three"] == {"id": "three", "mrr@10": pytest.approx(1 / 3), "recall@5": 0.5}  # 1 of 2 in top 5
    laws = per_law(queries, figures["per_query"])
    # 甲法: both questions → recall@5 (0 + 0.5) / 2 = 0.25, MRR (1/6 + 1/3) / 2 = 0.25; 乙法: "three" only
    assert laws["甲法"] == {"queries": 2, "recall@5": 0.25, "mrr@10": 0.25}
    assert laws["乙法"] == {"queries": 1, "recall@5": 0.5, "mrr@10": 0.3333}


TOY = [
    {"id": "toy:1", "title": "养犬管理", "text": "饲养犬只应当拴绳，犬只伤人的由饲养人承担责任。"},
    {"id": "toy:2", "title": "劳动报酬", "text": "用人单位应当按时足额支付劳动者的劳动报酬，不得拖欠。"},
    {"id": "toy:3", "title": "遗产继承", "text": "遗产按照法定顺序继承，配偶、子女、父母为第一顺序继承人。"},
    {"id": "toy:4", "title": "信访期限", "text": "信访事项应当自受理之日起六十日内办结。"},
    {"id": "toy:5", "title": "噪声污染", "text": "夜间施工产生噪声，应当依法取得许可。"},
]
TOY_QUERIES = [
    {"id": "a", "query": "犬只伤人谁承担责任", "gold": ["toy:1"]},
    {"id": "b", "query": "用人单位拖欠劳动报酬", "gold": ["toy:2"]},
    {"id": "c", "query": "遗产第一顺序继承人", "gold": ["toy:3"]},
    {"id": "d", "query": "信访事项多少日内办结", "gold": ["toy:4"]},
]


def test_cli_on_toy_corpus_finds_every_answer_first(tmp_path, monkeypatch, capsys):
    from portal.search.cli import main
    from portal.settings import get_settings

    monkeypatch.setenv("PORTAL_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    try:
        corpus = write_jsonl(tmp_path / "corpus.jsonl", TOY)
        queries = write_jsonl(tmp_path / "queries.jsonl", TOY_QUERIES)
        args = ["eval", "--queries", str(queries), "--corpus", str(corpus), "--k", "5", "--json", "--model", "fake"]
        assert main(args) == 0
        first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        for key in ("recall@1", "recall@5", "recall@10", "recall@20", "recall@100", "mrr@10", "ndcg@10",
                    "latency_p50_ms", "latency_p95_ms", "index_build_s", "peak_rss_mb", "queries", "documents"):
            assert key in first
        assert "per_query" not in first and first["queries"] == 4 and first["documents"] == 5
        assert first["per_law"] == {"toy": {"queries": 4, "recall@5": 1.0, "mrr@10": 1.0}}
        assert first["recall@1"] == 1.0 and first["mrr@10"] == 1.0 and first["ndcg@10"] == 1.0
        assert first["index_cached"] is False
        assert any(p.name.startswith("corpus-") for p in (tmp_path / "index").iterdir())
        assert main(args) == 0  # the second run serves the cached index
        second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert second["index_cached"] is True and second["index_build_s"] == 0.0
        assert main(args[:-3] + ["--model", "fake"]) == 0  # the plain-text report
        out = capsys.readouterr().out
        assert "recall@5" in out and "MRR@10" in out and "p95" in out and "peak RSS" in out
    finally:
        get_settings.cache_clear()


def test_an_eval_corpus_of_library_articles_is_indexed_as_the_library(tmp_path):
    """`eval --corpus`: a line that is a library article (same id, same text but for white space)
    is indexed as the library indexes it, and a file of exactly the library's articles, in any
    order, is the library corpus (its committed index and adapter serve)."""
    import json

    from portal.search.documents import Corpus, SearchDocument, corpus_from_jsonl, hash_documents

    docs = (SearchDocument("a:第一条", "甲法", "第一章 第一条", "第一条　为了规范信访工作。", law_slug="a"),
            SearchDocument("a:第二条", "甲法", "第一章 第二条", "第二条　本条例适用于各级机关。", law_slug="a",
                           repealed=True))
    library = Corpus("library", docs, hash_documents(docs))

    def corpus(*rows):
        path = tmp_path / "c.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return corpus_from_jsonl(path, library)

    whole = corpus({"id": "a:第二条", "title": "甲", "text": "第二条 本条例适用于\n各级机关。"},
                   {"id": "a:第一条", "title": "甲", "text": "第一条　为了规范信访工作。"})
    assert whole is library
    part = corpus({"id": "a:第二条", "title": "甲", "text": "第二条　本条例适用于各级机关。"},
                  {"id": "b:第一条", "title": "乙法", "text": "别的法律"})
    assert part.name == "corpus" and part.documents[0] == docs[1]  # heading, repealed as in the library
    assert part.documents[1].heading == "" and part.documents[1].law_slug == "b"
    changed = corpus({"id": "a:第一条", "title": "甲", "text": "第一条　改过的文字。"})
    assert changed.documents[0].text == "第一条　改过的文字。" and changed.documents[0].heading == ""


def test_an_eval_corpus_line_may_name_its_text_content_and_drop_the_article_label(tmp_path):
    """Corpora from elsewhere often say "content"/"name" and leave the 第X条 label out of the text:
    such a line is still read, and a library article written so is still the library's; a line
    with no text at all is refused with its line number rather than indexed empty."""
    import json

    from portal.search.documents import Corpus, SearchDocument, corpus_from_jsonl, hash_documents

    docs = (SearchDocument("a:第十二条", "甲法", "第一章 第十二条", "第十二条　为了规范信访工作。", law_slug="a"),)
    library = Corpus("library", docs, hash_documents(docs))

    def corpus(*rows):
        path = tmp_path / "c.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return corpus_from_jsonl(path, library)

    assert corpus({"id": "a:第十二条", "name": "甲法第十二条", "content": "为了规范信访工作。"}) is library
    other = corpus({"id": "b:第一条", "name": "乙法", "contents": "别的法律"})
    assert other.documents[0].text == "别的法律" and other.documents[0].title == "乙法"
    assert corpus({"id": "a:第十二条", "content": "第十二条 为了 规范 信访工作。"}) is library
    with pytest.raises(ValueError, match=r"c\.jsonl:2: .*b:第二条.*no article text"):
        corpus({"id": "b:第一条", "text": "别的法律"}, {"id": "b:第二条", "body": "x"})


def test_percentile_takes_the_next_rank_up_between_two_ranks():
    """Nearest rank rounds p/100·n *up*: p95 of 10 latencies is the 10th (0.95·10 = 9.5 → 10),
    of 30 the 29th (28.5 → 29), and the median by nearest rank of 9 values the 5th (4.5 → 5).
    Truncating or rounding half to even would give the 9th, 28th and 4th."""
    assert percentile([float(v) for v in range(10, 0, -1)], 95) == 10.0
    assert percentile([float(v) for v in range(1, 31)], 95) == 29.0
    assert percentile([float(v) for v in range(1, 10)], 50) == 5.0


def test_evaluate_asks_the_retriever_for_k_results_and_scores_recall_at_100_on_them():
    """`--k 100`: every question asks for 100 results, so a gold article at rank 50 counts for
    recall@100 (not for recall@20)."""
    asked = []
    ranked = [f"x{i}" for i in range(1, 50)] + ["g"] + [f"y{i}" for i in range(50)]   # g at rank 50

    def retrieve(query, k):
        asked.append(k)
        return ranked[:k]

    figures = evaluate([EvalQuery("1", "q", ("g",))], retrieve, k=100)
    assert asked == [100]
    assert figures["recall@20"] == 0.0 and figures["recall@100"] == 1.0
    assert figures["mrr@10"] == 0.0


def test_per_law_counts_a_question_once_per_law_however_many_of_its_articles_it_cites():
    """A question citing 甲法 第一条 and 第二条 is one question for 甲法, with its own recall@5."""
    from portal.search.cli import per_law

    queries = [EvalQuery("two", "q", ("甲法:第一条", "甲法:第二条")), EvalQuery("one", "q1", ("甲法:第三条",))]
    per_query = [{"id": "two", "mrr@10": 1.0, "recall@5": 0.5}, {"id": "one", "mrr@10": 0.0, "recall@5": 0.0}]
    # 甲法: 2 questions; recall@5 (0.5 + 0) / 2 = 0.25, MRR (1 + 0) / 2 = 0.5
    assert per_law(queries, per_query) == {"甲法": {"queries": 2, "recall@5": 0.25, "mrr@10": 0.5}}


class _StubCorpus:
    def __init__(self, documents):
        self.documents = documents

    def __len__(self):
        return len(self.documents)


class _StubEngine:
    """Stands in for SearchEngine in `eval`: 60 numbered articles, the same ranking for every
    question (a1 … a60), recording what the command asks of it."""

    def __init__(self):
        from types import SimpleNamespace

        self.ids = [f"s:a{i}" for i in range(1, 61)]
        self.corpus = _StubCorpus([SimpleNamespace(id=i) for i in self.ids])
        self.artefacts = SimpleNamespace(built=False, build_seconds=0.0)
        self.embedder = SimpleNamespace(model_id="stub")
        self.searched, self.ranked = [], []

    def search(self, query, *, k=10):
        from types import SimpleNamespace

        self.searched.append(k)
        return SimpleNamespace(hits=[SimpleNamespace(provision_id=i) for i in self.ids[:k]])

    def rank(self, query, *, k=10, components=None):
        from types import SimpleNamespace

        self.ranked.append((k, components))
        return SimpleNamespace(rows=[(row, 1.0) for row in range(min(k, len(self.ids)))])


def _eval_with_stub(tmp_path, monkeypatch, capsys, *extra):
    import portal.search.cli as cli

    engine = _StubEngine()
    monkeypatch.setattr(cli, "_engine", lambda corpus, model, **kw: engine)
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "late", "query": "问题", "gold": ["s:a30"]}])
    assert cli.main(["eval", "--queries", str(queries), "--json", *extra]) == 0
    return engine, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_eval_asks_for_100_results_by_default_and_reports_the_fused_ranking(tmp_path, monkeypatch, capsys):
    """The outside scorers' contract (README): `--k` defaults to 100 and the figures are those of
    the fused search; a gold article at rank 30 counts for recall@100 only."""
    engine, figures = _eval_with_stub(tmp_path, monkeypatch, capsys)
    assert set(engine.searched[1:]) == {100} and not engine.ranked   # [0] is the warm-up question
    assert figures["mode"] == "fused"
    assert figures["recall@20"] == 0.0 and figures["recall@100"] == 1.0


def test_eval_k_and_mode_reach_the_engine(tmp_path, monkeypatch, capsys):
    engine, figures = _eval_with_stub(tmp_path, monkeypatch, capsys, "--k", "100", "--mode", "lexical")
    assert engine.ranked == [(100, ("lexical",))] and figures["recall@100"] == 1.0
    engine, figures = _eval_with_stub(tmp_path, monkeypatch, capsys, "--k", "20", "--mode", "dense")
    assert engine.ranked == [(20, ("dense",))] and figures["recall@20"] == 0.0


def _two_article_library():
    from portal.search.documents import Corpus, SearchDocument, hash_documents

    docs = (SearchDocument("a:第一条", "甲法", "第一章 第一条", "第一条　为了规范信访工作。", law_slug="a"),
            SearchDocument("a:第二条", "甲法", "第一章 第二条", "第二条　本条例适用于各级机关。", law_slug="a"))
    return Corpus("library", docs, hash_documents(docs))


def test_an_eval_corpus_of_some_library_articles_is_only_those_articles(tmp_path):
    """README: only a file holding *exactly* the library's articles is the library. A file with
    one of its two articles is a corpus of one document (the scorer's `documents` figure is 1),
    not the whole library."""
    from portal.search.documents import corpus_from_jsonl

    library = _two_article_library()
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "a:第一条", "title": "甲", "text": "第一条　为了规范信访工作。"}])
    part = corpus_from_jsonl(path, library)
    assert part is not library and part.name == "corpus"
    assert [d.id for d in part.documents] == ["a:第一条"] and len(part) == 1


def test_an_eval_corpus_with_an_id_twice_is_refused_with_its_line(tmp_path):
    from portal.search.documents import corpus_from_jsonl

    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "b:第一条", "text": "一"}, {"id": "b:第二条", "text": "二"},
                                              {"id": "b:第一条", "text": "三"}])
    with pytest.raises(ValueError, match=r"c\.jsonl:3: duplicate id b:第一条"):
        corpus_from_jsonl(path, _two_article_library())


@pytest.mark.parametrize("missing", ["id", "query", "gold"])
def test_a_query_line_without_id_query_or_gold_is_refused_with_its_line_number(tmp_path, missing):
    line = {"id": "q2", "query": "问题", "gold": ["a:第一条"]}
    del line[missing]
    path = write_jsonl(tmp_path / "q.jsonl", [{"id": "q1", "query": "问", "gold": []}, line])
    with pytest.raises(ValueError, match=r"q\.jsonl:2: not a query line"):
        load_queries(path)
