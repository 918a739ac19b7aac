"""What search knows of the question bank (常见问题库): a published question and its articles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankEntry:
    """A published bank question: `id` names it (the database id as text), `provisions` are the
    provision ids a lawyer chose for it, in order."""

    id: str
    question: str
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class SimilarQuestion:
    """A published bank question close to a citizen's question, with how close (higher = closer).

    What `SearchEngine.similar_questions(query, *, k)` returns, nearest first."""

    entry: BankEntry
    score: float


def similar_by_articles(hit_ids: list[str], entries: list[BankEntry], *, k: int = 3) -> list[SimilarQuestion]:
    """Until the engine ranks bank questions itself: the entries whose lawyer-chosen articles are
    among the search results, scored by the results' ranks (1/rank summed), ties by bank order."""
    rank = {pid: i for i, pid in enumerate(hit_ids)}
    scored = []
    for order, entry in enumerate(entries):
        score = sum(1.0 / (rank[p] + 1) for p in entry.provisions if p in rank)
        if score > 0:
            scored.append((-score, order, SimilarQuestion(entry, score)))
    return [item for _s, _o, item in sorted(scored)[:k]]
