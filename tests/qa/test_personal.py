"""A bank question is public under 相似问题: no personal numbers (masked or not), no names."""

import pytest

from portal.qa import service


@pytest.mark.parametrize(("text", "says"), [
    ("我叫赵大山，身份证3701**********1234，邻居装修噪音太大怎么办", "身份证号或电话号码"),   # masked on arrival
    ("电话13712342222，邻居装修噪音太大怎么办", "身份证号或电话号码"),
    ("电话(0531)87654321，邻居装修噪音太大怎么办", "身份证号或电话号码"),
    ("手机137\u200b1234\u200b2222，邻居装修噪音太大怎么办", "身份证号或电话号码"),
    ("手机138−1234−5678，邻居装修噪音太大怎么办", "身份证号或电话号码"),
    ("身份证370102【19650315】1003，邻居装修噪音太大怎么办", "身份证号或电话号码"),
    ("家里座机8765-4321，邻居装修噪音太大怎么办", "身份证号或电话号码"),
    ("我叫赵大山，邻居装修噪音太大怎么办", "姓名"),
    ("住在花园小区3号楼2单元501室，楼上装修噪音太大怎么办", "住址（“3号楼”）"),
    ("家住文化东路12号，邻居装修噪音太大怎么办", "住址（“路12号”）"),
])
def test_a_question_with_personal_data_is_not_saved_into_the_public_bank(text, says, library):
    errors = service.validate(question=text, provision_ids=["minfadian-2020:第二百九十四条"], library=library)
    assert [e.field for e in errors] == ["question"] and says in errors[0].message


def test_rooms_and_houses_counted_in_words_are_not_taken_for_an_address(library):
    for text in ("三室一厅的房子离婚时怎么分？", "父母留下两栋房子，兄弟姐妹怎么继承？"):
        assert service.validate(question=text, provision_ids=["minfadian-2020:第一千零一十二条"], library=library) == []


def test_questions_about_names_are_not_taken_for_personal_data(library):
    for text in ("变更姓名，我有哪些需要注意的情形？", "冒用他人姓名进行婚姻登记的，婚姻成立吗？"):
        assert service.validate(question=text, provision_ids=["minfadian-2020:第一千零一十二条"], library=library) == []


def test_ordinary_numbers_after_a_phone_word_are_not_taken_for_personal_data(library):
    text = "打电话投诉邻居装修，对方赔偿12000000元是否合理？"
    assert service.validate(question=text, provision_ids=["minfadian-2020:第二百九十四条"], library=library) == []
