"""工作台 in a real browser when the database goes away and comes back: what a handler was typing
is there again (AppTest keeps a box's text over a fault where the browser lost it, so only a
browser shows this). The database "goes away" by moving the SQLite file aside: the portal refuses
a file that is not the one it opened (DatabaseGone), and takes it again once it is back."""

from __future__ import annotations

import os
import uuid

from sqlmodel import Session

from portal.db import sqlite_path
from portal.roles import HANDLER
from portal.settings import get_settings
from tests.browser.conftest import (
    filter_queue,
    open_expander,
    open_prefiling,
    open_staff_page,
    sidebar_folded,
    wait_for_app,
)
from tests.prefiling.factories import make_prefiling
from tests.staff.factories import make_user
from tests.staff.portal_db import ready_engine

REPLY_BOX = "需要补充的材料和提交方式（信访人会看到）"


def test_a_reply_typed_when_the_database_went_away_comes_back_with_it(portal_url, phone, artifacts):
    name = f"h{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        made = make_prefiling(s, district="槐荫区")
    open_staff_page(phone, portal_url, name, "预登记办理", "按查询码查找")
    filter_queue(phone, made.code)
    open_prefiling(phone, made.code)
    open_expander(phone, "需补充材料")
    reply = "请补充漏水处的照片和物业的维修记录。"
    phone.get_by_label(REPLY_BOX).fill(reply)

    database = sqlite_path(get_settings().database_url)
    aside = database.with_name(database.name + ".aside")
    os.rename(database, aside)
    try:
        phone.get_by_role("button", name="请信访人补充材料").click()
        phone.get_by_text("系统出现故障").first.wait_for(timeout=60_000)
        phone.screenshot(path=str(artifacts / "database-away-staff.png"), full_page=True)
    finally:
        os.rename(aside, database)

    # the database is back: 预登记办理 from the menu, as a person would
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.get_by_test_id("stSidebarNavLink").filter(has_text="预登记办理").first.click()
    wait_for_app(phone, "打开一件预登记")
    sidebar_folded(phone)
    phone.get_by_text("已恢复系统故障前您填写的内容").first.wait_for(timeout=30_000)
    open_expander(phone, "需补充材料")
    assert phone.get_by_label(REPLY_BOX).input_value() == reply
    phone.screenshot(path=str(artifacts / "database-back-staff.png"), full_page=True)
