"""Evaluation metrics, on hand-computed cases and through the CLI on a toy corpus."""

import json
import math

import pytest

from portal.search.evaluation import EvalQuery, evaluate, mrr_at, ndcg_at, recall_at
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
                    "latency_p50_ms", "latency_p95_ms", "index_build_s", "peak_rss_mb"):
            assert key in first
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
