"""Published typical cases for the pages (search results, pre-filing check).

Read from the database on every call, so publishing shows a case at once and withdrawing removes
it at once (a handful of rows; no cache to go stale). The cases only stand beside the articles:
where the database cannot be read the pages show none and the log says why, and after a slow
failure they are not read for a while (portal.db.beside_answer)."""

from __future__ import annotations

from portal.cases.service import published_summaries
from portal.cases.types import CaseSummary
from portal.db import beside_answer, session_scope


def published_cases() -> list[CaseSummary]:
    def read() -> list[CaseSummary]:
        with session_scope() as session:
            return published_summaries(session=session)

    return beside_answer(read, instead=[], what="typical cases not shown")
