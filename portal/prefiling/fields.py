"""Field-level checks shared by the form stages: required, length, spreadsheet injection, phone."""

from __future__ import annotations

import re
import unicodedata

from portal.field_errors import FieldError
from portal.textinput import (
    FORMULA_START,
    ascii_digits,
    multi_line,
    only_invisible,
    single_line,
    starts_like_formula,
)

__all__ = ["FORMULA_START", "FieldError", "check_line", "check_phone", "check_text", "clean",
           "normalise_phone"]

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?$")
# Outside the mainland, kept as a call from the mainland dials it: Hong Kong and Macao (+852 / +853,
# 8 digits), Taiwan (+886, a 9-digit mobile 9… or an 8–9 digit landline without its 0), and any
# other country's number as E.164 allows (+, country code, at most 15 digits in all)
_ABROAD = re.compile(r"^\+(?:85[23][2-9][0-9]{7}|886[2-9][0-9]{7,8}|(?!85[23]|886|86)[1-9][0-9]{7,14})$")
_ABROAD_PREFIX = re.compile(r"^(?:\+|00)(?!86)(?=[1-9])")
# a mainland landline written from abroad: +86 531 8765 4321 → 0531-87654321 (area codes 10 and 2x
# have two digits, every other one three)
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"   # an area code without its 0
_MAINLAND_FROM_ABROAD = re.compile(rf"^(?:\+|00)86-?({_AREA})-?([2-9][0-9]{{6,7}})$")

_MOBILE_GROUPED = re.compile(r"^(?:(?:\+|00)?86)?(1[3-9][0-9]{9})$")
# a mainland landline however grouped (0531 8765 4321, 010-8765-4321, 053187654321, 0531.8765.4321,
# an extension after a dash): stored one way, 0531-87654321; the area code by the same rule as above
_LANDLINE_GROUPED = re.compile(rf"^0({_AREA})[-.]?([0-9]{{3,4}})[-.]?([0-9]{{4}})((?:-[0-9]{{1,6}})?)$")


def clean(raw: object) -> str:
    """Trimmed text without control, bidi or zero-width characters (keeps line breaks)."""
    return multi_line(raw)


def invisible_only(field: str, label: str) -> FieldError:
    return FieldError(field, f"{label}里没有能看到的文字（可能是复制时带进来的空白符号），请删掉后重新输入。")


def check_text(field: str, label: str, value: str, *, limit: int, required: bool = True,
               empty: str = "") -> FieldError | None:
    """Required, at most `limit` characters, and not starting like a spreadsheet formula (also
    full-width ＝＋－＠, small ﹦, or an = behind zero-width characters)."""
    if not value:
        return FieldError(field, empty or f"请填写{label}。") if required else None
    if len(value) > limit:
        return FieldError(field, f"{label}不能超过{limit}个字，现在是{len(value)}个字，请删减。")
    if starts_like_formula(value):
        return FieldError(field, f"{label}不能以 = + - @ 这几个符号开头，请删去开头的符号。")
    return None


def check_line(field: str, label: str, raw: object, *, limit: int, required: bool = True,
               empty: str = "", multiline: bool = False) -> FieldError | None:
    """check_text on the cleaned value; a value that was only invisible characters is refused
    (required or not) with its own message."""
    value = multi_line(raw) if multiline else single_line(raw)
    if only_invisible(raw, value):
        return invisible_only(field, label)
    return check_text(field, label, value, limit=limit, required=required, empty=empty)


def check_plain(field: str, label: str, raw: object, *, limit: int, empty: str = "") -> FieldError | None:
    """check_line for a name or an address, which hold no emoji or other pictographs (张三😀 and
    😀🏠 went through to staff as a name and an address)."""
    problem = check_line(field, label, raw, limit=limit, empty=empty)
    if problem is None and any(unicodedata.category(c) == "So" for c in single_line(raw)):
        return FieldError(field, f"{label}中有表情符号等图形符号，请只用文字填写。")
    return problem


def normalise_phone(raw: str) -> str:
    """ASCII digits (full-width and other digits converted), no spaces or brackets, no +86 (a
    landline gets its 0 back); a number outside the mainland as +<country code><number>, no dashes."""
    phone = re.sub(r"[\s()]", "", ascii_digits(single_line(raw)))
    phone = re.sub(r"^(\+|00)?86(?=1[0-9]{10}$)", "", phone)
    phone = phone.replace("—", "-").replace("－", "-")
    # a mainland number written in groups: 138-1234-5678, 138.1234.5678, +86-138-1234-5678,
    # 0531-8765-4321 (a mobile keeps no marks, a landline one dash after its area code)
    if mobile := _MOBILE_GROUPED.match(re.sub(r"[-.]", "", phone)):
        return mobile[1]
    if grouped := _LANDLINE_GROUPED.match(phone):
        return f"0{grouped[1]}-{grouped[2]}{grouped[3]}{grouped[4]}"
    if local := _MAINLAND_FROM_ABROAD.match(phone):
        return f"0{local[1]}-{local[2]}"
    if _ABROAD_PREFIX.match(phone):   # +852 9123-4567 → +85291234567
        phone = "+" + _ABROAD_PREFIX.sub("", phone).replace("-", "")
    return phone


def check_phone(field: str, label: str, raw: str) -> FieldError | None:
    phone = normalise_phone(raw)
    if not phone:
        if only_invisible(raw, phone):
            return invisible_only(field, label)
        return FieldError(field, f"请填写{label}，方便工作人员联系您。")
    if _MOBILE.match(phone) or _LANDLINE.match(phone) or _ABROAD.match(phone):
        return None
    return FieldError(field, f"{label}格式不对：请填写11位手机号码（如 13812345678），"
                             "或带区号的固定电话（如 0531-87654321）；境外电话请加国家或地区代码（如 +852 91234567）。")
