"""Field-level checks shared by the form stages: required, length, spreadsheet injection, phone."""

from __future__ import annotations

import re

from portal.field_errors import FieldError

FORMULA_START = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def clean(raw: object) -> str:
    """Trimmed text without control characters (keeps line breaks)."""
    return _CONTROL.sub("", str(raw or "")).strip()


def check_text(field: str, label: str, value: str, *, limit: int, required: bool = True,
               empty: str = "") -> FieldError | None:
    """Required, at most `limit` characters, and not starting like a spreadsheet formula."""
    if not value:
        return FieldError(field, empty or f"请填写{label}。") if required else None
    if len(value) > limit:
        return FieldError(field, f"{label}不能超过{limit}个字，现在是{len(value)}个字，请删减。")
    if value.startswith(FORMULA_START):
        return FieldError(field, f"{label}不能以 = + - @ 这几个符号开头，请删去开头的符号。")
    return None


def normalise_phone(raw: str) -> str:
    phone = re.sub(r"[\s()（）]", "", raw or "")
    phone = re.sub(r"^(\+|00)?86(?=1\d{10}$)", "", phone)
    return phone.replace("—", "-").replace("－", "-")


def check_phone(field: str, label: str, raw: str) -> FieldError | None:
    phone = normalise_phone(raw)
    if not phone:
        return FieldError(field, f"请填写{label}，方便工作人员联系您。")
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return None
    return FieldError(field, f"{label}格式不对：请填写11位手机号码（如 13812345678），"
                             "或带区号的固定电话（如 0531-87654321）。")
