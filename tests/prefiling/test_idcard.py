"""身份证号码: GB 11643 check digit, X, and birth dates that cannot exist."""

import datetime as dt

import pytest

from portal.prefiling.form import validate_stage
from portal.prefiling.idcard import check_digit, problem
from portal.prefiling.masking import mask_id_number
from tests.prefiling.factories import make_form

TODAY = dt.date(2026, 11, 1)


def test_a_known_valid_number_passes():
    # The worked example of GB 11643-1999 annex: 11010519491231002X
    assert check_digit("11010519491231002") == "X"
    assert problem("11010519491231002X", today=TODAY) == ""


def test_lower_case_x_and_spaces_are_accepted():
    assert problem("110105 19491231 002x", today=TODAY) == ""


def test_a_wrong_check_digit_is_refused():
    assert problem("110105194912310021", today=TODAY) == "check"
    assert problem("440524188001010014", today=TODAY) == "birth"  # 1880 is too old to be plausible


@pytest.mark.parametrize("birth", ["19490230", "19491301", "20270101", "18991231", "19490000"])
def test_impossible_birth_dates_are_refused(birth):
    first17 = f"110105{birth}002"
    assert problem(first17 + check_digit(first17), today=TODAY) == "birth"


@pytest.mark.parametrize("raw", ["", "1101051949123100", "11010519491231002Y", "1101051949123100211"])
def test_wrong_shape_is_refused(raw):
    assert problem(raw, today=TODAY) == "shape"


def test_messages_say_which_part_is_wrong():
    def message(number):
        errors = validate_stage("petitioner", make_form(id_number=number), today=TODAY)
        return [e.message for e in errors if e.field == "id_number"]

    assert message("110105194912310021") == ["身份证号码的最后一位校验不通过，可能有一位输错了，请逐位核对。"]
    assert "出生日期" in message("110105194902300029")[0]
    assert "18位" in message("12345")[0]
    assert message("") == ["请填写身份证号码。"]
    assert message("11010519491231002X") == []


@pytest.mark.parametrize("number", [
    "810000199001011230",   # 港澳台居民居住证 (Hong Kong): 810000, then the GB 11643 layout
    "830000200002290015",   # Taiwan, born on a 29 February
    "911156198506150014",   # 外国人永久居留身份证 (2023): 9, province 11, country 156, birth date
])
def test_other_18_digit_papers_are_accepted(number):
    assert problem(number, today=TODAY) == ""


def test_a_number_of_another_shape_is_told_which_papers_do_and_where_else_to_go():
    """A 回乡证 (H12345678) cannot be entered; its holder is not left at 请核对位数."""
    errors = validate_stage("petitioner", make_form(id_number="H12345678"), today=TODAY)
    said = next(e.message for e in errors if e.field == "id_number")
    assert "港澳台居民居住证" in said and "外国人永久居留身份证" in said and "请来信或到来访接待大厅反映" in said


def test_mask_hides_the_birth_date():
    masked = mask_id_number("11010519491231002X")
    assert masked == "1101**********002X" and "19491231" not in masked


# One valid number for each remainder of GB 11643-1999 (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
# sum mod 11 → 1 0 X 9 8 7 6 5 4 3 2), worked by hand from the annex's 11010519491231002X: the first
# 16 digits weigh 163 (≡ 9), the 17th digit d weighs 2d, so "1101051949123100d" has remainder
# (9 + 2d) mod 11; the 16th digit weighs 4 ("...018": 163 + 4 + 16 = 183 ≡ 7).
BY_REMAINDER = {
    0: "110105194912310011",    # d=1: 11 ≡ 0 → 1
    1: "110105194912310070",    # d=7: 23 ≡ 1 → 0
    2: "11010519491231002X",    # d=2: 13 ≡ 2 → X (the annex's example)
    3: "110105194912310089",    # d=8: 25 ≡ 3 → 9
    4: "110105194912310038",    # d=3: 15 ≡ 4 → 8
    5: "110105194912310097",    # d=9: 27 ≡ 5 → 7
    6: "110105194912310046",    # d=4: 17 ≡ 6 → 6
    7: "110105194912310185",    # 183 ≡ 7 → 5
    8: "110105194912310054",    # d=5: 19 ≡ 8 → 4
    9: "110105194912310003",    # d=0: 9 → 3
    10: "110105194912310062",   # d=6: 21 ≡ 10 → 2
}


def iso7064_mod_11_2(number: str) -> bool:
    """The same check as ISO 7064 MOD 11-2 states it, independently of the code's table: the digit
    at place i from the right (1-based; X is 10) weighs 2^(i-1), and the total is 1 modulo 11."""
    values = [10 if c == "X" else int(c) for c in number]
    return sum(v * pow(2, i, 11) for i, v in enumerate(reversed(values))) % 11 == 1


@pytest.mark.parametrize("remainder", sorted(BY_REMAINDER))
def test_every_check_character_is_accepted_where_it_belongs(remainder):
    number = BY_REMAINDER[remainder]
    assert iso7064_mod_11_2(number)
    assert problem(number, today=TODAY) == "", number
    assert check_digit(number[:17]) == number[17]


@pytest.mark.parametrize("remainder", sorted(BY_REMAINDER))
def test_any_other_check_character_is_refused(remainder):
    number = BY_REMAINDER[remainder]
    for other in "0123456789X":
        if other != number[17]:
            assert not iso7064_mod_11_2(number[:17] + other)
            assert problem(number[:17] + other, today=TODAY) == "check", number[:17] + other
