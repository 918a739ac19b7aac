"""Published typical cases for the pages (search results, pre-filing check).

Read from the database on every call, so publishing shows a case at once and withdrawing removes
it at once (a handful of rows; no cache to go stale). The cases only stand beside the articles:
where the database cannot be read the pages show none and the log says why, and after a slow
failure they are not read for a while (portal.db.beside_answer). The 典型案例 page itself shows the
cases as this process last read them while the database is away, and says so."""

from __future__ import annotations

from portal.cases.models import TypicalCase
from portal.cases.service import published_list, published_summaries
from portal.cases.types import CaseSummary
from portal.db import LastRead, beside_answer, session_scope

PUBLISHED = LastRead[list[TypicalCase]]("typical cases")


def published_cases() -> list[CaseSummary]:
    def read() -> list[CaseSummary]:
        with session_scope() as session:
            return published_summaries(session=session)

    return beside_answer(read, instead=[], what="typical cases not shown")


def published_for_page() -> tuple[list[TypicalCase], bool] | None:
    """Every published case, newest first, and True when read now; False: as last read (the
    database is away); None: the database is away and this process has read none yet."""
    def read() -> list[TypicalCase]:
        with session_scope() as session:
            return published_list(session=session)

    return PUBLISHED.read(read)
