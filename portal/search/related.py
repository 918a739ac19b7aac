"""Related typical cases (相关典型案例), the one ranking used beside search results and on the
pre-filing 核对 step: cases that cite one of the provisions come first (the higher the provision
ranks, the better), then cases citing the same law."""

from __future__ import annotations

from collections.abc import Sequence

from portal.cases.types import CaseSummary
from portal.laws.ids import law_slug_of

# a case must cite one of the first five results (1/(1+4)); citing only the same law is not enough
RELATED_CUT_OFF = 0.2


def related_cases(provision_ids: Sequence[str], cases: Sequence[CaseSummary], *,
                  limit: int = 3, min_score: float = 0.0) -> list[CaseSummary]:
    """At most `limit` cases for provisions ranked best first (a repeated id keeps its best rank).
    With `min_score` a case must reach it: 1/(1+rank) for each cited provision among the results
    (0.2 = cites one of the first five), 0.01 for each citation of the same law only."""
    rank: dict[str, int] = {}
    for i, pid in enumerate(provision_ids):
        rank.setdefault(pid, i)
    laws = {law_slug_of(pid) for pid in rank}
    scored: list[tuple[float, int, CaseSummary]] = []
    for order, case in enumerate(cases):
        score = 0.0
        for pid in case.provision_ids:
            if pid in rank:
                score += 1.0 / (1 + rank[pid])
            elif law_slug_of(pid) in laws:
                score += 0.01
        if score > 0 and score >= min_score:
            scored.append((score, order, case))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [case for _, _, case in scored[:limit]]
