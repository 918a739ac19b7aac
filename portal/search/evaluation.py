"""Retrieval quality figures (评测指标): recall@k, MRR@10, nDCG@10, over gold provision ids."""

from __future__ import annotations

import math
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from portal.search.jsonl import read_jsonl

RECALL_AT = (1, 5, 10, 20, 100)


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    gold: tuple[str, ...]


def load_queries(path: Path) -> list[EvalQuery]:
    out: list[EvalQuery] = []
    for lineno, row in read_jsonl(path, what="a query line"):
        try:
            out.append(EvalQuery(str(row["id"]), str(row["query"]), tuple(str(g) for g in row["gold"])))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{lineno}: not a query line ({exc})") from None
    return out


def recall_at(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    if not gold:
        return 0.0
    top = set(ranked[:k])
    return sum(1 for g in set(gold) if g in top) / len(set(gold))


def mrr_at(ranked: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    gold_set = set(gold)
    for rank, doc in enumerate(ranked[:k], 1):
        if doc in gold_set:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    gold_set = set(gold)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], 1) if doc in gold_set)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold_set), k) + 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def evaluate(queries: Sequence[EvalQuery], retrieve: Callable[[str, int], list[str]], *, k: int = 100) -> dict:
    """Run every query through `retrieve(query, k) -> ranked ids`; the figures as a dict."""
    sums = {f"recall@{n}": 0.0 for n in RECALL_AT}
    sums.update({"mrr@10": 0.0, "ndcg@10": 0.0})
    latencies: list[float] = []
    per_query: list[dict] = []
    for q in queries:
        started = time.perf_counter()
        ranked = retrieve(q.query, k)
        latencies.append((time.perf_counter() - started) * 1000)
        for n in RECALL_AT:
            sums[f"recall@{n}"] += recall_at(ranked, q.gold, n)
        mrr = mrr_at(ranked, q.gold, 10)
        sums["mrr@10"] += mrr
        sums["ndcg@10"] += ndcg_at(ranked, q.gold, 10)
        per_query.append({"id": q.id, "mrr@10": mrr, "recall@5": recall_at(ranked, q.gold, 5)})
    n = max(len(queries), 1)
    figures = {key: round(value / n, 4) for key, value in sums.items()}
    figures.update({"queries": len(queries),
                    "latency_p50_ms": round(statistics.median(latencies), 2) if latencies else 0.0,
                    "latency_p95_ms": round(percentile(latencies, 95), 2),
                    "per_query": per_query})
    return figures
