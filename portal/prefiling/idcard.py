"""居民身份证号码 (GB 11643-1999): 17 digits, a check digit (0-9 or X), a plausible birth date."""

from __future__ import annotations

import datetime as dt
import re

from portal.textinput import ascii_digits, single_line

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
OLDEST_YEAR = 1900


def normalise(raw: str) -> str:
    """ASCII digits (full-width and other scripts' digits converted), no spaces, dashes
    (370102-19650315-1234) or invisible characters, a lower-case x upper-case (people type both)."""
    return re.sub(r"[\s\-\u2010-\u2015\u2212\ufe63]+", "", ascii_digits(single_line(raw or ""))).upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problem(raw: str, *, today: dt.date) -> str:
    """'' when valid, else which part is wrong: 'shape', 'birth' or 'check'."""
    number = normalise(raw)
    if not _SHAPE.match(number):
        return "shape"
    born = birth_date(number)
    if born is None or born.year < OLDEST_YEAR or born > today:
        return "birth"
    if check_digit(number[:17]) != number[17]:
        return "check"
    return ""

