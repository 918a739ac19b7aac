"""The process-wide searcher used by the pages. Replaced by the hybrid engine (issue 3)."""

from __future__ import annotations

import streamlit as st

from portal.search.api import Searcher, SearchHit, SearchResponse
from ui.common import get_library


class _SubstringSearcher:
    """A minimal keyword searcher over the library, until the hybrid engine lands."""

    def __init__(self, library) -> None:
        self.library = library

    def search(self, query: str, *, k: int = 10) -> SearchResponse:
        words = [w for w in query.split() if w]
        hits = [SearchHit(pid, 1.0, tuple(words)) for pid, p in self.library.provisions.items()
                if words and all(w in p.text for w in words)]
        return SearchResponse(query=query, hits=hits[:k], confident=bool(hits))


@st.cache_resource
def get_searcher() -> Searcher:
    return _SubstringSearcher(get_library())
