"""Every validation message of the staged form, in the words the citizen reads."""

import datetime as dt

import pytest

from portal.prefiling.form import label_of, relation_label, to_create, validate_all, validate_stage
from tests.prefiling.factories import make_form

TODAY = dt.date(2026, 11, 1)


def messages(stage, **changes):
    return {e.field: e.message for e in validate_stage(stage, make_form(**changes), today=TODAY)}


def test_a_complete_form_has_no_problems():
    assert validate_all(make_form(), today=TODAY) == []


NO_CONSENT = "请勾选“我已阅读以上须知，同意按上述方式处理我的个人信息”，才能继续填写。"


def test_consent_must_be_ticked():
    assert messages("consent", consent=False) == {"consent": NO_CONSENT}


@pytest.mark.parametrize("given", ["true", "True", "on", "1", 1, "false", None], ids=repr)
def test_only_the_ticked_box_itself_counts_as_consent(given):
    """Consent is the checkbox's own True; a string or number from a stored draft or a crafted
    request is not a tick (and "false" would otherwise read as one)."""
    assert messages("consent", consent=given) == {"consent": NO_CONSENT}
    assert messages("consent", consent=True) == {}


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("name", "", "请填写姓名。"),
    ("name", "张" * 31, "姓名不能超过30个字，现在是31个字，请删减。"),
    ("name", "=HYPERLINK(\"x\")", "姓名不能以 = + - @ 这几个符号开头，请删去开头的符号。"),
    ("phone", "", "请填写联系电话，方便工作人员联系您。"),
    ("phone", "12345", "联系电话格式不对：请填写11位手机号码（如 13812345678），或带区号的固定电话（如 0531-87654321）；"
                        "境外电话请加国家或地区代码（如 +852 91234567）。"),
    ("address", "", "请填写住址，写到门牌号，方便书面答复送达。"),
    ("address", "@SUM(A1)", "住址不能以 = + - @ 这几个符号开头，请删去开头的符号。"),
])
def test_petitioner_messages(field, value, expected):
    assert messages("petitioner", **{field: value})[field] == expected


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+8613812345678", "0531-87654321",
                                   "053187654321", "010-12345678-123"])
def test_accepted_phone_numbers(phone):
    assert "phone" not in messages("petitioner", phone=phone)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("district", "", "请填写问题发生地所在的区（县、市），例如“历下区”。"),
    ("category", "", "请选择信访事项的类别。"),
    ("request", "", "请写明诉求，也就是您希望有关部门做什么。"),
    ("request", "+1 请求", "诉求不能以 = + - @ 这几个符号开头，请删去开头的符号。"),
    ("facts", "", "请写明事实与理由：发生了什么、什么时间、涉及哪个单位。"),
    ("facts", "事" * 5001, "事实与理由不能超过5000个字，现在是5001个字，请删减。"),
    ("subject", "-某公司", "被反映对象不能以 = + - @ 这几个符号开头，请删去开头的符号。"),
    ("attachments", [{}] * 6, "附件最多5个，请删去多出的附件。"),
])
def test_matter_messages(field, value, expected):
    assert messages("matter", **{field: value})[field] == expected


def test_subject_is_optional():
    assert messages("matter", subject="") == {}


def test_history_messages():
    assert messages("history", raised_before="") == {"raised_before": "请选择这件事以前是否已向其他机关反映过。"}
    assert messages("history", raised_before="是") == {
        "raised_where": "请填写您以前向哪个机关、单位反映过。",
        "raised_stage": "请选择这件事目前办到哪一步了。"}
    assert messages("history", raised_before="是", raised_where="区信访局", raised_stage="已复查") == {}


def agent(**kw):
    return {"name": "李明", "relation": "近亲属", "phone": "13900001111"} | kw


def test_at_most_two_agents_each_complete():
    assert messages("petitioner", agents=[agent(), agent()]) == {}
    assert messages("petitioner", agents=[agent()] * 3) == {
        "agents": "代理人最多2名（《山东省信访条例》第二十八条），请删去多出的代理人。"}
    got = messages("petitioner", agents=[agent(), agent(name="", relation="", phone="1")])
    assert got == {"agents.1.name": "请填写第2位代理人的姓名。",
                   "agents.1.relation": "请选择第2位代理人是信访人的什么人。",
                   "agents.1.phone": "第2位代理人的电话格式不对：请填写11位手机号码（如 13812345678），"
                                     "或带区号的固定电话（如 0531-87654321）；境外电话请加国家或地区代码（如 +852 91234567）。"}
    assert label_of("agents.1.phone") == "第2位代理人的电话"
    # whose relation to whom: the agent's to the petitioner ("与您的关系" was also the agent's own,
    # as the form asks whoever fills it in for someone else to be the 代理人)
    assert label_of("agents.1.relation") == "第2位代理人与信访人的关系"


def test_the_agent_who_is_staff_is_said_to_be_the_petitioners_own():
    """山东省信访条例第二十八条（一）：信访人的……工作人员 — not the bureau's 工作人员. The stored value
    stays 工作人员 (filings already made hold it) and still validates; only its reading changes."""
    assert messages("petitioner", agents=[agent(relation="工作人员")]) == {}
    assert relation_label("工作人员") == "信访人单位的工作人员（信访人是单位时）"
    assert relation_label("近亲属") == "近亲属" and relation_label("律师") == "律师"
    got = messages("petitioner", agents=[agent(relation="信访人单位的工作人员（信访人是单位时）")])
    assert got == {"agents.0.relation": "请选择第1位代理人是信访人的什么人。"}   # the shown words are not stored


def test_at_most_five_representatives():
    rep = {"name": "王芳", "phone": "13700002222"}
    assert messages("petitioner", representatives=[rep] * 5) == {}
    assert messages("petitioner", representatives=[rep] * 6) == {
        "representatives": "代表人最多5名（参照《信访工作条例》第二十条第三款），请删去多出的代表人。"}


def test_to_create_normalises_and_refuses_invalid_forms():
    created = to_create(make_form(id_number="11010519491231002x", phone="+86 138 1234 5678",
                                  raised_before="否", raised_where="ignored"))
    assert created.id_number == "11010519491231002X" and created.phone == "13812345678"
    assert created.raised_where == ""
    with pytest.raises(ValueError):
        to_create(make_form(name=""))


def test_continue_leads_to_the_next_stage_in_order():
    from portal.prefiling.form import STAGES, next_stage

    assert [next_stage(s) for s in STAGES[:-1]] == list(STAGES[1:])
    assert next_stage("check") == "check"


def test_after_changing_an_answer_continue_returns_to_check():
    from portal.prefiling.form import next_stage, returns_to_check

    assert next_stage("petitioner", return_to_check=True) == "check"
    assert next_stage("consent", return_to_check=True) == "check"
    assert returns_to_check("petitioner", return_to_check=True)   # going back a step keeps the promise
    assert not returns_to_check("check", return_to_check=True)    # reaching 核对 fulfils it
    assert not returns_to_check("matter", return_to_check=False)


def test_back_leads_to_the_previous_stage_and_stops_at_the_first():
    from portal.prefiling.form import previous_stage

    assert previous_stage("matter") == "petitioner"
    assert previous_stage("check") == "history"
    assert previous_stage("consent") == "consent"


def test_the_limits_are_inclusive_a_name_of_30_and_facts_of_5000_characters_are_taken():
    assert "name" not in messages("petitioner", name="张" * 30)
    assert "address" not in messages("petitioner", address="住" * 100)
    assert messages("matter", facts="事" * 5000, request="求" * 1000) == {}


def test_five_attachments_are_taken(tmp_path):
    from portal.prefiling import attachments
    from portal.prefiling.crypto import get_cipher
    from tests.prefiling import files

    stored = [attachments.store(data=files.png(), directory=tmp_path, cipher=get_cipher()) for _ in range(5)]
    assert messages("matter", attachments=stored) == {}


@pytest.mark.parametrize(("typed", "stored"), [
    ("+852 9123 4567", "+85291234567"), ("00853-6612-3456", "+85366123456"),   # Hong Kong, Macao
    ("+886 912 345 678", "+886912345678"), ("+886-2-2345-6789", "+886223456789"),  # Taiwan mobile, Taipei
    ("+1 (415) 555-2671", "+14155552671"), ("0044 20 7946 0958", "+442079460958"),   # abroad
    ("+86 531 8765 4321", "0531-87654321"), ("0086 10 8765 4321", "010-87654321"),   # a landline from abroad
])
def test_a_number_outside_the_mainland_is_accepted_with_its_code(typed, stored):
    from portal.prefiling.fields import normalise_phone

    assert "phone" not in messages("petitioner", phone=typed)
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("phone", ["12812345678", "10012345678", "0531-123456", "+852 123", "+852 1234 5678",
                                   "91234567", "+1234", "+86 531 1234 5678", "+1 234 567 890 123 456"])
def test_numbers_that_are_neither_a_mobile_nor_a_landline_are_refused(phone):
    """Mobile numbers begin 13 to 19; a landline has 7 or 8 digits after its area code."""
    assert messages("petitioner", phone=phone)["phone"].startswith("联系电话格式不对")


def test_to_create_trims_names_normalises_every_phone_and_drops_a_withdrawn_history_answer():
    """Spaces around a name go, every person's phone is stored the same way, and a 进展 chosen
    before the answer was changed to 否 is not kept (已复核 would call up 第三十六条 for staff)."""
    rep = {"name": " 王芳 ", "phone": "+86 137 0000 2222"}
    created = to_create(make_form(name="  张秀兰\u200b ", representatives=[rep], raised_before="否",
                                  raised_where="区信访局", raised_stage="已复核"))
    assert created.name == "张秀兰"
    assert [(p.name, p.phone) for p in created.representatives] == [("王芳", "13700002222")]
    assert created.raised_where == "" and created.raised_stage == ""
