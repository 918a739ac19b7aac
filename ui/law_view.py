"""HTML for law text: every article verbatim, its 款 and 项 on their own lines, text escaped."""

from __future__ import annotations

from collections.abc import Iterable

from portal.laws.ids import label_of
from portal.laws.loader import ARTICLE_SEPARATOR, Block, Law, Provision
from portal.text.escape import html_escape, html_lines
from ui.links import permalink


def article_html(provision: Provision, *, target: bool = False, link: bool = True) -> str:
    label, body = provision.label, provision.body
    css = "article article-target" if target else "article"
    anchor = f'<a href="{html_escape(permalink(provision.law_slug, label))}" target="_self" ' \
             f'aria-label="{html_escape(label)}的链接">🔗</a>' if link else ""
    return (f'<div class="{css}" id="{html_escape(label)}"><span class="article-label">{html_escape(label)}</span>'
            f'{ARTICLE_SEPARATOR}{html_lines(body)} {anchor}</div>')


def blocks_html(blocks: Iterable[Block], law: Law, *, target_id: str | None = None) -> str:
    """One HTML string for a run of blocks (rendered at once: far faster than a widget each)."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            level = min(block.level + 2, 6)
            out.append(f"<h{level}>{html_escape(block.text)}</h{level}>")
        elif block.kind == "article":
            provision = law.provision(label_of(block.provision_id))
            out.append(article_html(provision, target=block.provision_id == target_id))
        elif block.kind == "quote":
            out.append(f"<blockquote>{html_lines(block.text)}</blockquote>")
        else:
            out.append(f'<p class="law-text">{html_lines(block.text)}</p>')
    return "\n".join(out)
