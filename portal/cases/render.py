"""Markdown → HTML → sanitised HTML. Nothing a case author writes can run in a citizen's browser."""

from __future__ import annotations

import html
import re

import markdown
import nh3

# Text formatting only: no images, forms, frames, styles or scripts; links keep href/title only.
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "del", "s", "ul", "ol", "li",
                "blockquote", "code", "pre", "h3", "h4", "h5", "h6", "hr", "a",
                "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")


_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9-]*)")
_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_STYLE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
_BAD_URL = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?!https?:|mailto:|#|/)[a-z][a-z0-9+.-]*:""", re.IGNORECASE)


def dropped(text: str) -> list[str]:
    """What render_markdown takes out of `text`, named for its author (the 编辑 typed it and the
    preview showed it gone without a word): <script>, <iframe> …, 事件属性, 不允许的链接."""
    raw = _html(text)
    found = [f"<{tag}>" for tag in dict.fromkeys(t.lower() for t in _TAG.findall(raw))
             if tag not in ALLOWED_TAGS and tag not in ("h1", "h2")]
    if _HANDLER.search(raw):
        found.append("事件属性（on…=）")
    if _STYLE.search(raw):
        found.append("样式属性（style=）")
    if _BAD_URL.search(re.sub(r"[\t\n\r]", "", html.unescape(raw))):   # java&#x09;script: too
        found.append("http、https、mailto 以外的链接（如 javascript:）")
    return found


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown section (raw HTML in the source is cleaned, not trusted)."""
    raw = _html(text)
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
