"""Escaping, the one module: HTML for markup that goes out with unsafe_allow_html (or into an HTML
file), Markdown for plain text that goes into st.markdown. Two names, never one `esc` for both."""

from __future__ import annotations

import html
import re


def html_escape(text: str) -> str:
    """Text made inert inside HTML (elements and quoted attribute values). Line breaks become
    character references: in st.markdown(..., unsafe_allow_html=True) a blank line would end the
    HTML block and hand the rest of the text to the Markdown parser (links, images, emphasis)."""
    return html.escape(text, quote=True).replace("\r", "&#13;").replace("\n", "&#10;")


def html_lines(text: str) -> str:
    """HTML-escaped text with each line (款, 项) kept on its own line."""
    return "<br>".join(html_escape(line) for line in text.split("\n"))


# Every ASCII punctuation character (CommonMark lets each be backslash-escaped), not only the
# obvious ones: `:` and `.` break GFM autolinks (https://…, www.…), `@` e-mail autolinks, `$`
# Streamlit's LaTeX, `-` `=` `+` setext headings and lists, `&` entities.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


# Streamlit (remark-gfm) finds autolink literals in the parsed *text*, after escapes are undone, so
# a backslash cannot stop them: a zero-width space after the scheme's colon, after "www" and after
# "@" does (invisible on screen).
_AUTOLINK = re.compile(r"(?i):(?=//)|(?<![a-z0-9])www(?=\.)|@")


def markdown_escape(text: str) -> str:
    """Plain text made inert for a Markdown renderer (st.markdown, st.warning, st.caption …): no
    links or autolinks, no images, no emphasis, no headings, no HTML, no LaTeX."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(lambda m: m.group(0) + "\u200b", text))
