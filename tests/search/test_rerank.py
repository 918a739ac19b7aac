"""The learned reranker: its features mean what their names say, fitting learns which evidence
points at the right article, and the engine uses it only for the model it was fitted with."""

from dataclasses import replace

import numpy as np
import pytest

from portal.search.bank import BankEntry, QuestionBank
from portal.search.documents import Corpus, SearchDocument
from portal.search.rerank import FEATURES, CorpusFacts, Evidence, Reranker, candidates, features, fit

DOCS = (
    SearchDocument("a:第一条", "甲法", "第一章 总则 第一条", "短", law_slug="a"),
    SearchDocument("a:第二条", "甲法", "第一章 总则 第二条", "长一些的条文内容", law_slug="a"),
    SearchDocument("a:第三条", "甲法", "第二章 分则 第三条", "条文", law_slug="a"),
    SearchDocument("b:第一条", "乙法", "第一条", "条文", law_slug="b", repealed=True),
)
FACTS = CorpusFacts.of(Corpus("t", DOCS, "h"))


def column(matrix, name):
    return matrix[:, FEATURES.index(name)]


def evidence(**over):
    base = dict(lexical=np.array([0.0, 4.0, 2.0, 0.0]), plain_lexical=np.array([0.0, 4.0, 0.0, 0.0]),
                cosine=np.array([0.9, 0.5, 0.7, 0.2]), plain_cosine=np.array([0.8, 0.6, 0.7, 0.1]),
                prior=np.log1p(np.array([0.0, 3.0, 0.0, 0.0])), votes={2: 0.75, 3: 0.25},
                named=np.array([False, False, False, True]), pairs=FACTS.question_pairs("条文内容"),
                terms=["条文", "内容"])
    return Evidence(**{**base, **over})


def test_candidates_are_the_union_of_the_lexical_and_dense_top_lists():
    ev = evidence()
    assert candidates(ev, 1).tolist() == [0, 1]  # best cosine (row 0) and best BM25 (row 1)
    assert candidates(ev, 10).tolist() == [0, 1, 2, 3]  # a row no keyword matches still comes by cosine


def test_a_keyword_list_brings_only_articles_a_keyword_matches():
    """Ten articles, keywords match rows 7 and 8 only, the dense top 3 is rows 9, 8, 7: with depth
    3 the candidates are those three; no article with BM25 score 0 fills the keyword lists."""
    zeros = np.zeros(10)
    lexical = zeros.copy()
    lexical[[7, 8]] = [3.0, 1.0]
    cosine = np.linspace(0.0, 0.9, 10)  # row 9 best, row 0 worst
    ev = Evidence(lexical=lexical, plain_lexical=lexical.copy(), cosine=cosine, plain_cosine=cosine, prior=zeros,
                  votes={}, named=zeros.astype(bool), pairs=(np.zeros(0, dtype=np.int64), 0.0), terms=[])
    assert candidates(ev, 3).tolist() == [7, 8, 9]


def test_features_describe_each_candidate():
    ev = evidence()
    rows = np.array([0, 1, 2, 3])
    x = features(ev, FACTS, rows, depth=10)
    assert x.shape == (4, len(FEATURES))
    assert column(x, "cosine_gap").tolist() == pytest.approx([0.0, -0.4, -0.2, -0.7])
    assert column(x, "plain_cosine_gap")[0] == 0.0
    # first place in the lexical list scores 1/(10+1); no keyword match scores 0
    assert column(x, "lexical_rank").tolist() == pytest.approx([0.0, 1 / 11, 1 / 12, 0.0])
    assert column(x, "plain_lexical_rank").tolist() == pytest.approx([0.0, 1 / 11, 0.0, 0.0])
    # law 甲's best BM25 is the question's best; law 乙 has none
    assert column(x, "law_lexical").tolist() == pytest.approx([1.0, 1.0, 1.0, 0.0])
    # chapter 1 holds the best cosine, chapter 2's best is 0.7
    assert column(x, "chapter_cosine_gap").tolist() == pytest.approx([0.0, 0.0, -0.2, -0.7])
    assert column(x, "bank_vote").tolist() == pytest.approx([0.0, 0.0, 0.75, 0.25])
    assert column(x, "article_prior")[1] == pytest.approx(np.log(4.0))
    assert column(x, "repealed").tolist() == [0.0, 0.0, 0.0, 1.0]
    assert column(x, "named_law").tolist() == [0.0, 0.0, 0.0, 1.0]
    assert column(x, "log_length")[1] > column(x, "log_length")[0]
    # 条文内容 → 条文 (in three of the four articles), 文内 and 内容 (only in the second)
    total = np.log(4 / 3) + 2 * np.log(4)
    assert column(x, "bigram_overlap").tolist() == pytest.approx([0.0, 1.0, np.log(4 / 3) / total,
                                                                  np.log(4 / 3) / total])


def test_a_character_pair_no_article_has_counts_as_the_rarest():
    known, total = FACTS.question_pairs("条文外星")  # 条文 is known; 文外 and 外星 are not
    assert len(known) == 1 and total == pytest.approx(np.log(4 / 3) + 2 * np.log(4))
    assert FACTS.question_pairs("abc") == (pytest.approx(np.zeros(0)), 0.0)


def test_bank_vote_shares_split_each_neighbour_over_its_articles():
    entries = [BankEntry("q1", "工资", ("a:第一条", "a:第二条")), BankEntry("q2", "离婚", ("b:第一条",))]
    bank = QuestionBank(entries, np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    row_of = {d.id: i for i, d in enumerate(DOCS)}
    shares = bank.vote_shares(np.array([1.0, 0.0]), neighbours=2, sharpness=1.0, row_of=row_of)
    assert shares == {0: 0.5, 1: 0.5}  # the orthogonal question has weight 0
    shares = bank.vote_shares(np.array([0.6, 0.8]), neighbours=2, sharpness=1.0, row_of=row_of)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares[3] == pytest.approx(0.8 / 1.4)


def test_ranked_gives_probabilities_best_first():
    r = Reranker(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES),
                 tuple(1.0 if f == "bank_vote" else 0.0 for f in FEATURES), "m")
    rows = np.array([5, 7, 9])
    x = np.zeros((3, len(FEATURES)), dtype=np.float32)
    x[:, FEATURES.index("bank_vote")] = [0.0, 2.0, 0.0]
    out = r.ranked(rows, x)
    assert [row for row, _ in out] == [7, 5, 9]  # ties broken by row
    assert sum(p for _, p in out) == pytest.approx(1.0)
    assert r.ranked(np.array([], dtype=np.int64), x[:0]) == []


def test_fitting_learns_which_evidence_points_at_the_gold_article():
    rng = np.random.default_rng(0)
    matrices, labels = [], []
    for _ in range(120):
        x = rng.normal(size=(20, len(FEATURES))).astype(np.float32)
        y = np.zeros(20, dtype=np.float32)
        y[np.argmax(x[:, FEATURES.index("bank_vote")] + 0.3 * rng.normal(size=20))] = 1
        matrices.append(x)
        labels.append(y)
    model = fit(matrices[:80], labels[:80], [1.0] * 80, model_id="m")
    weights = dict(zip(FEATURES, model.weights, strict=True))
    assert max(weights, key=lambda f: abs(weights[f])) == "bank_vote" and weights["bank_vote"] > 0
    first = [int(np.argmax(model.scores(x))) == int(np.argmax(y)) for x, y in zip(matrices[80:], labels[80:], strict=True)]
    assert np.mean(first) > 0.6  # chance is 0.05
    assert Reranker.from_document(model.to_document()) == replace(
        model, weights=tuple(round(w, 5) for w in model.weights), mean=tuple(round(m, 5) for m in model.mean),
        scale=tuple(round(s, 5) for s in model.scale))


def test_a_reranker_for_other_features_is_refused_and_none_means_none():
    assert Reranker.from_document(None) is None
    with pytest.raises(ValueError, match="rerun tune"):
        Reranker.from_document({"features": ["cosine_gap"], "mean": [0], "scale": [1], "weights": [1],
                                "model_id": "m"})


def test_the_shipped_reranker_fits_the_engine_and_a_stale_one_falls_back_to_fusion(tmp_path, caplog):
    from portal.search.engine import load_reranker
    from tests.search.test_committed_index import shipped_model_id

    shipped = load_reranker()
    assert shipped is not None and shipped.features == FEATURES and shipped.model_id == shipped_model_id("tuned")
    stale = tmp_path / "engine.yaml"
    stale.write_text("reranker:\n  model_id: m\n  features: [cosine_gap]\n  weights: [1]\n  mean: [0]\n"
                     "  scale: [1]\n", encoding="utf-8")
    assert load_reranker(stale) is None
    assert "rerun tune" in caplog.text


def _only(feature: str, model_id: str) -> Reranker:
    return Reranker(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES),
                    tuple(1.0 if f == feature else 0.0 for f in FEATURES), model_id)


def test_the_engine_reranks_only_for_the_model_the_reranker_was_fitted_with(fake_engine):
    question = "宪法规定公民有哪些基本权利"
    saved = fake_engine.reranker
    try:
        # a reranker that trusts only the article length puts the longest candidate first
        fake_engine.reranker = _only("log_length", fake_engine.embedder.model_id)
        rows = fake_engine.rank(question, k=5).rows
        docs = fake_engine.corpus.documents
        lengths = [len(docs[r].text) for r, _ in rows]
        assert lengths == sorted(lengths, reverse=True)
        assert sum(p for _, p in rows) <= 1.0 + 1e-6
        # fitted with another model: reciprocal-rank fusion, as with no reranker
        fake_engine.reranker = _only("log_length", "another-model")
        fused = fake_engine.rank(question, k=5).rows
        fake_engine.reranker = None
        assert fused == fake_engine.rank(question, k=5).rows
        # warming builds the pair index and document vectors before the first question, and only
        # when the reranker serves
        fake_engine._facts = fake_engine._document_vectors = None
        fake_engine.warm()
        assert fake_engine._facts is None and fake_engine._document_vectors is None
        fake_engine.reranker = _only("log_length", fake_engine.embedder.model_id)
        fake_engine.warm()
        assert fake_engine._facts is not None and fake_engine._document_vectors is not None
        assert [r for r, _ in fused] != [r for r, _ in rows]
    finally:
        fake_engine.reranker = saved
