"""The contract between the search engine and its callers (pages, the pre-filing check)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SearchHit:
    """One provision found for a query, with the query words that matched its text."""

    provision_id: str
    score: float
    matched_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResponse:
    """Ranked hits; `exact` when the query named an article, `confident` False when nothing is
    relevant enough to show (the page then says so instead of showing noise). `message` is a note
    beside the answer (the query was shortened or is not Chinese, a named article does not exist,
    a named law was repealed or is not in the library, the index is still building), never the
    no-match verdict: that is `confident`. `uncertain`:
    the hits are shown, but the reranker gives the first one a low probability of being right (the
    page says so above them; never for a named article or keyword search). `read_as`: the words
    searched (in simplified characters, homophone typos corrected); '' where nothing was searched,
    and `query` is what the citizen typed. `corrected`: the words read as typos (the page offers to
    search as typed)."""

    query: str
    hits: list[SearchHit] = field(default_factory=list)
    exact: bool = False
    confident: bool = True
    uncertain: bool = False
    message: str = ""
    read_as: str = ""
    corrected: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """The question as the search read it (read_as), else as typed."""
        return self.read_as or self.query


class Searcher(Protocol):
    """Anything that answers a citizen's question with provisions."""

    def search(self, query: str, *, k: int = 10, as_typed: bool = False) -> SearchResponse:
        """`as_typed`: no word is read as a homophone typo (the citizen said it was none)."""
        ...
