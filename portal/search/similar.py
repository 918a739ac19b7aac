"""Calibration of 相似问题 (which nearest bank questions the 法律问答 page shows): the cosine from
which a bank question is shown on its own, beside an answer it shares no article with, and how
many of the answer's first articles a shown one may share.

`python -m portal.search tune` calls `calibrate` with cross-validated data (each question through
the layers fine-tuned without its fold, seeing only the bank questions of the other folds) and
writes the result into engine.yaml's `similar` section; the engine reads it back
(portal.search.engine.load_similar_rule). The rule is in notes/2026-12-04-similar-calibration.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from portal.search.bank import CANDIDATES, QuestionBank, SimilarQuestion, relevant_similar
from portal.search.engine import SimilarRule

SHOWN = 3                         # bank questions the page shows at most
LOOKED_AT = SHOWN * CANDIDATES    # nearest bank questions it looks at
TARGET = 0.5                      # share of the shown-on-their-own that cite a right article
MIN_SUPPORT = 30                  # a cosine with fewer neighbours at or above it is not judged
ALONE_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))   # 0.30 … 0.99
ANSWER_DEPTH = SimilarRule.answer_depth   # every article the page shows (pages/ask.py: k=8)
DEPTH_GRID = (1, 2, 3, 5, 8)      # how many of them a shown neighbour may share
MIN_COVERAGE = 0.9                # … keeping a neighbour for this share of the questions N = 8 serves


@dataclass(frozen=True)
class Asked:
    """One question as the calibration sees it: its nearest bank questions (best first), the
    articles a lawyer chose for it, and the articles its answer shows."""

    near: list[SimilarQuestion]
    gold: frozenset[str]
    answer: tuple[str, ...]

    def beside_answer(self, item: SimilarQuestion) -> bool:
        """Whether it cites an article the answer shows (then it is shown whatever its cosine)."""
        return bool(set(self.answer).intersection(item.entry.provisions))

    def right_article(self, item: SimilarQuestion) -> bool:
        return bool(self.gold.intersection(item.entry.provisions))

    def right_law(self, item: SimilarQuestion) -> bool:
        laws = {pid.split(":", 1)[0] for pid in self.gold}
        return any(pid.split(":", 1)[0] in laws for pid in item.entry.provisions)


def asked(vector: np.ndarray, bank: QuestionBank, gold: Sequence[str], answer: Sequence[str]) -> Asked:
    near = [SimilarQuestion(bank.entries[i], sim) for i, sim in bank.nearest(vector, LOOKED_AT)]
    return Asked(near, frozenset(gold), tuple(answer))


def choose_alone(cosines: np.ndarray, right: np.ndarray, *, target: float = TARGET,
                 min_support: int = MIN_SUPPORT, grid: Sequence[float] = ALONE_GRID) -> float | None:
    """The smallest grid cosine t such that, at t and at every grid value above it with at least
    `min_support` neighbours at or above it, at least `target` of those neighbours are right.
    None when no grid value qualifies (then nothing is shown on its own)."""
    cosines, right = np.asarray(cosines, dtype=float), np.asarray(right, dtype=bool)
    chosen = None
    for t in sorted(grid, reverse=True):
        above = cosines >= t
        if above.sum() < min_support:
            continue
        if right[above].mean() < target:
            break
        chosen = t
    return chosen


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _shown_figures(questions: Sequence[Asked], rule) -> dict:
    """What `rule` (question -> the neighbours it shows) shows, over `questions`."""
    shown = [(q, rule(q)) for q in questions]
    pairs = [(q, s) for q, items in shown for s in items]
    return {"shown per question": round(len(pairs) / max(len(questions), 1), 3),
            "questions with any shown": _share([bool(items) for _q, items in shown]),
            "cite a right article": _share([q.right_article(s) for q, s in pairs]),
            "cite the right law": _share([q.right_law(s) for q, s in pairs])}


def shown_by_depth(questions: Sequence[Asked], depth: int, alone: float | None) -> dict:
    """The neighbours shown when they may share only the answer's first `depth` articles."""
    return _shown_figures(questions, lambda q: relevant_similar(q.near, q.answer[:depth], k=SHOWN, alone=alone))


def choose_depth(by_depth: dict[int, dict], *, min_coverage: float = MIN_COVERAGE) -> int:
    """The depth whose shown neighbours most often cite a right article, among those showing a
    neighbour for at least `min_coverage` as many questions as the deepest (ties: the deeper)."""
    deepest = by_depth[max(by_depth)]["questions with any shown"] or 0.0
    fit = [d for d, f in by_depth.items() if (f["questions with any shown"] or 0.0) >= min_coverage * deepest]
    return max(fit, key=lambda d: ((by_depth[d]["cite a right article"] or 0.0), d))


def figures(questions: Sequence[Asked], alone: float | None, depth: int = ANSWER_DEPTH) -> dict:
    """What a citizen would see under each rule: the neighbours shown on their own at `alone`,
    and the (at most SHOWN) neighbours shown by the full rule, the shares-an-article rule alone
    (both with the answer's first `depth` articles) and no rule (the nearest SHOWN)."""
    out: dict = {"questions": len(questions)}
    by_itself = [(q, s) for q in questions for s in q.near
                 if alone is not None and s.score >= alone and not q.beside_answer(s)]
    out["shown on their own"] = {"neighbours": len(by_itself),
                                 "cite a right article": _share([q.right_article(s) for q, s in by_itself]),
                                 "cite the right law": _share([q.right_law(s) for q, s in by_itself])}
    rules = {"shipped rule": lambda q: relevant_similar(q.near, q.answer[:depth], k=SHOWN, alone=alone),
             "sharing an article only": lambda q: relevant_similar(q.near, q.answer[:depth], k=SHOWN),
             "unfiltered nearest": lambda q: q.near[:SHOWN]}
    for label, rule in rules.items():
        out[label] = _shown_figures(questions, rule)
    return out


def calibrate(training: Sequence[Asked], other: Sequence[Asked], *, model_id: str) -> dict:
    """engine.yaml's `similar` section: `alone` chosen on `training` (the seed, cross-validated),
    with the figures on it and on `other` (the dev questions: another style, not chosen on). Judged
    are the neighbours the cosine alone would show: those not citing an article of the answer."""
    pairs = [(s.score, q.right_article(s)) for q in training for s in q.near if not q.beside_answer(s)]
    cosines = np.array([c for c, _ in pairs])
    right = np.array([r for _, r in pairs], dtype=bool)
    alone = choose_alone(cosines, right)
    by_depth = {d: shown_by_depth(training, d, alone) for d in DEPTH_GRID}
    depth = choose_depth(by_depth)
    return {"model_id": model_id, "alone": alone, "answer_depth": depth,
            "rule": (f"smallest cosine on {ALONE_GRID[0]}–{ALONE_GRID[-1]} (step 0.01) from which, at every "
                     f"value with at least {MIN_SUPPORT} neighbours at or above it, at least {TARGET:.0%} of "
                     f"the seed questions' {LOOKED_AT} nearest bank questions that cite no article of the "
                     f"answer's top {ANSWER_DEPTH} (cross-validated: other folds' bank, fold layers, "
                     "fold ranking) cite a right article; none: only questions sharing an article with "
                     "the answer are shown"),
            "answer depth rule": (f"of {list(DEPTH_GRID)}, the number of the answer's first articles a shown "
                                  "neighbour may share whose shown neighbours most often cite a right article "
                                  "(seed, CV), among those showing one for at least "
                                  f"{MIN_COVERAGE:.0%} as many questions as {max(DEPTH_GRID)} (ties: the larger)"),
            "figures": {"seed (CV, chosen on)": figures(training, alone, depth),
                        "dev (another style, not chosen on)": figures(other, alone, depth)},
            "figures by answer depth": {
                "seed (CV, chosen on)": by_depth,
                "dev (another style, not chosen on)": {d: shown_by_depth(other, d, alone) for d in DEPTH_GRID}}}
