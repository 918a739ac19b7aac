"""Escaping, the one module: HTML for markup that goes out with unsafe_allow_html (or into an HTML
file), Markdown for plain text that goes into st.markdown. Two names, never one `esc` for both."""

from __future__ import annotations

import html
import re


def html_escape(text: str) -> str:
    """Text made inert inside HTML (elements and quoted attribute values)."""
    return html.escape(text, quote=True)


def html_lines(text: str) -> str:
    """HTML-escaped text with each line (款, 项) kept on its own line."""
    return "<br>".join(html_escape(line) for line in text.split("\n"))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|~{}])")


def markdown_escape(text: str) -> str:
    """Plain text made inert for a Markdown renderer (st.markdown): no links, no emphasis, no HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
