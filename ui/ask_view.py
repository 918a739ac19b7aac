"""HTML pieces of the 法律问答 page: a result card with highlighted, escaped article text."""

from __future__ import annotations

import re

from portal.laws.library import Library
from portal.search.api import SearchHit
from ui.common import esc, permalink, status_badge_html


def highlight(text: str, terms: tuple[str, ...]) -> str:
    """The article text escaped, each line kept, matched words wrapped in <mark>. Terms are matched
    on the raw text and every piece is escaped separately, so no input can inject markup."""
    terms = tuple(t for t in terms if t)
    if not terms:
        return "<br>".join(esc(line) for line in text.split("\n"))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)))
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(esc(text[pos:m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def result_card_html(hit: SearchHit, library: Library, *, exact: bool = False) -> str:
    provision = library.provision(hit.provision_id)
    if provision is None:
        return ""
    law = library.law_of(provision)
    path = " · ".join(provision.path)
    tag = '<span class="ask-exact">您查找的条文</span> ' if exact else ""
    repealed = ('<div class="ask-repealed">本条出自已废止的法规，仅供参考，不再作为现行依据。</div>'
                if law.is_repealed else "")
    return (
        '<div class="ask-card">'
        f'<div class="ask-head">{tag}<strong>《{esc(law.title)}》{esc(provision.label)}</strong> '
        f'{status_badge_html(law)}</div>'
        + (f'<div class="ask-path">{esc(path)}</div>' if path else "")
        + repealed
        + f'<div class="article">{highlight(provision.text, hit.matched_terms)}</div>'
        f'<div class="ask-link"><a href="{esc(permalink(law.slug, provision.label))}" target="_self">'
        f'在法规库中查看{esc(provision.label)}</a></div>'
        "</div>"
    )


ASK_CSS = """
<style>
.ask-card {border:1px solid #d0d7de;border-radius:0.5rem;padding:0.7rem 0.9rem;margin:0 0 0.4rem 0;
  overflow-wrap:anywhere;}
.ask-head {font-size:1.05rem;line-height:1.6;}
.ask-path {color:#555;font-size:0.9rem;}
.ask-exact {background:#1a56db;color:#fff;border-radius:0.3rem;padding:0 0.4rem;font-size:0.85rem;}
.ask-repealed {color:#a11212;font-weight:600;margin:0.3rem 0;}
.ask-card .article {margin:0.4rem 0;padding:0;}
.ask-link a {font-size:0.95rem;}
</style>
"""
