"""相似问题 without the engine's ranking of bank questions (the lexical fallback while the index
builds). With it: portal.search.bank.relevant_similar."""

from __future__ import annotations

from portal.search.bank import BankEntry, SimilarQuestion


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
