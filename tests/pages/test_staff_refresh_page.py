"""刷新 on the staff pages with a list and one item open (AppTest): the database changes behind the
open page — the citizen rates, submits and withdraws; a colleague saves, a question is sent in, an
account is disabled — and 刷新 shows it as it is now, without losing what was typed. (Picking the
chosen item again clicks the same button in a browser: tests/browser/test_staff_refresh_browser.py.)"""

from __future__ import annotations

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


def test_refresh_after_the_open_pre_filing_was_withdrawn_says_it_changed(app_page):
    """The change is news, in words that do not claim a click of the handler's was refused."""
    where = district()
    made = stored(district=where)
    at = open_record(open_queue(app_page, HANDLER, **{"q-district": where}), made)
    _citizen(withdraw, made)
    at.button(key="q-open-refresh").click().run()
    text = page_text(at)
    assert "状态：已撤回" in text and "此件在您上次查看后有了变动。下面是最新的状态。" in text
    assert "您这次的操作没有执行" not in text, "the handler clicked nothing that was refused"
