"""Two handlers on one pre-filing through the page: the one acting on what is no longer true is
told 刚刚已有他人处理，您这次的操作没有执行 and nothing of theirs is written (AppTest)."""

from __future__ import annotations

from sqlmodel import Session

from portal.identity import Actor
from portal.prefiling import staff
from portal.roles import HANDLER
from tests.conftest import page_text
from tests.pages.test_staff_queue_page import audit, citizen_sees, district, open_queue, open_record, stored
from tests.staff.portal_db import ready_engine


def reject_after_a_colleague_acted(at, pid: int) -> None:
    """Meanwhile a colleague asks the citizen for more material; then this handler, on the page as
    it was, fills in 不予登记 and clicks it."""
    with Session(ready_engine()) as s:
        staff.request_more(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid,
                           reply="请补充劳动合同复印件。")
    at.text_input(key=f"reason-{pid}").input("属于劳动争议，应当申请仲裁")
    at.text_input(key=f"channel-{pid}").input("劳动争议仲裁")
    at.checkbox(key=f"confirm-reject-{pid}").check()
    at.button(key=f"do-reject-{pid}").click().run()


def test_acting_on_a_page_someone_else_has_just_handled(app_page):
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    reject_after_a_colleague_acted(at, pid)
    assert "刚刚已有他人处理，您这次的操作没有执行。下面是最新的状态。" in page_text(at)
    assert "请刷新" not in page_text(at), "a refresh would sign the handler out"
    assert citizen_sees(made).state == "需补充材料"
    assert [e.detail for e in audit(f"prefiling:{made.code}", "transition")] == ["请补充材料：已提交 → 需补充材料"]
    # after seeing the new state the handler can act on it
    at.button(key=f"do-reject-{pid}").click().run()
    assert citizen_sees(made).state == "不予登记"


def test_a_refused_action_after_revealing_shows_the_latest_state_and_the_next_one_goes_through(app_page):
    """The handler revealed 个人信息, a colleague acted meanwhile: the refusal says so and the page
    then shows what is true now (not the view kept from the reveal), so the next click is not
    refused again and again."""
    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    at.button(key=f"reveal-{pid}").click().run()
    assert "13812345678" in page_text(at)
    reject_after_a_colleague_acted(at, pid)
    assert "刚刚已有他人处理，您这次的操作没有执行" in page_text(at)
    assert "状态：需补充材料" in [c.value for c in at.caption if c.value.startswith("状态：")][0]
    assert "13812345678" not in page_text(at), "personal data is hidden again until revealed (and logged) anew"
    at.button(key=f"do-reject-{pid}").click().run()
    assert citizen_sees(made).state == "不予登记"


def test_closing_what_a_colleague_has_just_closed_says_so(app_page):
    """The 件 left every action meanwhile: the click finds no panel, and the page says why instead of
    silently showing 已办结 with nothing to do."""
    made = stored(district=district())
    pid = made.prefiling.id
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid,
                       official_number="LX2026-0001")
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    with Session(ready_engine()) as s:
        staff.close(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid,
                    reply="物业公司已修复屋顶。")
    at.text_area(key=f"reply-close-{pid}").input("已督促物业公司维修。")
    at.checkbox(key=f"confirm-close-{pid}").check()
    at.button(key=f"do-close-{pid}").click().run()
    text = page_text(at)
    assert "刚刚已有他人处理，您这次的操作没有执行" in text and "没有可以执行的办理操作" in text
    assert [h.reply for h in citizen_sees(made).history][-1] == "物业公司已修复屋顶。"
    at.run()   # said once: the page now shows what the handler has seen
    assert "刚刚已有他人处理，您这次的操作没有执行" not in page_text(at)
