"""查询码, 查询密码 and 草稿码 as the citizen receives them: the README's lengths, and none of the
look-alike characters the codes module promises to leave out (0/O, 1/I/L, U), so a code read
out over the phone or copied by hand from a receipt cannot be mistaken."""

from __future__ import annotations

import re

from sqlmodel import Session

from portal.prefiling import codes
from tests.prefiling.factories import make_prefiling

LOOK_ALIKES = set("0O1ILU")
ALLOWED = re.compile(r"[2-9A-Z]+")


def _clean(value: str) -> bool:
    return bool(ALLOWED.fullmatch(value)) and not (set(value) & LOOK_ALIKES)


def test_many_codes_secrets_and_draft_codes_have_no_look_alike_characters():
    drawn = ([codes.new_reference_code() for _ in range(2000)] + [codes.new_secret() for _ in range(2000)]
             + [codes.new_draft_code() for _ in range(1000)])
    bad = [v for v in drawn if not _clean(v)]
    assert bad == []
    # 30 characters (the codes module's count: 2-9 and A-Z less O I L U), each of them drawn
    expected = set("23456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") - LOOK_ALIKES
    assert len(expected) == 30 and set("".join(drawn)) == expected


def test_a_submission_gets_a_ten_character_code_and_an_eight_character_secret(db_engine):
    """README: 查询码 10 characters, 查询密码 8 characters."""
    with Session(db_engine) as s:
        made = make_prefiling(s)
    assert len(made.code) == 10 and len(made.secret) == 8
    assert _clean(made.code) and _clean(made.secret)
    assert codes.grouped(made.code).count("-") == 2  # read out as ABCD-EFGH-JK



def test_a_draft_code_is_recognised_as_typed_and_a_reference_code_is_not():
    draft = codes.new_draft_code()
    assert codes.looks_like_draft(draft) and codes.looks_like_draft(f" {draft[:6].lower()}-{draft[6:]} ")
    assert not codes.looks_like_draft(codes.new_reference_code()) and not codes.looks_like_draft(codes.new_secret())
    assert not codes.looks_like_draft("0" * codes.DRAFT_LENGTH)   # not of the codes' alphabet
