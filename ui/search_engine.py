"""The process-wide searcher used by the pages (法律问答, the pre-filing check).

The hybrid engine is loaded once per process in a background thread (st.cache_resource). With the
committed index matching the content, the first question waits the few seconds loading takes;
only while articles are being encoded does get_searcher() return keyword search whose answers say
that the index is being built, so no page fails or waits minutes for the model."""

from __future__ import annotations

import streamlit as st

from portal.search.api import Searcher
from portal.search.loader import EngineLoader
from portal.settings import get_settings
from ui.bank_view import served_bank_entries
from ui.resources import get_library


@st.cache_resource(show_spinner=False)
def engine_loader() -> EngineLoader:
    settings = get_settings()
    # the bank is the database's published questions (staff additions and withdrawals count),
    # read again at most every BANK_REFRESH_SECONDS; where it cannot be read, the bank served stays
    # (the shipped seed at start)
    return EngineLoader(get_library(), index_dir=settings.index_dir,
                        embedding_model=settings.embedding_model, bank=served_bank_entries).start()


def get_searcher() -> Searcher:
    """The hybrid engine when ready (waiting for a load), else keyword search with a 索引建立中 note."""
    return engine_loader().searcher()


def index_status() -> tuple[bool, float, str | None]:
    """(ready, fraction encoded, error) of the search index, for a progress display."""
    loader = engine_loader()
    loader.settle()
    return loader.ready, loader.fraction, loader.error


def bank_changed() -> None:
    """Staff published, withdrew or edited a bank question: 相似问题 and the bank vote follow at
    the next search in this process."""
    engine_loader().bank_changed()
