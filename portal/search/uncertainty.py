"""When the 法律问答 page says its answer is uncertain (答案不确定): the threshold on the reranker's
top-1 probability below which the page adds a notice above the articles, chosen by `tune` on the
cross-validated reranker scores, and the reliability table it was chosen on.

The reranker's top-1 probability is calibrated well enough to say when the articles shown are more
likely wrong than right: below `uncertain_below` (and below every smaller threshold of the grid),
fewer than half of the questions (seed and dev sets weighing the same) have a right article
anywhere in the top 5."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

UNCERTAIN_GRID = (0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3)
MAX_HIT5_WHEN_UNCERTAIN = 0.5  # below the threshold, a right article in the top 5 less often than this
RELIABILITY_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
NOT_A_CANDIDATE = -1e9  # tune's score outside a question's candidates


def top1_and_hits(scores: np.ndarray, gold: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per question (a row of reranker scores, -1e9 outside its candidates): the top-1 probability
    (softmax over the candidates, as Reranker.ranked), whether a gold row is first, and whether
    one is in the top 5 (ties broken by row, as Reranker.ranked). A question without candidates:
    probability 0, no hit."""
    s = np.asarray(scores, dtype=np.float64)
    has = s.max(axis=1) > NOT_A_CANDIDATE / 2
    top1 = np.where(has, 1.0 / np.exp(s - s.max(axis=1, keepdims=True)).sum(axis=1), 0.0)
    order = np.argsort(-s, axis=1, kind="stable")[:, :5]
    in_gold = np.array([np.isin(order[i], g) & has[i] for i, g in enumerate(gold)], dtype=bool).reshape(len(gold), -1)
    return top1, in_gold[:, 0], in_gold.any(axis=1)


def set_weights(sets: Sequence[str]) -> np.ndarray:
    """Each question's weight so that every set weighs the same in total."""
    _, inverse, counts = np.unique(np.asarray(sets), return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse]


def hit5_below(top1: np.ndarray, hit5: np.ndarray, sets: Sequence[str], threshold: float) -> tuple[int, float | None]:
    """(questions whose top-1 probability is below `threshold`, the weighted share of them with a
    gold article in the top 5; None when there are none)."""
    below = np.asarray(top1) < threshold
    if not below.any():
        return 0, None
    w = set_weights(sets)[below]
    return int(below.sum()), float((w * np.asarray(hit5, dtype=float)[below]).sum() / w.sum())


def choose_uncertain_below(top1: np.ndarray, hit5: np.ndarray, sets: Sequence[str],
                           grid: Sequence[float] = UNCERTAIN_GRID) -> float:
    """The largest threshold of `grid` such that below it, and below every smaller one, fewer than
    MAX_HIT5_WHEN_UNCERTAIN of the questions (sets weighing the same) have a gold article in the
    top 5 (a threshold nothing falls below is no evidence either way); 0.0 (never uncertain) when
    the first one with evidence fails. Stopping at the first failure keeps a threshold that one
    lucky bin further up would otherwise carry past a range where the answers are mostly right."""
    chosen = 0.0
    for t in sorted(grid):
        share = hit5_below(top1, hit5, sets, t)[1]
        if share is None:
            continue
        if share >= MAX_HIT5_WHEN_UNCERTAIN:
            break
        chosen = float(t)
    return chosen


def reliability_table(top1: np.ndarray, hit1: np.ndarray, hit5: np.ndarray, sets: Sequence[str],
                      bins: Sequence[float] = RELIABILITY_BINS) -> dict:
    """Per set, per top-1 probability bin: questions, share with a gold article first (hit@1) and
    in the top 5 (hit@5)."""
    sets = np.asarray(sets)
    table: dict = {}
    for name in dict.fromkeys(sets.tolist()):
        rows = {}
        for lo, hi in zip(bins[:-1], bins[1:], strict=True):
            last = hi == bins[-1]
            mask = (sets == name) & (top1 >= lo) & ((top1 <= hi) if last else (top1 < hi))
            rows[f"{lo:g}–{hi:g}"] = {"questions": int(mask.sum()),
                                      "hit@1": round(float(hit1[mask].mean()), 3) if mask.any() else None,
                                      "hit@5": round(float(hit5[mask].mean()), 3) if mask.any() else None}
        table[str(name)] = rows
    return table
