"""Personal numbers in question text: masked when a citizen sends a question in, and refused in
a question the bank publishes."""

from __future__ import annotations

import re

from portal.prefiling.masking import mask_id_number, mask_phone
from portal.textinput import strip_invisible

# between the digits of one number people write spaces, dashes of every width, dots, commas and
# 顿号, slashes, tildes, asterisks (138.1234.5678, 138—1234—5678, 138 - 1234 - 5678, 370102。
# 19650315。1003): one or two such marks, with spaces around them
_SEP = r"(?:\s*[-.．·•/_。，,、—–‐‑―~～*]{1,2}\s*|\s+)?"
# 18-digit ID numbers (last may be X), old 15-digit ones, mobile numbers, landlines with area code
# (also in brackets: (0531)87654321); digits around them must not be digits (so a longer number is
# not masked in the middle)
_ID = re.compile(rf"(?<![\dXx])(\d(?:{_SEP}\d){{16}}{_SEP}[\dXx]|\d(?:{_SEP}\d){{14}})(?![\dXx])")
# full-width digits (１３９…) and their X, dash and plus become the ASCII ones (the text is
# otherwise kept as written)
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                             "Ｘ": "X", "ｘ": "x", "－": "-", "＋": "+"})
_MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?(1{_SEP}[3-9](?:{_SEP}\d){{9}})(?!\d)")
_LANDLINE = re.compile(rf"(?<!\d)([(（]?0\d{{2,3}}[)）]?{_SEP}\d(?:{_SEP}\d){{6,7}})(?!\d)")


def _digits(number: str) -> str:
    return re.sub(r"[^\dXx]", "", number)


def _plain(text: str) -> str:
    """The text as the patterns read it: no zero-width or other invisible characters hiding a
    number between its digits, full-width digits as ASCII."""
    return strip_invisible(text).translate(_FULL_WIDTH)


def mask_personal_numbers(text: str) -> str:
    """The text with every ID-card number and phone number masked (身份证号、电话脱敏)."""
    text = _plain(text)
    text = _ID.sub(lambda m: mask_id_number(_digits(m.group(1))), text)
    text = _MOBILE.sub(lambda m: mask_phone(_digits(m.group(1))), text)
    return _LANDLINE.sub(lambda m: mask_phone(_digits(m.group(1))), text)


def has_personal_numbers(text: str) -> bool:
    """Whether the text holds an ID-card number or a phone number."""
    text = _plain(text)
    return any(p.search(text) for p in (_ID, _MOBILE, _LANDLINE))


_MASKED = re.compile(r"\*{3,}")                                   # 3701**********1234, 137****2222
_NAMED = re.compile(r"(?:我叫|本人叫|名叫|我姓)[\u4e00-\u9fff]")     # 我叫赵大山 (not 姓名权)


def personal_data_problem(text: str) -> str | None:
    """Why a question may not go into the bank as written: it carries a person's numbers (even
    masked, as a sent-in question arrives) or introduces someone by name. Bank questions are
    public under 相似问题, so they are written as general questions."""
    if _MASKED.search(text) or has_personal_numbers(text):
        return "问题中有身份证号或电话号码（含已隐去的 **** 部分）。问题会公开显示，请删去这些号码，改写为通用说法。"
    if _NAMED.search(text):
        return "问题中像是写了姓名（如“我叫……”）。问题会公开显示，请删去姓名，改写为通用说法。"
    return None
