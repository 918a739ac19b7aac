"""When the page says its answer is uncertain: the threshold `tune` chooses on the reranker's top-1
probability, and the engine flag the page reads."""

import copy
from dataclasses import replace

import numpy as np
import pytest

from portal.search.rerank import FEATURES, Reranker
from portal.search.uncertainty import (
    choose_uncertain_below,
    hit5_below,
    reliability_table,
    top1_and_hits,
)

NO = -1e9  # not a candidate


def test_top1_probability_and_hits_follow_the_reranker_softmax():
    scores = np.array([[np.log(3.0), 0.0, NO, NO, NO, NO, NO],  # p = 3/4 for row 0
                       [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # seven tied candidates: row 0 first
                       [NO] * 7])  # no candidates at all
    top1, hit1, hit5 = top1_and_hits(scores, [[0], [6], [0]])
    assert top1 == pytest.approx([0.75, 1 / 7, 0.0])
    assert hit1.tolist() == [True, False, False]
    assert hit5.tolist() == [True, False, False]  # row 6 is sixth among ties broken by row


def _questions(*groups: tuple[float, int, int]):
    """(top-1 probability, questions, of which a gold article in the top 5) → arrays."""
    top1 = np.concatenate([[p] * n for p, n, _ in groups])
    hit5 = np.concatenate([[True] * h + [False] * (n - h) for _, n, h in groups])
    return top1, hit5


def test_the_threshold_is_the_largest_below_which_most_top_5_lists_miss():
    top1, hit5 = _questions((0.04, 100, 20), (0.12, 100, 60), (0.22, 100, 95), (0.8, 100, 95))
    sets = ["seed"] * 400
    # below 0.05 … 0.1: 20 %; below 0.15 and 0.2: 80 of 200 (the 0.12 questions alone are right
    # more often than not, the questions below 0.2 together are not); below 0.25: 175 of 300
    assert hit5_below(top1, hit5, sets, 0.2) == (200, pytest.approx(0.4))
    assert hit5_below(top1, hit5, sets, 0.25) == (300, pytest.approx(175 / 300))
    assert choose_uncertain_below(top1, hit5, sets) == 0.2



def test_half_right_below_a_threshold_is_not_mostly_wrong():
    """Uncertain means *fewer than half* have a right article in the top 5: below every grid value
    exactly half of them do (64 of 128 at 0.04; 256 questions, so each weighs exactly 1/256), so no
    threshold is chosen."""
    top1, hit5 = _questions((0.04, 128, 64), (0.8, 128, 120))
    assert hit5_below(top1, hit5, ["seed"] * 256, 0.3) == (128, 0.5)
    assert choose_uncertain_below(top1, hit5, ["seed"] * 256) == 0.0

def test_the_sets_weigh_the_same_however_many_questions_each_has():
    # below 0.3: 90 of the 900 seed questions, all missing, and 20 of the 100 dev questions, all
    # hitting. Per question 20 of 110 hit (uncertain); with the sets weighing the same it is 2/3
    top1 = np.array([0.05] * 110 + [0.9] * 890)
    hit5 = np.array([False] * 90 + [True] * 910)
    sets = ["seed"] * 90 + ["dev"] * 20 + ["seed"] * 810 + ["dev"] * 80
    assert hit5_below(top1, hit5, sets, 0.3) == (110, pytest.approx(2 / 3))
    assert choose_uncertain_below(top1, hit5, sets) == 0.0
    assert choose_uncertain_below(top1, hit5, ["seed"] * 1000) == 0.3


def test_the_threshold_stops_where_the_answers_below_it_are_mostly_right():
    # below 0.1: 2 of 10 hit; below 0.15: 22 of 40 (mostly right: stop); below 0.2 a run of misses
    # would bring the share back under a half (20 of 80 + 22 …), but the range 0.1–0.15 in between
    # is mostly right, so the page must not call it uncertain
    top1, hit5 = _questions((0.08, 10, 2), (0.12, 30, 20), (0.17, 60, 10), (0.9, 100, 90))
    sets = ["seed"] * 200
    assert hit5_below(top1, hit5, sets, 0.15)[1] == pytest.approx(22 / 40)
    assert hit5_below(top1, hit5, sets, 0.2)[1] == pytest.approx(32 / 100)
    assert choose_uncertain_below(top1, hit5, sets) == 0.1


def test_never_uncertain_when_low_probabilities_are_as_good_as_high_ones():
    top1, hit5 = _questions((0.01, 50, 40), (0.1, 50, 40), (0.9, 100, 80))
    assert choose_uncertain_below(top1, hit5, ["seed"] * 200) == 0.0
    # a threshold nothing falls below is no evidence either way
    assert hit5_below(top1, hit5, ["seed"] * 200, 0.005) == (0, None)


def test_reliability_table_bins_each_set():
    top1 = np.array([0.01, 0.02, 0.8, 1.0, 0.06])
    hit1 = np.array([False, True, True, True, False])
    hit5 = np.array([True, True, True, True, False])
    table = reliability_table(top1, hit1, hit5, ["a", "a", "a", "a", "b"])
    assert table["a"]["0–0.05"] == {"questions": 2, "hit@1": 0.5, "hit@5": 1.0}
    assert table["a"]["0.7–1"] == {"questions": 2, "hit@1": 1.0, "hit@5": 1.0}  # 1.0 itself is counted
    assert table["b"]["0.05–0.1"] == {"questions": 1, "hit@1": 0.0, "hit@5": 0.0}
    assert table["b"]["0.7–1"] == {"questions": 0, "hit@1": None, "hit@5": None}


# --- the engine's flag -------------------------------------------------------------------------

QUESTION = "宪法规定公民有哪些基本权利"


def _engine(fake_engine, *, uncertain_below, reranked=True):
    """The fake engine with its own config, and a reranker fitted for the fake model (one trusting
    the article length) or none (the fusion)."""
    engine = copy.copy(fake_engine)
    engine.config = replace(fake_engine.config, uncertain_below=uncertain_below)
    engine.reranker = Reranker(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES),
                               tuple(1.0 if f == "log_length" else 0.0 for f in FEATURES),
                               fake_engine.embedder.model_id) if reranked else None
    return engine


def test_a_reranked_answer_below_the_threshold_is_uncertain(fake_engine):
    response = _engine(fake_engine, uncertain_below=1.0).search(QUESTION, k=5)
    assert response.hits and response.uncertain
    assert response.hits[0].score < 1.0
    top = response.hits[0].score
    assert _engine(fake_engine, uncertain_below=top).search(QUESTION, k=5).uncertain is False
    assert _engine(fake_engine, uncertain_below=0.0).search(QUESTION, k=5).uncertain is False


def test_never_uncertain_for_a_named_article_or_the_fusion(fake_engine):
    named = _engine(fake_engine, uncertain_below=1.0).search("信访工作条例第三十二条", k=5)
    assert named.exact and not named.uncertain
    fused = _engine(fake_engine, uncertain_below=1.0, reranked=False).search(QUESTION, k=5)
    assert fused.hits and not fused.uncertain


def test_a_config_written_before_the_threshold_loads_as_never_uncertain(tmp_path):
    from portal.search.engine import CONFIG_FILE, load_engine_config

    text = CONFIG_FILE.read_text(encoding="utf-8")
    old = tmp_path / "engine.yaml"
    old.write_text("\n".join(line for line in text.splitlines() if "uncertain_below" not in line), encoding="utf-8")
    assert load_engine_config(old).uncertain_below == 0.0


@pytest.mark.slow
def test_the_shipped_engine_is_unsure_about_the_deposit_question_and_sure_about_theft(real_engine):
    # 房东不退押金怎么办: the reranker puts 民法典第四百零三条 (动产抵押) first with probability ≈ 0.04
    assert real_engine.config.uncertain_below > 0
    unsure = real_engine.search("房东不退押金怎么办", k=5)
    assert unsure.confident and unsure.hits and unsure.uncertain
    sure = real_engine.search("手机被偷了怎么办", k=5)
    assert sure.hits[0].provision_id == "xingfa-2023:第二百六十四条" and not sure.uncertain
