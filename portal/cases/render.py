"""Markdown → HTML → sanitised HTML. Nothing a case author writes can run in a citizen's browser."""

from __future__ import annotations

import html

import markdown
import nh3

# Text formatting only: no images, forms, frames, styles or scripts; links keep href/title only.
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "del", "s", "ul", "ol", "li",
                "blockquote", "code", "pre", "h3", "h4", "h5", "h6", "hr", "a",
                "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown section (raw HTML in the source is cleaned, not trusted)."""
    raw = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    # Headings in a section start at h3 so a case cannot out-shout the page title.
    for level in (2, 1):
        raw = raw.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def plain_text(text: str, *, limit: int | None = None) -> str:
    """The words of a Markdown section without any markup (for summaries)."""
    words = html.unescape(nh3.clean(render_markdown(text), tags=set()))
    words = " ".join(words.split())
    if limit is not None and len(words) > limit:
        words = words[: limit - 1] + "…"
    return words
