"""相似问题's shown-on-its-own cosine: chosen by `tune` on cross-validated training data
(portal/search/similar.py), read back by the engine only for the encoder it was chosen for."""

import numpy as np
import pytest

from portal.search.bank import BankEntry, QuestionBank
from portal.search.engine import CONFIG_FILE, SimilarRule, _config_document, load_similar_rule
from portal.search.similar import LOOKED_AT, asked, calibrate, choose_alone, choose_depth, figures

A, B, C = "minfadian-2020:第七百零三条", "minfadian-2020:第七百二十二条", "xingfa-2023:第一条"


def test_the_smallest_cosine_from_which_every_band_is_right_often_enough_is_chosen():
    # 40 neighbours at 0.9 (30 right), 40 at 0.6 (10 right), 40 at 0.4 (none right)
    cos = np.repeat([0.9, 0.6, 0.4], 40)
    right = np.concatenate([np.arange(40) < 30, np.arange(40) < 10, np.zeros(40, bool)])
    grid = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    # ≥0.5 (the same 80 as ≥0.6): 40 right, half; ≥0.4: 40 of 120
    assert choose_alone(cos, right, grid=grid, target=0.5) == 0.5
    assert choose_alone(cos, right, grid=grid, target=0.6) == 0.7   # ≥0.6 is 0.5 < 0.6; ≥0.7 is 0.75
    assert choose_alone(cos, right, grid=grid, target=0.3) == 0.4
    # nothing close is right: nothing is shown on its own
    assert choose_alone(cos, np.zeros(120, bool), grid=grid) is None


def test_a_band_with_too_few_neighbours_is_not_judged():
    cos = np.array([0.95] * 5 + [0.8] * 40)
    right = np.array([False] * 5 + [True] * 40)   # the five closest are wrong, the band below right
    assert choose_alone(cos, right, grid=(0.8, 0.9), min_support=30) == 0.8
    assert choose_alone(cos, right, grid=(0.8, 0.9), min_support=5) is None   # 0.9 judged: 0 right


def _bank() -> QuestionBank:
    entries = [BankEntry("1", "押金", (A,)), BankEntry("2", "刑法", (C,)), BankEntry("3", "租金", (B,))]
    return QuestionBank(entries, np.eye(3, dtype=np.float32))


def test_figures_say_what_a_citizen_would_see_under_each_rule():
    bank = _bank()
    q = np.array([0.8, 0.6, 0.0], dtype=np.float32)         # nearest 押金 (0.8), then 刑法 (0.6)
    question = asked(q, bank, gold=[A], answer=[B])          # the answer shows B, not A
    assert [s.entry.id for s in question.near] == ["1", "2", "3"] and len(question.near) <= LOOKED_AT
    at_07 = figures([question], 0.7)
    assert at_07["shown on their own"] == {"neighbours": 1, "cite a right article": 1.0, "cite the right law": 1.0}
    assert at_07["shipped rule"]["shown per question"] == 2          # 押金 on its own, 租金 shares B
    assert at_07["shipped rule"]["cite a right article"] == 0.5
    assert at_07["sharing an article only"]["shown per question"] == 1
    assert at_07["unfiltered nearest"]["cite the right law"] == round(2 / 3, 4)   # 刑法 is another law
    assert figures([question], None)["shown on their own"]["neighbours"] == 0


def test_calibrate_chooses_on_the_training_questions_and_only_reports_the_others():
    bank = _bank()
    right = asked(np.array([0.9, 0.1, 0.0], dtype=np.float32), bank, gold=[A], answer=[])
    wrong = asked(np.array([0.1, 0.9, 0.0], dtype=np.float32), bank, gold=[A], answer=[])
    section = calibrate([right] * 40, [wrong] * 40, model_id="m")
    assert section["model_id"] == "m" and section["alone"] is not None and section["alone"] <= 0.9
    assert section["figures"]["dev (another style, not chosen on)"]["shown on their own"]["cite a right article"] == 0.0
    assert calibrate([right] * 20, [], model_id="m")["alone"] is None     # 20 close ones: too few to judge
    assert calibrate([wrong] * 40, [right] * 40, model_id="m")["alone"] is None


def test_the_engine_uses_the_rule_only_for_the_encoder_it_was_chosen_for(tmp_path):
    path = tmp_path / "engine.yaml"
    path.write_text("similar:\n  model_id: tuned-x\n  alone: 0.71\n  answer_depth: 3\n", encoding="utf-8")
    assert load_similar_rule("tuned-x", path) == SimilarRule(alone=pytest.approx(0.71), answer_depth=3)
    assert load_similar_rule("other-model", path) == SimilarRule()          # every article, none alone
    path.write_text("similar:\n  model_id: tuned-x\n  alone: null\n", encoding="utf-8")
    assert load_similar_rule("tuned-x", path) == SimilarRule(alone=None, answer_depth=8)
    path.write_text("chosen: {}\n", encoding="utf-8")
    assert load_similar_rule("tuned-x", path) == SimilarRule()


def test_the_depth_is_the_most_precise_that_still_shows_something_to_nearly_as_many():
    by_depth = {1: {"questions with any shown": 0.50, "cite a right article": 0.60},
                3: {"questions with any shown": 0.92, "cite a right article": 0.40},
                5: {"questions with any shown": 0.95, "cite a right article": 0.40},
                8: {"questions with any shown": 1.00, "cite a right article": 0.30}}
    assert choose_depth(by_depth) == 5            # 1 shows too few; 3 and 5 tie: the larger
    assert choose_depth(by_depth, min_coverage=0.5) == 1
    assert choose_depth({8: {"questions with any shown": 0.0, "cite a right article": None}}) == 8


def test_the_shipped_config_was_calibrated_for_the_shipped_reranker_s_encoder():
    """engine.yaml is written by tune as a whole: its 相似问题 section is for the encoder the
    reranker was fitted with, and records the figures it was chosen on."""
    document = _config_document(CONFIG_FILE)
    similar = document["similar"]
    assert similar["model_id"] == document["reranker"]["model_id"]
    assert similar["alone"] is None or 0.3 <= similar["alone"] < 1.0
    assert similar["answer_depth"] in (1, 2, 3, 5, 8)
    assert set(similar["figures"]) == {"seed (CV, chosen on)", "dev (another style, not chosen on)"}


def test_only_the_neighbours_the_cosine_alone_would_show_decide_it():
    """A close neighbour citing an article of the answer is shown anyway: it says nothing about
    showing a close one that cites none."""
    bank = _bank()
    beside = asked(np.array([0.9, 0.1, 0.0], dtype=np.float32), bank, gold=[A], answer=[A])   # 押金 cites A
    assert calibrate([beside] * 40, [], model_id="m")["alone"] is None
    alone = asked(np.array([0.9, 0.1, 0.0], dtype=np.float32), bank, gold=[A], answer=[C])
    assert calibrate([alone] * 40, [], model_id="m")["alone"] is not None


def test_the_page_shows_at_most_k_similar_questions():
    """Five neighbours all citing an article of the answer: the page shows the nearest 3 (k), not 4."""
    from portal.search.bank import SimilarQuestion, relevant_similar

    near = [SimilarQuestion(BankEntry(str(i), f"问{i}", ("a:第一条",)), 0.9 - 0.1 * i) for i in range(5)]
    assert [s.entry.id for s in relevant_similar(near, ["a:第一条"], k=3)] == ["0", "1", "2"]
    assert [s.entry.id for s in relevant_similar(near, ["b:第一条"], k=3, alone=0.75)] == ["0", "1"]
