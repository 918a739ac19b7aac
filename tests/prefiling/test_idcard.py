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


def test_mask_hides_the_birth_date():
    masked = mask_id_number("11010519491231002X")
    assert masked == "1101**********002X" and "19491231" not in masked
