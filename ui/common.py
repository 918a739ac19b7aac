"""Cached resources and small widgets every page uses."""

from __future__ import annotations

import html

import streamlit as st

from portal.bootstrap import BootstrapReport, bootstrap
from portal.db import get_engine
from portal.laws.library import Library, load_library_report
from portal.laws.loader import Law
from portal.settings import Settings, get_settings


def _leave_pages_folder_mode() -> None:
    """Streamlit runs an app that has a `pages/` folder as a v1 multipage app until the main
    script first calls st.navigation, so a deep link opened first after start-up would run the
    page without app.py (no frame, no database set-up). Switch to st.navigation mode and rerun."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_folder_mode()


@st.cache_resource(show_spinner="正在准备数据……")
def ensure_database() -> BootstrapReport:
    """Schema migrated and shipped content imported, once per process."""
    return bootstrap(engine=get_engine(), settings=get_settings())


@st.cache_resource(show_spinner="正在载入法规库……")
def get_library() -> Library:
    """The published law library (malformed files are left out whole)."""
    return load_library_report(get_settings().laws_dir).library


def settings() -> Settings:
    return get_settings()


def esc(text: str) -> str:
    """HTML-escape text before it goes into st.markdown(..., unsafe_allow_html=True)."""
    return html.escape(text, quote=True)


def esc_lines(text: str) -> str:
    """Escaped text with each line (款, 项) kept on its own line."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def status_badge_html(law: Law) -> str:
    """现行有效 / 已废止 as a badge that carries its meaning in words, not only in colour."""
    if law.is_repealed:
        return '<span class="law-badge law-badge-repealed">已废止 · 历史文本</span>'
    return '<span class="law-badge law-badge-current">现行有效</span>'


def permalink(slug: str, label: str | None = None) -> str:
    """The relative permalink of a law (and article) in the 法规库."""
    from urllib.parse import urlencode

    params = {"law": slug}
    if label:
        params["article"] = label
    return f"{get_settings().base_url.rstrip('/')}/laws?{urlencode(params)}"


def provision_link(provision_id: str, library: Library, *, with_title: bool = True) -> str:
    """Markdown link `《法名》第X条` to the permalink of a provision id."""
    provision = library.provision(provision_id)
    if provision is None:
        return esc(provision_id)
    law = library.law_of(provision)
    text = f"《{law.title}》{provision.label}" if with_title else provision.label
    return f"[{text}]({permalink(law.slug, provision.label)})"


BASE_CSS = """
<style>
.law-badge {display:inline-block;padding:0.1rem 0.6rem;border-radius:0.3rem;font-weight:600;
  font-size:0.9rem;border:2px solid currentColor;}
.law-badge-current {color:#0b6b2f;background:#e7f5ec;}
.law-badge-repealed {color:#a11212;background:#fdeaea;}
.repealed-banner {border:3px solid #a11212;background:#fdeaea;color:#5c0a0a;padding:0.8rem 1rem;
  border-radius:0.4rem;font-weight:600;margin:0.5rem 0 1rem 0;}
.article {line-height:1.9;margin:0 0 1rem 0;padding:0.2rem 0.4rem;white-space:pre-wrap;word-break:break-word;}
.article-label {font-weight:700;}
.article-target {background:#fff6d6;border-left:4px solid #b8860b;}
mark {background:#ffe58a;color:inherit;padding:0 0.1rem;}
:focus-visible {outline:3px solid #1a56db !important; outline-offset:2px;}
</style>
"""


def page_frame() -> None:
    """Shared CSS for every page (called by app.py before the page runs)."""
    st.markdown(BASE_CSS, unsafe_allow_html=True)
