"""Highlighting (高亮) of matched words in an article: escaped HTML with <mark> around matches.
Plain functions (no streamlit) so any view can use them and tests can import them safely."""

from __future__ import annotations

import re

from portal.text.escape import html_lines


def highlight(text: str, terms: tuple[str, ...]) -> str:
    """The article text escaped, each line kept, matched words wrapped in <mark>. Terms are matched
    on the raw text and every piece is escaped separately, so no input can inject markup."""
    terms = tuple(t for t in terms if t)
    if not terms:
        return html_lines(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)))
    spans: list[list[int]] = []
    for m in pattern.finditer(text):
        if spans and m.start() <= spans[-1][1]:  # adjacent matches become one mark
            spans[-1][1] = max(spans[-1][1], m.end())
        else:
            spans.append([m.start(), m.end()])
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(html_lines(text[pos:start]))
        out.append(f"<mark>{html_lines(text[start:end])}</mark>")
        pos = end
    out.append(html_lines(text[pos:]))
    return "".join(out)
