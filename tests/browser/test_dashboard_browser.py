"""数据看板 in a real browser on a 375-px phone: a 管理员 who also handles pre-filings opens it,
sees the charts and their tables without sideways scrolling, follows an overdue 查询码 into
预登记办理, and downloads the printable 月通报 (audited)."""

from __future__ import annotations

import json
import uuid

from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.prefiling.codes import grouped
from portal.prefiling.models import Prefiling
from portal.roles import ADMIN, HANDLER
from portal.stats.facts import last_month
from portal.timeutil import beijing_today
from tests.browser.conftest import assert_fits_phone, open_staff_page, wait_for_app
from tests.browser.test_accessibility import BLOCKING, _axe
from tests.prefiling.factories import make_prefiling
from tests.staff.factories import make_user
from tests.staff.portal_db import ready_engine


def test_dashboard_on_a_phone(portal_url, phone, artifacts):
    name = f"d{uuid.uuid4().hex[:8]}"
    with Session(ready_engine(), expire_on_commit=False) as s:
        make_user(s, name, ADMIN, HANDLER)
        made = make_prefiling(s, district="天桥区")
        p = s.get(Prefiling, made.prefiling.id)
        p.received_date = last_month(beijing_today()).start   # in last month, 登记转送 overdue since
        s.add(p)
        s.commit()
    open_staff_page(phone, portal_url, name, "数据看板", "一次性结服率的定义")
    period = last_month(beijing_today())
    assert phone.get_by_text(f"统计区间：{period.label}。").count() == 1
    phone.locator("[data-testid='stVegaLiteChart']").first.wait_for(state="visible", timeout=30_000)
    assert phone.locator("[data-testid='stVegaLiteChart']").count() >= 4     # flow, month, category, district
    assert phone.locator("[data-testid='stTable'] table").count() >= 5       # each chart's numbers
    phone.screenshot(path=str(artifacts / "dashboard-phone.png"), full_page=True)
    phone.locator("[data-testid='stVegaLiteChart']").nth(2).scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    phone.screenshot(path=str(artifacts / "dashboard-chart-phone.png"))
    assert_fits_phone(phone, "数据看板")
    violations = _axe(phone)
    (artifacts / "axe-dashboard.json").write_text(json.dumps(violations, ensure_ascii=False, indent=1))
    blocking = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(blocking)

    with phone.expect_download() as info:
        phone.get_by_role("button", name="下载月通报（网页，可打印）").click()
    page = info.value.path().read_text(encoding="utf-8")
    assert f"{period.start.year}年{period.start.month}月信访工作数据通报" in page and "张秀兰" not in page
    with Session(ready_engine()) as s:
        targets = s.exec(select(AuditEntry.target).where(AuditEntry.actor_name == name,
                                                         AuditEntry.action == "export")).all()
    assert targets == [f"bulletin:{period.start.year}-{period.start.month:02d}"]

    phone.get_by_role("link", name=grouped(made.code)).first.click()
    wait_for_app(phone, "按查询码查找")
    assert phone.get_by_label("按查询码查找（可只输入一部分）").input_value() == made.code
    wait_for_app(phone, "有 1 件已超过法定期限")
