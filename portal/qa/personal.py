"""Personal numbers in question text: masked when a citizen sends a question in, and refused in
a question the bank publishes."""

from __future__ import annotations

import re

from portal.prefiling.masking import mask_id_number, mask_phone

# 18-digit ID numbers (last may be X), old 15-digit ones — also written in groups with spaces or
# dashes (3701 0219 8001 0112 37, 370102-19800101-1237) —, mobile numbers, landlines with area
# code; digits around them must not be digits (so a longer number is not masked in the middle)
_ID = re.compile(r"(?<![\dXx])(\d(?:[- ]?\d){16}[- ]?[\dXx]|\d(?:[- ]?\d){14})(?![\dXx])")
# full-width digits (１３９…) and their X, dash and plus become the ASCII ones (the text is otherwise
# kept as written)
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                             "Ｘ": "X", "ｘ": "x", "－": "-", "＋": "+"})
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}[- ]?\d{7,8})(?!\d)")


def mask_personal_numbers(text: str) -> str:
    """The text with every ID-card number and phone number masked (身份证号、电话脱敏)."""
    text = text.translate(_FULL_WIDTH)
    text = _ID.sub(lambda m: mask_id_number(re.sub(r"[- ]", "", m.group(1))), text)
    text = _MOBILE.sub(lambda m: mask_phone(re.sub(r"[- ]", "", m.group(1))), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group(1)), text)


def has_personal_numbers(text: str) -> bool:
    """Whether the text holds an ID-card number or a phone number."""
    text = text.translate(_FULL_WIDTH)
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
