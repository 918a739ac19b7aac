"""Article numbers, the one module: Chinese numerals as used in article labels (第一千二百六十条,
第二百七十六条之一), and article numbers as citizens type them ("32", "第三十二条", "276之一", full-width
digits). The exact-reference search (portal/search/exact.py) and the 法规库 jump box both parse here."""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千]+"
_CN_RE = re.compile(f"^{CN_NUMERAL}$")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
NUMBER = f"(?:\\d+|{CN_NUMERAL})"


def cn_to_int(text: str) -> int:
    """Parse a Chinese numeral ("一千二百六十" -> 1260, "十" -> 10). Raises ValueError."""
    if not text or not _CN_RE.match(text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total = num = 0
    for ch in text:
        if ch in _DIGITS:
            num = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if num == 0 and unit == 10:   # 十 with no digit before it: 十五, and as typed 一百十 = 110
                num = 1
            total += num * unit
            num = 0
    return total + num


def int_to_cn(value: int) -> str:
    """Write 1..9999 the way statutes do (10 -> 十, 110 -> 一百一十, 1077 -> 一千零七十七)."""
    if not 0 < value < 10000:
        raise ValueError(f"out of range: {value}")
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    pending_zero = False
    for size, unit in units:
        d = value // size % 10
        if d == 0:
            if parts:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        if not (size == 10 and d == 1 and not parts):
            parts.append(digits[d])
        parts.append(unit)
    return "".join(parts)


def article_label(number: int, sub: int = 0) -> str:
    """The label of article `number` (and its 之`sub` insertion): 第二百七十六条之一."""
    label = f"第{int_to_cn(number)}条"
    return f"{label}之{int_to_cn(sub)}" if sub else label


def past_the_end(ref: tuple[int, int], numbers: Iterable[tuple[int, int]]) -> str:
    """"，最后一条是第X条" when article `ref` lies past the last of `numbers` (a law's articles, as
    (number, sub)), else "": what 查找条文 and 法律问答 add to "the law has no such article"."""
    last = max(numbers, default=None)
    return f"，最后一条是{article_label(*last)}" if last and ref > last else ""


_LABEL_RE = re.compile(f"^第({CN_NUMERAL})条(?:之({CN_NUMERAL}))?$")


def parse_label(label: str) -> tuple[int, int]:
    """第二百七十六条之一 -> (276, 1). Raises ValueError for anything else."""
    m = _LABEL_RE.match(label)
    if not m:
        raise ValueError(f"not an article label: {label!r}")
    return cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0


def number_value(token: str | None) -> int:
    """An article number as written: "32" -> 32, "三十二" -> 32, None or "" -> 0. Raises ValueError."""
    if not token:
        return 0
    return int(token) if token.isdigit() else cn_to_int(token)


_REF = re.compile(f"^第?\\s*({NUMBER})\\s*条?\\s*(?:之\\s*({NUMBER}))?\\s*条?$")


def parse_article_ref(text: str) -> tuple[int, int] | None:
    """(number, sub) for a bare article reference, or None if `text` is not one."""
    cleaned = text.strip().replace(" ", "").replace("\u3000", "")
    cleaned = cleaned.translate(FULLWIDTH_DIGITS)
    m = _REF.match(cleaned)
    if not m:
        return None
    try:
        number = number_value(m.group(1))
        sub = number_value(m.group(2))
    except ValueError:
        return None
    return (number, sub) if number > 0 else None


def address_form(number: int, sub: int = 0) -> str:
    """An article as a shared address names it, in ASCII: "38", "276-1" for 第二百七十六条之一. Some
    chat apps end a link they find in a message at its first Chinese character."""
    return f"{number}-{sub}" if sub else str(number)


_ADDRESS_FORM = re.compile(r"^([1-9]\d*)-([1-9]\d*)$")


def parse_address_form(text: str) -> tuple[int, int] | None:
    """"276-1" -> (276, 1): the 之 form of address_form; None for anything else."""
    m = _ADDRESS_FORM.match(text.strip())
    return (int(m[1]), int(m[2])) if m else None
