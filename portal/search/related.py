"""Related typical cases (相关典型案例) beside search results: cases that cite a hit provision
come first (the higher the provision ranks, the better), then cases citing the same law."""

from __future__ import annotations

from collections.abc import Sequence

from portal.cases.types import CaseSummary
from portal.laws.ids import law_slug_of
from portal.search.api import SearchHit


def related_cases(hits: Sequence[SearchHit], cases: Sequence[CaseSummary], *, limit: int = 3) -> list[CaseSummary]:
    rank = {h.provision_id: i for i, h in enumerate(hits)}
    laws = {law_slug_of(pid) for pid in rank}
    scored: list[tuple[float, int, CaseSummary]] = []
    for order, case in enumerate(cases):
        score = 0.0
        for pid in case.provision_ids:
            if pid in rank:
                score += 1.0 / (1 + rank[pid])
            elif law_slug_of(pid) in laws:
                score += 0.01
        if score > 0:
            scored.append((score, order, case))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [case for _, _, case in scored[:limit]]
