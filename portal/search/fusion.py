"""Fusion (融合排序) of the lexical and dense rankings.

Weighted reciprocal-rank fusion: score(d) = Σ_i w_i / (k + rank_i(d)), rank from 1; a document
missing from a ranking contributes nothing for it. Rank-based, so BM25's unbounded scores and the
cosines need no common scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def rrf(rankings: Mapping[str, Sequence[int]], weights: Mapping[str, float], *, k: float = 60.0) -> dict[int, float]:
    """Fuse ranked lists of row numbers; returns row → fused score."""
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        w = weights.get(name, 1.0)
        if w <= 0:
            continue
        for rank, row in enumerate(ranking, 1):
            fused[row] = fused.get(row, 0.0) + w / (k + rank)
    return fused


def top_rows(scores: np.ndarray, n: int, *, min_score: float | None = None) -> np.ndarray:
    """Rows of the n highest scores, best first (optionally only those above min_score)."""
    n = min(n, scores.shape[0])
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, n - 1)[:n]
    rows = part[np.argsort(-scores[part], kind="stable")]
    if min_score is not None:
        rows = rows[scores[rows] > min_score]
    return rows


def ranked(fused: Mapping[int, float]) -> list[tuple[int, float]]:
    """(row, score) pairs best first; ties broken by row for determinism."""
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
