"""预登记办理 in a real browser: picking the 件 already open again reads it again (Streamlit sends
nothing for an unchanged choice; the frame script clicks the page's 刷新 button), by the keyboard and
by a click. Before, the handler went on seeing the 件 as it was: no 群众评价 the citizen had given."""

from __future__ import annotations

import uuid

from sqlmodel import Session, delete

from portal.identity import Actor
from portal.prefiling import staff
from portal.prefiling.codes import grouped
from portal.prefiling.lookup import rate
from portal.prefiling.models import RateEvent
from portal.roles import HANDLER
from tests.browser.conftest import (
    after_rerun,
    filter_queue,
    open_prefiling,
    pick_option,
    sign_in,
    wait_for_app,
)
from tests.prefiling.factories import client, make_prefiling
from tests.staff.factories import make_user
from tests.staff.portal_db import ready_engine

COLLEAGUE = Actor("colleague", frozenset({HANDLER}))


def test_picking_the_open_pre_filing_again_shows_it_as_it_is_now(portal_url, page):
    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district="天桥区")
    pid = made.prefiling.id
    page.goto(portal_url)
    wait_for_app(page, "我们能为您做什么")
    sign_in(page, portal_url, name)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="预登记办理").first.click()
    wait_for_app(page, "按查询码查找")
    filter_queue(page, made.code)
    open_prefiling(page, made.code)
    main = page.get_by_test_id("stMain")
    assert "状态：已提交" in main.inner_text()

    # a colleague registers it; the handler picks it again with the keyboard
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=COLLEAGUE, prefiling_id=pid, official_number=f"LX-{made.code}")
    box = page.get_by_label("打开一件预登记")

    def again_by_keyboard():
        box.focus()
        page.keyboard.press("ArrowDown")
        page.get_by_role("option", name=grouped(made.code)).first.wait_for(state="visible")
        page.keyboard.press("Enter")
    after_rerun(page, again_by_keyboard, "状态：已登记")
    assert "此件在您上次查看后有了变动。下面是最新的状态。" in main.inner_text()

    # it is closed and the citizen rates it; the handler picks it again with the pointer
    with Session(ready_engine()) as s:
        staff.close(session=s, actor=COLLEAGUE, prefiling_id=pid, reply="物业公司已修复屋顶。")
        s.exec(delete(RateEvent))
        s.commit()
        rate(session=s, code=made.code, secret=made.secret, client=client(), rating="不满意",
             comment="答复说已修复，可昨天下雨还在漏。")
    assert "群众评价" not in main.inner_text()
    after_rerun(page, lambda: pick_option(page, lambda: box.click(),
                                          page.get_by_role("option", name=grouped(made.code)).first), "群众评价")
    text = main.inner_text()
    assert "评价：不满意" in text and "答复说已修复，可昨天下雨还在漏。" in text and "状态：已办结" in text
    assert "已重新读取列表和此件" in text
