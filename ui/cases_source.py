"""Published typical cases for the pages (search results, pre-filing check).
Filled in by the typical-case work (issue 5): reads published cases from the database."""

from __future__ import annotations

from portal.cases.types import CaseSummary


def published_cases() -> list[CaseSummary]:
    return []
