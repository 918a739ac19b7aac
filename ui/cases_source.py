"""Published typical cases for the pages (search results, pre-filing check).

Read from the database on every call, so publishing shows a case at once and withdrawing removes
it at once (a handful of rows; no cache to go stale). The cases only stand beside the articles:
where the database cannot be read the pages show none and the log says why."""

from __future__ import annotations

import logging

from portal.cases.service import published_summaries
from portal.cases.types import CaseSummary
from portal.db import STORAGE_FAILURES, failure_reason, session_scope

log = logging.getLogger(__name__)


def published_cases() -> list[CaseSummary]:
    try:
        with session_scope() as session:
            return published_summaries(session=session)
    except STORAGE_FAILURES as exc:
        log.warning("typical cases not shown: the database failed (%s)", failure_reason(exc))
        return []
