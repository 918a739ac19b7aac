"""Published typical cases for the pages (search results, pre-filing check).

Read from the database on every call, so publishing shows a case at once and withdrawing removes
it at once (a handful of rows; no cache to go stale)."""

from __future__ import annotations

from portal.cases.service import published_summaries
from portal.cases.types import CaseSummary
from portal.db import session_scope


def published_cases() -> list[CaseSummary]:
    with session_scope() as session:
        return published_summaries(session=session)
