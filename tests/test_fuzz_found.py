"""Inputs a fuzzing pass found mishandled: each case is the concrete input that failed."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from portal.cases.content import parse_case_text, to_case_text, validate_draft
from portal.field_errors import ValidationFailed
from portal.prefiling import idcard
from portal.prefiling.fields import check_phone, normalise_phone
from portal.prefiling.ratelimit import ClientInfo
from portal.qa import inbox
from portal.qa.personal import mask_personal_numbers
from tests.cases.factories import make_draft
from tests.prefiling.factories import valid_id


@pytest.mark.parametrize(("typed", "stored"), [
    ("138-1234-5678", "13812345678"), ("138.1234.5678", "13812345678"), ("138—1234—5678", "13812345678"),
    ("+86-138-1234-5678", "13812345678"), ("86-13812345678", "13812345678"),
    ("0531-8765-4321", "0531-87654321"), ("010.1234.5678", "010-12345678"), ("0531-876-4321", "0531-8764321"),
    # a two-digit area code (010, 02x) is not taken for three, and a landline is stored one way
    ("010 8765-4321", "010-87654321"), ("021 6123-4567", "021-61234567"), ("0531 8765 4321", "0531-87654321"),
    ("053187654321", "0531-87654321"), ("(0531)87654321", "0531-87654321"), ("0531-87654321-123", "0531-87654321-123"),
])
def test_a_mainland_number_written_in_groups_is_taken(typed, stored):
    assert check_phone("phone", "联系电话", typed) is None
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("phone", ["138-1234-567", "128-1234-5678", "0531-8765-43210", "+1-381-234-5678x"])
def test_grouped_numbers_that_are_no_number_are_still_refused(phone):
    assert check_phone("phone", "联系电话", phone) is not None


def test_an_id_number_written_with_dashes_is_taken():
    number = valid_id()
    for typed in (f"{number[:6]}-{number[6:14]}-{number[14:]}", f"{number[:6]}—{number[6:14]}—{number[14:]}"):
        assert idcard.normalise(typed) == number
        assert idcard.problem(typed, today=__import__("datetime").date(2026, 1, 1)) == ""


@pytest.mark.parametrize(("raw", "hidden"), [
    ("手机138・1234・5678", "1234"), ("手机138‧1234‧5678", "1234"), ("手机138∙1234∙5678", "1234"),
    ("手机138⋅1234⋅5678", "1234"), ("手机138･1234･5678", "1234"),
    ("身份证370102‧19650315‧1003", "19650315"), ("身份证370102・19650315・1003", "19650315"),
    ("电话+852・9123・4567", "9123"),
])
def test_numbers_written_with_another_middle_dot_are_masked(raw, hidden):
    assert hidden not in mask_personal_numbers(raw)


def test_a_sent_question_of_invisible_characters_is_refused_not_stored_empty(db_engine):
    from portal.prefiling.crypto import get_cipher

    with Session(db_engine) as s:
        for text in ("\u200b" * 10, "\x00" * 10, "  \u200b\u200b\u200b\u200b\u200b  "):
            with pytest.raises(ValidationFailed, match="没有能看到的文字"):
                inbox.send_question(session=s, text=text, client=ClientInfo("fuzz-1"), cipher=get_cipher())
        with pytest.raises(ValidationFailed, match="太短"):   # 2 characters seen, 5 typed
            inbox.send_question(session=s, text="工资\u200b\u200b\u200b", client=ClientInfo("fuzz-1"), cipher=get_cipher())


def test_a_case_section_with_a_level_2_heading_is_refused_as_the_file_would_lose_it(library):
    draft = make_draft(facts="案情第一段\n## 处理结果\n另一段")
    # what the export then import did with it: the line and what follows went to another section
    assert parse_case_text(to_case_text(slug="x", draft=draft, published=None), slug="x").draft.facts == "案情第一段"
    assert [e.field for e in validate_draft(draft, library=library)] == ["facts"]
    assert validate_draft(make_draft(facts="案情第一段\n### 小标题\n另一段"), library=library) == []


@pytest.mark.parametrize("dates", ["材料分别在2023-03-15、2023-04-20、2023-05-10交的",
                                   "2023年3月15日、2023年4月20日、2023年5月10日去过三次", "2023.03.15、2023.04.20、2023.05.10"])
def test_a_list_of_dates_is_not_masked(dates):
    """Masking (a question sent to staff) took any 18 digits for an ID number, so a list of dates lost
    its middle."""
    assert mask_personal_numbers(dates) == dates


def test_an_id_number_with_a_mistyped_check_digit_or_birth_date_is_still_masked():
    """A citizen's own number with one digit wrong is still theirs, also when written with dashes
    around its birth date."""
    number = valid_id()
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    no_such_day = number[:10] + "0230" + number[14:]   # 30 February
    for typed in (wrong_check, no_such_day, f"{number[:6]}-{number[6:10]}-{number[10:12]}-{number[12:14]}-{number[14:]}"):
        masked = mask_personal_numbers(f"我的身份证{typed}，请帮忙")
        assert masked.startswith(f"我的身份证{number[:4]}**") and masked.endswith(f"{typed[-4:]}，请帮忙"), masked


@pytest.mark.parametrize(("raw", "hidden"), [("电话+ 852 9123 4567", "9123"), ("+ 1 415 555 2671", "555")])
def test_a_number_from_abroad_with_a_space_after_the_plus_is_masked(raw, hidden):
    assert hidden not in mask_personal_numbers(raw)
