"""更正信访件编号 on 预登记办理 as a handler uses it (AppTest, real sign-in): offered next to 办结 on
an 已登记 件 only, refused with the reason in words and the typed text kept, and once done the
citizen's 进度查询 shows the new number and why."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.identity import Actor
from portal.prefiling import staff
from portal.prefiling.codes import grouped
from portal.roles import HANDLER
from tests.conftest import page_text
from tests.pages.test_staff_queue_page import (
    act_buttons,
    audit,
    citizen_lookup_page,
    citizen_sees,
    district,
    open_queue,
    open_record,
    stored,
)
from tests.staff.portal_db import ready_engine

CLERK = Actor("clerk", frozenset({HANDLER}))


def numbers() -> tuple[str, str]:
    """A mistyped 信访件编号 and the right one, this test's own: a number names one 件 in the shared
    database."""
    n = uuid.uuid4().hex[:6].upper()
    return f"LX{n}-0518", f"LX{n}-0815"


def registered(number: str):
    made = stored(district=district())
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number=number)
    return made


def shown(at) -> str:
    """The page's text as read (without the backslashes that escape - and * in its markdown)."""
    return page_text(at).replace("\\", "")


def panel(at, label: str):
    [found] = [e for e in at.expander if e.label == label]
    return found


def fill(at, pid: int, number: str, reason: str, *, sure: bool = True) -> None:
    at.text_input(key=f"new-number-{pid}").input(number)
    at.text_input(key=f"correct-reason-{pid}").input(reason)
    if sure:
        at.checkbox(key=f"confirm-correct_number-{pid}").check()
    at.button(key=f"do-correct_number-{pid}").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_mistyped_number_is_corrected_and_the_citizen_sees_the_new_one(app_page):
    wrong, right = numbers()
    made = registered(wrong)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    assert act_buttons(at) == {"close", "correct_number"}
    assert panel(at, "办结").proto.expanded and not panel(at, "更正信访件编号").proto.expanded
    assert f"现在的信访件编号：{wrong}" in shown(at)

    fill(at, pid, right, "登记时两位数字录反", sure=False)        # asks for confirmation first
    assert "请先勾选“确认更正”" in shown(at) and citizen_sees(made).official_number == wrong

    at.checkbox(key=f"confirm-correct_number-{pid}").check()
    at.button(key=f"do-correct_number-{pid}").click().run()
    text = shown(at)
    assert f"的信访件编号现在是 {right}" in text
    assert f"**信访件编号**：{right}" in text and "状态：已登记" in text
    assert f"信访件编号由 {wrong} 更正为 {right}。更正原因：登记时两位数字录反。" in text   # 办理记录
    seen = citizen_sees(made)
    assert seen.state == "已登记" and seen.official_number == right
    assert seen.history[-1].action == "更正信访件编号"
    # the boxes are empty again, and 办结 is still there
    assert at.text_input(key=f"new-number-{pid}").value == "" and at.text_input(key=f"correct-reason-{pid}").value == ""
    assert act_buttons(at) == {"close", "correct_number"}
    assert [e.detail for e in audit(f"prefiling:{made.code}", "correction")] == [f"信访件编号：{wrong} → {right}"]

    public = citizen_lookup_page(app_page, made)
    text = shown(public)
    # the number in the history is kept on one line on a phone (it broke at its hyphen)
    assert any(f'<span style="white-space:nowrap">{right}</span>' in str(m.value) for m in public.markdown)
    assert f"**信访件编号**：{right}" in text and f"**信访件编号**：{wrong}" not in text
    assert "更正信访件编号" in text


def test_a_refused_correction_says_why_and_keeps_what_was_typed(app_page):
    wrong, right = numbers()
    made = registered(wrong)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)

    fill(at, pid, wrong, "录入错误")                                  # the number it already has
    assert f"新的信访件编号与现在的编号 {wrong} 相同" in shown(at)
    assert panel(at, "更正信访件编号").proto.expanded
    assert at.text_input(key=f"new-number-{pid}").value == wrong
    assert at.text_input(key=f"correct-reason-{pid}").value == "录入错误"

    fill(at, pid, right, "")                                          # no reason
    assert "请填写更正原因。" in shown(at) and panel(at, "更正信访件编号").proto.expanded
    assert at.text_input(key=f"new-number-{pid}").value == right

    at.checkbox(key=f"confirm-correct_number-{pid}").uncheck()
    fill(at, pid, right, "录入错误", sure=False)                       # reason given, tick missing:
    assert "请先勾选“确认更正”" in shown(at) and "请填写更正原因" not in shown(at)   # one message
    assert panel(at, "更正信访件编号").proto.expanded

    fill(at, pid, "=1+1", "录入错误")                                 # checked as at 登记
    assert "信访件编号不能以 = + - @ 这几个符号开头" in shown(at)

    other = numbers()[0]
    taken = registered(other)                                        # another 件's number
    fill(at, pid, other, "录入错误")
    assert f"信访件编号 {other} 已用于另一件预登记（查询码 {grouped(taken.code)}），请核对编号。" in shown(at)
    assert at.text_input(key=f"new-number-{pid}").value == other
    assert citizen_sees(made).official_number == wrong
    assert audit(f"prefiling:{made.code}", "correction") == []


def test_correcting_what_a_colleague_has_just_closed_is_refused(app_page):
    wrong, right = numbers()
    made = registered(wrong)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    with Session(ready_engine()) as s:
        staff.close(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid, reply="已办结。")
    fill(at, pid, right, "录入错误")
    text = shown(at)
    assert "刚刚已有他人处理，您这次的操作没有执行" in text and "没有可以执行的办理操作" in text
    seen = citizen_sees(made)
    assert seen.state == "已办结" and seen.official_number == wrong
    assert act_buttons(at) == set() and audit(f"prefiling:{made.code}", "correction") == []


def test_nothing_to_correct_before_registration(app_page):
    made = stored(district=district())
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    assert "correct_number" not in act_buttons(at)
    assert "更正信访件编号" not in [e.label for e in at.expander]


def field_errors(at, label: str) -> list[str]:
    return [e.value for e in panel(at, label).markdown if "field-error" in e.value]


def test_a_missing_tick_is_said_only_in_the_panel_whose_button_was_pressed(app_page):
    """办结 and 更正信访件编号 both have a confirmation tick: 办结 pressed without its tick said so
    under 更正's tick as well (marked invalid to a screen reader), and the other way round."""
    wrong, right = numbers()
    made = registered(wrong)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)

    at.text_area(key=f"reply-close-{pid}").input("已办理完毕。")
    at.button(key=f"do-close-{pid}").click().run()
    assert [m for m in field_errors(at, "办结") if "确认办结" in m]
    assert field_errors(at, "更正信访件编号") == []

    fill(at, pid, right, "", sure=False)                 # 更正 without its tick, nor a reason
    assert len(field_errors(at, "更正信访件编号")) == 2
    assert field_errors(at, "办结") == []
