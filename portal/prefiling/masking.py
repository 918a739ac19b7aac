"""Masking personal data (个人信息脱敏) for the staff queue until a handler reveals it.

The masked forms keep just enough to tell two records apart on the phone (area code and the
last digits of an ID number, the carrier prefix and the last four digits of a phone) and hide
the rest; the length of a name or address is not disclosed beyond its first characters.
"""

from __future__ import annotations

import dataclasses

STAR = "*"


def mask_id_number(value: str | None) -> str | None:
    """'370102196503151234' -> '3701**********1234' (area code and last four kept)."""
    if not value:
        return value
    if len(value) <= 8:
        return STAR * len(value)
    return value[:4] + STAR * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """'13812345678' -> '138****5678'; '0531-87654321' -> '053******4321'."""
    if not value:
        return value
    if len(value) <= 7:
        return STAR * (len(value) - 2) + value[-2:] if len(value) > 2 else STAR * len(value)
    return value[:3] + STAR * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """'张秀兰' -> '张**'; a name of one character is hidden whole."""
    if not value:
        return value
    return value[0] + STAR * (len(value) - 1) if len(value) > 1 else STAR


def mask_address(value: str | None) -> str | None:
    """'济南市历下区文化东路1号…' -> '济南市历下区****': the city and district only."""
    if not value:
        return value
    keep = min(6, len(value) // 2)
    return value[:keep] + STAR * 4


def mask_person(person: dict) -> dict:
    """An agent or representative dict with name and phone masked."""
    return {**person, "name": mask_name(person.get("name")), "phone": mask_phone(person.get("phone"))}


def masked(view):
    """A copy of a staff.StaffView with 姓名, 身份证号, 电话, 住址 and the people masked, and the ID
    and phone numbers written into the matter's words (事实与理由: 电话13912345678, a 补充说明, a
    reply) too."""
    from portal.qa.personal import mask_personal_numbers  # it uses this module's masks

    def in_text(value: str | None) -> str | None:
        return mask_personal_numbers(value) if value else value

    return dataclasses.replace(
        view, name=mask_name(view.name), id_number=mask_id_number(view.id_number),
        phone=mask_phone(view.phone), address=mask_address(view.address),
        people=[mask_person(p) for p in view.people], subject=in_text(view.subject), request=in_text(view.request),
        facts=in_text(view.facts), rating_comment=in_text(view.rating_comment),
        # a 补充说明 (我换了新手机号139…) is in the history, as are the replies
        history=tuple(dataclasses.replace(h, reply=in_text(h.reply)) for h in view.history), personal_masked=True)
