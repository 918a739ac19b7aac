"""The tuning command's pieces that decide what a citizen sees: the figures it optimises and the
calibrated "no answer" thresholds."""

import numpy as np

from portal.search.engine import confident_rule
from portal.search.tuning import (
    GATE_L2_GRID,
    MAX_FALSE_NO_ANSWER,
    SECOND_ENCODER_MARGIN,
    WITH_SECOND,
    WITHOUT_SECOND,
    ScoreSet,
    _figures,
    calibrate_confidence,
    cv_questions,
    figures_by_set,
    pick_reranker,
    used_dev_names,
)


def test_figures_are_recall_at_5_and_mrr_at_10():
    scores = np.array([[0.9, 0.8, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                       [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]])
    gold = [[1, 2], [0]]  # second and third best; the worst of 12 (outside the top 10)
    recall5, mrr = _figures(scores, gold)
    assert recall5 == (1.0 + 0.0) / 2
    assert mrr == (1 / 2 + 0.0) / 2


def test_tune_reports_each_colloquial_set_apart_from_the_seed():
    scores = np.tile(np.arange(12, 0, -1, dtype=float), (4, 1))  # every question: article 0 first, then 1, 2 …
    gold = [[0], [1], [11], [0, 11]]
    report = figures_by_set(scores, gold, [None, "heldout8", "heldout9", "heldout8"])
    assert list(report) == ["heldout8", "heldout9"]  # the seed question (None) is in neither
    assert report["heldout8"] == {"questions": 2, "recall@5": (1.0 + 0.5) / 2, "mrr@10": (1 / 2 + 1.0) / 2}
    assert report["heldout9"] == {"questions": 1, "recall@5": 0.0, "mrr@10": 0.0}


def test_each_dev_questions_file_name_stays_beside_it_when_some_are_left_out():
    from types import SimpleNamespace

    from portal.search.evaluation import EvalQuery

    documents = [SimpleNamespace(id=f"law:第{i}条") for i in range(3)]
    dev = [EvalQuery(id="a", query="一", gold=("law:第0条",)),
           EvalQuery(id="b", query="二", gold=("other:第9条",)),  # an article the corpus lacks: left out
           EvalQuery(id="c", query="三", gold=()),  # no gold: left out
           EvalQuery(id="d", query="四", gold=("law:第2条",))]
    _, used, texts, gold = cv_questions(documents, [], dev)
    names = used_dev_names(dev, ["dev8a", "dev8a", "dev9a", "dev9b"], {d.id: i for i, d in enumerate(documents)})
    assert [q.id for q in used] == ["a", "d"] and texts == ["一", "四"] and gold == [[0], [2]]
    assert names == ["dev8a", "dev9b"]


def test_off_topic_questions_are_refused_while_in_scope_ones_are_answered():
    rng = np.random.default_rng(0)
    in_dense, in_lexical = rng.uniform(0.80, 0.95, 400), rng.uniform(5.0, 30.0, 400)
    off_dense, off_lexical = rng.uniform(0.70, 0.82, 30), rng.uniform(0.0, 6.0, 30)
    result = calibrate_confidence(ScoreSet(in_dense, in_lexical), ScoreSet(off_dense, off_lexical))
    answered_in = confident_rule(in_dense, in_lexical, **result["thresholds"]).mean()
    answered_off = confident_rule(off_dense, off_lexical, **result["thresholds"]).mean()
    assert 1 - answered_in <= MAX_FALSE_NO_ANSWER
    assert result["true no-answer (off-topic)"] == 1 - answered_off > 0.5
    assert "gate" not in result  # no gate probabilities: the rule alone


def _gated(p_in, p_off, p_every):
    return {l2: p for l2, p in zip(GATE_L2_GRID, [p_in] * len(GATE_L2_GRID), strict=True)}, \
        {l2: p_off for l2 in GATE_L2_GRID}, {l2: p_every for l2 in GATE_L2_GRID}


def test_the_topic_gate_refuses_what_the_scores_cannot_tell_apart():
    """Off-topic questions scoring like in-scope ones (a middling cosine, some BM25): the rule
    alone refuses few of them; a gate that tells them apart lets the thresholds relax and still
    refuses them all, without refusing more in-scope questions."""
    rng = np.random.default_rng(1)
    in_dense, in_lexical = rng.uniform(0.75, 0.95, 400), rng.uniform(0.0, 30.0, 400)
    off_dense, off_lexical = rng.uniform(0.75, 0.85, 40), rng.uniform(0.0, 10.0, 40)
    every_dense, every_lexical = rng.uniform(0.80, 0.90, 40), rng.uniform(0.0, 10.0, 40)
    p_in, p_off, p_every = _gated(rng.uniform(0.6, 1.0, 400), rng.uniform(0.0, 0.3, 40), rng.uniform(0.62, 1.0, 40))
    in_scope = ScoreSet(in_dense, in_lexical, p_in)
    off, every = ScoreSet(off_dense, off_lexical, p_off), ScoreSet(every_dense, every_lexical, p_every)
    gated = calibrate_confidence(in_scope, off, every)
    ungated = calibrate_confidence(in_scope, off, every, gate=False)
    assert ungated["true no-answer (off-topic)"] < 0.5
    assert gated["true no-answer (off-topic)"] == 1.0
    assert gated["false no-answer (in-scope)"] <= MAX_FALSE_NO_ANSWER
    assert gated["false no-answer (everyday legal)"] <= MAX_FALSE_NO_ANSWER
    assert gated["gate"]["l2"] in GATE_L2_GRID and 0.3 < gated["gate"]["threshold"] < 0.62


def test_everyday_legal_questions_are_held_to_the_same_no_answer_limit():
    """A gate that would refuse the short everyday legal questions (they look like small talk to
    it) is not used, even though it would refuse every off-topic question."""
    rng = np.random.default_rng(2)
    in_dense, in_lexical = rng.uniform(0.75, 0.95, 400), rng.uniform(0.0, 30.0, 400)
    off_dense, off_lexical = rng.uniform(0.75, 0.85, 40), rng.uniform(0.0, 10.0, 40)
    p_in, p_off, p_every = _gated(rng.uniform(0.6, 1.0, 400), rng.uniform(0.0, 0.3, 40), rng.uniform(0.0, 0.3, 40))
    result = calibrate_confidence(ScoreSet(in_dense, in_lexical, p_in), ScoreSet(off_dense, off_lexical, p_off),
                                  ScoreSet(rng.uniform(0.8, 0.95, 40), rng.uniform(5.0, 30.0, 40), p_every))
    assert result["false no-answer (everyday legal)"] <= MAX_FALSE_NO_ANSWER
    assert "gate" not in result and result["true no-answer (off-topic)"] < 1.0


def test_the_second_encoder_ships_only_when_it_adds_more_than_noise():
    # last session's figures: +0.0022 with USE, inside the fit noise — not worth 150 MB of memory
    assert pick_reranker({WITH_SECOND: 0.6151, WITHOUT_SECOND: 0.6129}) == WITHOUT_SECOND
    assert pick_reranker({WITH_SECOND: 0.6151 + SECOND_ENCODER_MARGIN + 0.001, WITHOUT_SECOND: 0.6151}) == WITH_SECOND
    assert pick_reranker({WITH_SECOND: 0.60, WITHOUT_SECOND: 0.61}) == WITHOUT_SECOND
    assert pick_reranker({WITHOUT_SECOND: 0.61}) == WITHOUT_SECOND  # the second encoder unavailable
