"""What other parts of the portal (search, pre-filing) need to know of a published case."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseSummary:
    """A published typical case as shown beside search results."""

    slug: str
    title: str
    category: str
    summary: str
    provision_ids: tuple[str, ...]
