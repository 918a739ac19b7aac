"""疑似重复 on a 375-px phone: the queue's 重复信访 column and the 前件 panel with its two decisions;
nothing scrolls sideways."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from portal.prefiling.codes import grouped
from portal.roles import HANDLER
from tests.browser.conftest import (
    assert_fits_phone,
    filter_queue,
    open_prefiling,
    open_staff_page,
    wait_for_app,
)
from tests.prefiling.factories import make_prefiling, valid_id
from tests.staff.factories import make_user
from tests.staff.portal_db import ready_engine


def test_repeat_on_a_phone(portal_url, phone, artifacts):
    name, number = f"h{uuid.uuid4().hex[:8]}", valid_id()
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, HANDLER)
        first = make_prefiling(s, district="长清区", id_number=number)
        later = make_prefiling(s, district="长清区", id_number=number, request="屋顶仍然漏水，请再次督促维修。")
    open_staff_page(phone, portal_url, name, "预登记办理", "按查询码查找")
    filter_queue(phone, later.code)
    open_prefiling(phone, later.code)
    wait_for_app(phone, f"前件查询码 {grouped(first.code)}")
    assert phone.get_by_role("button", name="确认是重复信访").count() == 1
    assert phone.get_by_role("button", name="不是重复信访").count() == 1
    phone.screenshot(path=str(artifacts / "repeats-list-phone.png"))
    phone.get_by_role("button", name="不是重复信访").scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "repeats-detail-phone.png"))
    assert_fits_phone(phone)
    phone.get_by_role("button", name="确认是重复信访").click()
    wait_for_app(phone, "重复信访提示现在是“已确认”")
    assert phone.get_by_role("button", name="改回疑似重复").count() == 1   # a mis-click can be put right
    assert_fits_phone(phone)
