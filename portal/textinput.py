"""Untrusted text as typed or pasted: invisible characters removed, digits made ASCII, and the
test a spreadsheet would apply before reading a cell as a formula.

Why: control characters, bidi overrides (U+202E turns `gpj.exe` into `exe.jpg` on screen),
byte-order marks and zero-width characters let a value look different from what it is, or look
empty while it is not. Full-width digits (IME full-width mode) are the same digits; Arabic-Indic
and other decimal digits are normalised the same way rather than half-accepted by `\\d`.
Traditional characters (繁体) become simplified ones where text is searched in the library, which
is in simplified characters (`to_simplified`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

FORMULA_START = ("=", "+", "-", "@")
# a spreadsheet also starts a formula (or a DDE call) after a leading tab or line break
CELL_DANGEROUS_START = (*FORMULA_START, "\t", "\r", "\n")

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\ufff9-\ufffb"
_TAGS = "\U000e0000-\U000e007f"
# half of a UTF-16 pair on its own: no character, and UTF-8 (the database, a hash) cannot encode it
_LONE_SURROGATES = "\ud800-\udfff"
# invisible in every field: C0 controls but tab/LF/CR, DEL, C1 controls, bidi, zero-width, tags,
# lone surrogates
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_ZERO_WIDTH}{_TAGS}{_LONE_SURROGATES}]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")


def strip_invisible(raw: object) -> str:
    """The text without controls (line breaks and tabs kept), bidi overrides, BOM or zero-width
    characters."""
    return _INVISIBLE.sub("", str(raw if raw is not None else ""))


def single_line(raw: object) -> str:
    """A one-line field (name, phone, address …): invisible characters removed, line breaks and
    tabs made spaces, trimmed."""
    return _LINE_BREAKS.sub(" ", strip_invisible(raw)).strip()


def multi_line(raw: object) -> str:
    """A text area (诉求, 事实与理由, replies): invisible characters removed, line breaks kept
    (CR LF and CR become LF), trimmed."""
    text = strip_invisible(raw).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n").strip()


def only_invisible(raw: object, cleaned: str) -> bool:
    """True when something was typed but nothing visible is left (e.g. a name of zero-width
    characters)."""
    return bool(str(raw or "").strip()) and not cleaned


def ascii_digits(raw: str) -> str:
    """NFKC (full-width ０-９ Ｘ －) and then every other decimal digit (Arabic-Indic ٠-٩ …) as
    ASCII 0-9."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.category(c) == "Nd"
                   else c for c in text)


def formula_probe(text: str) -> str:
    """What a spreadsheet effectively sees at the start of a cell: NFKC (＝ ＋ － ＠ ﹦ are = + - @)
    with the invisible characters that could hide a leading = removed."""
    return unicodedata.normalize("NFKC", strip_invisible(text))


def starts_like_formula(text: str) -> bool:
    """Would a spreadsheet read this (form field) value as a formula?"""
    return formula_probe(text).lstrip(" ").startswith(FORMULA_START)


def dangerous_cell(text: str) -> bool:
    """Would a spreadsheet read this CSV cell as a formula, or start one after a tab/line break?"""
    probe = formula_probe(text)
    return probe.startswith(CELL_DANGEROUS_START) or probe.lstrip(" ").startswith(CELL_DANGEROUS_START)


HAN = re.compile(r"[\u4e00-\u9fff]")   # a CJK unified ideograph (the basic block)


@cache
def _t2s():
    import opencc  # opencc-python-reimplemented: ~2 ms to build, then about 0.1 ms a question

    converter = opencc.OpenCC("t2s")
    converter.convert("")  # reads its tables now: done lazily, two threads' first calls would race
    return converter


def to_simplified(text: str) -> str:
    """`text` in simplified characters; unchanged (the same object) when no character of it is
    traditional. The check runs character by character, the conversion on the whole text, so
    that a word converts as a word."""
    convert = _t2s().convert
    if not any(convert(ch) != ch for ch in set(HAN.findall(text))):
        return text
    return convert(text)
