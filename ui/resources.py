"""Cached resources every page uses: the database set up once per process, the law library."""

from __future__ import annotations

import streamlit as st

from portal.bootstrap import BootstrapReport, bootstrap_once
from portal.db import get_engine
from portal.laws.library import Library, load_library_shared
from portal.search.citing import law_aliases
from portal.search.unshipped import LawNotes, law_notes_for
from portal.settings import Settings, get_settings


@st.cache_resource(show_spinner="正在准备数据……")
def ensure_database() -> BootstrapReport:
    """Schema migrated and shipped content imported, once per process (python -m ui.serve has done
    it before serving; a plain `streamlit run app.py` does it here)."""
    return bootstrap_once(engine=get_engine(), settings=get_settings())


@st.cache_resource(show_spinner="正在载入法规库……")
def get_library() -> Library:
    """The published law library (malformed files are left out whole), the very objects the
    start-up import parsed when the files have not changed since."""
    return load_library_shared(get_settings().laws_dir).library


@st.cache_resource(show_spinner=False)
def get_law_notes() -> LawNotes:
    """What became of laws a reader may look for that the library does not ship (婚姻法 …)."""
    return law_notes_for(get_library())


@st.cache_resource(show_spinner=False)
def get_law_aliases() -> dict[str, str]:
    """Every name a law is cited by (titles, short names, catalogue aliases) → its slug."""
    return law_aliases(get_library())


def settings() -> Settings:
    return get_settings()
