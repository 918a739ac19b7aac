"""刷新 on the staff pages with a list and one item open (AppTest): the database changes behind the
open page — the citizen rates, submits and withdraws; a colleague saves, a question is sent in, an
account is disabled — and 刷新 shows it as it is now, without losing what was typed. (Picking the
chosen item again clicks the same button in a browser: tests/browser/test_staff_refresh_browser.py.)"""

from __future__ import annotations

import pytest
from sqlmodel import Session, delete

from portal.identity import Actor
from portal.prefiling import codes, staff
from portal.prefiling.lookup import rate, withdraw
from portal.prefiling.models import RateEvent
from portal.roles import HANDLER
from tests.conftest import page_text
from tests.pages.test_staff_queue_page import district, open_queue, open_record, stored
from tests.prefiling.factories import client
from tests.staff.portal_db import ready_engine

COLLEAGUE = Actor("colleague", frozenset({HANDLER}))


def _citizen(action, made, **kwargs) -> None:
    """What the citizen does on 进度查询 with the receipt's codes (the rate limit reset first)."""
    with Session(ready_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()
        action(session=s, code=made.code, secret=made.secret, client=client(), **kwargs)


def test_refresh_shows_the_rating_and_the_new_pre_filing_given_behind_the_open_page(app_page):
    """The reviewer's case: AY7E-326X-A8 open, the citizen rates it, another 件 is submitted and
    withdrawn; the page went on showing no 群众评价 and 共 1 件."""
    where = district()
    made = stored(district=where)
    pid = made.prefiling.id
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=COLLEAGUE, prefiling_id=pid, official_number=f"LX-{made.code}")
        staff.close(session=s, actor=COLLEAGUE, prefiling_id=pid, reply="物业公司已修复屋顶。")
    at = open_record(open_queue(app_page, HANDLER, **{"q-district": where}), made)
    assert "群众评价" not in page_text(at) and "共 1 件" in page_text(at)
    assert at.button(key="q-open-refresh").label == "刷新列表和此件"

    _citizen(rate, made, rating="不满意", comment="答复说已修复，可昨天下雨还在漏。")
    later = stored(district=where)
    _citizen(withdraw, later)
    at.button(key="q-open-refresh").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "群众评价" in text and "评价：不满意" in text and "答复说已修复，可昨天下雨还在漏。" in text
    assert "共 2 件" in text and codes.grouped(later.code) in at.dataframe[0].value["查询码"].tolist()
    assert "已重新读取列表和此件" in text
    assert at.selectbox(key="q-open").value == pid, "the same 件 stays open"


def test_refresh_keeps_the_reply_being_written(app_page):
    """The handler is writing a 需补充材料 reply when a new 件 comes in: 刷新 lists it and the reply
    stays in its box, to be sent."""
    where = district()
    made = stored(district=where)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-district": where}), made)
    at.text_area(key=f"reply-request_more-{pid}").input("请补充劳动合同复印件和工资条。")
    newer = stored(district=where)
    at.button(key="q-open-refresh").click().run()
    assert "共 2 件" in page_text(at) and codes.grouped(newer.code) in at.dataframe[0].value["查询码"].tolist()
    assert at.text_area(key=f"reply-request_more-{pid}").value == "请补充劳动合同复印件和工资条。"
    assert "有了变动" not in page_text(at), "nothing changed on this 件"
    # the reply is still there to send
    at.button(key=f"do-request_more-{pid}").click().run()
    assert "现在的状态是“需补充材料”" in page_text(at)


@pytest.mark.parametrize("filters", [{}, {"q-state": "已提交"}], ids=["all", "still-to-register"])
def test_refresh_after_the_open_pre_filing_was_withdrawn_says_it_changed(app_page, filters):
    """The change is news, in words that do not claim a click of the handler's was refused; what the
    handler had written in a panel the change took away is kept for them to copy, each box under its
    name. With the list filtered to 已提交, the withdrawn 件 no longer matches: it stays open (before,
    the select was reset, the 件 closed without a word and the text was on no part of the page)."""
    where = district()
    made = stored(district=where)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-district": where, **filters}), made)
    at.text_input(key=f"reason-{pid}").input("属于劳动争议")
    at.text_area(key=f"reply-reject-{pid}").input("请向劳动人事争议仲裁委员会申请仲裁，我写了很久的答复。")
    _citizen(withdraw, made)
    at.button(key="q-open-refresh").click().run()
    text = page_text(at)
    assert at.selectbox(key="q-open").value == pid, "the withdrawn 件 stays open"
    assert "状态：已撤回" in text and "此件在您上次查看后有了变动。下面是最新的状态。" in text
    assert "您这次的操作没有执行" not in text, "the handler clicked nothing that was refused"
    assert "已重新读取列表和此件" in text and "内容没有变" not in text, "the 不予登记 panel's text has moved"
    if filters:
        assert at.selectbox(key="q-open").format_func(pid).endswith("已撤回（已不在筛选结果中）")
        assert "没有符合条件的预登记" in text, "the list itself stays filtered"
    # the 不予登记 panel is gone with the state; what was written in it is not
    unsent = "您在“不予登记”中写的内容没有提交（此件的状态已经变了），原文如下，需要的请复制："
    for _ in range(2):   # kept over later runs too, not only the one the panel went on
        assert unsent in page_text(at)
        assert "不予登记的理由：属于劳动争议\n答复：请向劳动人事争议仲裁委员会申请仲裁，我写了很久的答复。" in [
            t.value for t in at.text]
        at.run()
    at.button(key=f"unsent-gone-{pid}").click().run()
    assert unsent not in page_text(at)


def test_refresh_after_a_colleague_registered_the_open_pre_filing_keeps_it_open_under_a_filter(app_page):
    """状态 = 已提交, the handler writing the 登记 boxes when a colleague registers the 件: it no longer
    matches the filter, yet stays open, says it changed, and keeps the two boxes' text, each named."""
    where = district()
    made = stored(district=where)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-district": where, "q-state": "已提交"}), made)
    at.text_input(key=f"number-{pid}").input("JN-2026-000123")
    at.text_area(key=f"reply-register-{pid}").input("您的信访事项已登记，我们将依法办理。")
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=COLLEAGUE, prefiling_id=pid, official_number=f"LX-{made.code}")
    at.button(key="q-open-refresh").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert at.selectbox(key="q-open").value == pid
    assert "已登记（已不在筛选结果中）" in at.selectbox(key="q-open").format_func(pid)
    assert "状态：已登记" in text and "此件在您上次查看后有了变动。" in text
    assert "您在“登记”中写的内容没有提交（此件的状态已经变了），原文如下，需要的请复制：" in text
    assert "信访件编号：JN-2026-000123\n答复：您的信访事项已登记，我们将依法办理。" in [t.value for t in at.text]


def test_refresh_on_cases_shows_a_colleagues_save_and_keeps_an_editors_typing(app_page, library):
    from tests.pages.test_case_conflict_page import _colleague_saves, open_case

    at, slug = open_case(app_page, library)
    _colleague_saves(library, slug, title="同事改过的标题")
    at.button(key="cases-pick-refresh").click().run()
    assert at.text_input(key=f"title-{slug}").value == "同事改过的标题"
    assert "同事改过的标题" in at.selectbox(key="cases-pick").format_func(slug)
    assert "第 2 版" in page_text(at) and "已重新读取案例列表和此案例" in page_text(at)
    # typed, not saved: kept, and the editor is told a colleague saved since
    at.text_area(key=f"facts-{slug}").input("我写到一半的案情。")
    _colleague_saves(library, slug, title="同事又改的标题")
    at.button(key="cases-pick-refresh").click().run()
    assert at.text_area(key=f"facts-{slug}").value == "我写到一半的案情。"
    assert "修改并保存了这个案例" in page_text(at)


def test_refresh_on_the_bank_shows_a_colleagues_edit_and_a_question_sent_in_since(app_page, library):
    from tests.pages.test_bank_pages import _sent
    from tests.pages.test_case_conflict_page import _colleague_edits_question, _open_question

    at, qid, original = _open_question(app_page, library)
    waiting = int(page_text(at).split("群众来问待处理 ")[1].split(" 条")[0])
    _colleague_edits_question(library, qid, original + "（同事改的）")
    _sent(f"刷新前没有的来问{qid}")
    at.button(key="bank-pick-refresh").click().run()
    assert at.text_area(key=f"bank-text-q{qid}").value == original + "（同事改的）"
    assert f"群众来问待处理 {waiting + 1} 条" in page_text(at)


def test_refresh_on_accounts_shows_another_admins_change(app_page):
    """The account another 管理员 disabled and gave a role: 刷新 shows both; before, the 角色 box kept
    the roles it was first drawn with, and 保存角色 would have put them back."""
    import uuid

    from portal.roles import ADMIN, EDITOR
    from portal.staff import accounts
    from tests.staff.factories import ROOT as ROOT_ADMIN
    from tests.staff.factories import make_user
    from tests.staff.portal_db import signed_in_state

    name = f"a{uuid.uuid4().hex[:8]}"
    with Session(ready_engine()) as s:
        make_user(s, name, HANDLER)
        s.commit()
    at = app_page("pages/staff_users.py", session_state=signed_in_state(ADMIN))
    at.selectbox(key="edit-user").set_value(name).run()
    assert at.button(key=f"toggle-{name}").label == "停用账号"
    with Session(ready_engine()) as s:
        accounts.set_disabled(session=s, actor=ROOT_ADMIN, username=name, disabled=True)
        accounts.set_roles(session=s, actor=ROOT_ADMIN, username=name, roles=[HANDLER, EDITOR])
        s.commit()
    at.button(key="edit-user-refresh").click().run()
    assert at.button(key=f"toggle-{name}").label == "启用账号"
    # the 角色 box the admin had not touched follows: it held 办理 only, and 保存角色 put that back
    assert set(at.multiselect(key=f"roles-{name}").value) == {EDITOR, HANDLER}
    # one the admin has changed keeps their choice, and says what is stored now
    at.multiselect(key=f"roles-{name}").unselect(EDITOR).select(ADMIN).run()
    with Session(ready_engine()) as s:
        accounts.set_roles(session=s, actor=ROOT_ADMIN, username=name, roles=[HANDLER])
        s.commit()
    at.button(key="edit-user-refresh").click().run()
    assert set(at.multiselect(key=f"roles-{name}").value) == {ADMIN, HANDLER}
    assert f"另一位管理员已把 {name} 的角色改为：办理。" in page_text(at)
    at.button(key=f"save-roles-{name}").click().run()
    assert "另一位管理员" not in page_text(at)
    with Session(ready_engine()) as s:
        assert {u.username: u.role_set for u in accounts.list_users(session=s, actor=ROOT_ADMIN)}[name] == {ADMIN, HANDLER}
