"""Article numbers as citizens type them: "32", "第三十二条", "三十二", "276之一", "第276条之1"."""

from __future__ import annotations

import re

from portal.laws.numerals import CN_NUMERAL, cn_to_int

_NUM = f"(?:\\d+|{CN_NUMERAL})"
_REF = re.compile(f"^第?\\s*({_NUM})\\s*条?\\s*(?:之\\s*({_NUM}))?\\s*条?$")


def _to_int(token: str) -> int:
    return int(token) if token.isdigit() else cn_to_int(token)


def parse_article_ref(text: str) -> tuple[int, int] | None:
    """(number, sub) for a bare article reference, or None if `text` is not one."""
    cleaned = text.strip().replace(" ", "").replace("\u3000", "")
    cleaned = cleaned.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _REF.match(cleaned)
    if not m:
        return None
    try:
        number = _to_int(m.group(1))
        sub = _to_int(m.group(2)) if m.group(2) else 0
    except ValueError:
        return None
    return (number, sub) if number > 0 else None
