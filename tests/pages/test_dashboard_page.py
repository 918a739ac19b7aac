"""数据看板 as a signed-in 管理员 uses it (AppTest, real sign-in) on the hand-computed fixture of
tests/stats/fixture.py, in a database of its own (the figures must not see other tests' records):
the default range is last month, every number shown is the worked-out one, the overdue list links
to 预登记办理, and the 月通报 download is generated from the same figures and audited."""

from __future__ import annotations

import json
import sys

import pytest
from sqlmodel import Session, select

import portal.db
import portal.timeutil
from portal.audit.models import AuditEntry
from portal.db import make_engine
from portal.identity import Actor
from portal.migrate import migrate
from portal.roles import ADMIN, HANDLER, REPORTS
from portal.staff.auth import login
from tests.conftest import page_text
from tests.staff.factories import PASSWORD, make_user
from tests.stats.fixture import TODAY, seed
from ui import dashboard_view
from ui.auth import at_click

PAGE = "pages/staff_dashboard.py"


@pytest.fixture
def own_db(tmp_path, monkeypatch):
    engine = make_engine(f"sqlite:///{tmp_path / 'dash.db'}")
    migrate(engine=engine)
    with Session(engine) as s:
        seed(s)
    monkeypatch.setattr(portal.db, "get_engine", lambda: engine)
    real = portal.timeutil.beijing_today

    def fake(now=None):
        return TODAY

    monkeypatch.setattr(portal.timeutil, "beijing_today", fake)
    monkeypatch.setattr(dashboard_view, "beijing_today", fake)
    yield engine
    engine.dispose()
    # a module first imported by the page while the fake was in place bound it with `from
    # portal.timeutil import beijing_today` (ui.queue_view did): give it the real one back, or
    # every later test sees TODAY as today (they failed whenever the real date was not TODAY)
    for module in list(sys.modules.values()):
        if getattr(module, "beijing_today", None) is fake:
            module.beijing_today = real


def signed_in(engine, *roles: str) -> dict:
    with Session(engine) as s:
        make_user(s, "chief", *roles)
        s.commit()
        token = login(session=s, username="chief", password=PASSWORD).token
        s.commit()
    return {"staff_token": token}


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tables(at) -> list[list[dict]]:
    return [t.value.to_dict("records") for t in at.table]


def test_admin_sees_last_months_figures_and_downloads_the_bulletin(app_page, own_db):
    at = app_page(PAGE, session_state=signed_in(own_db, ADMIN))
    assert at.date_input(key="dash-range").value == (TODAY.replace(month=11, day=1), TODAY.replace(month=11, day=30))
    text = page_text(at)
    assert "统计区间：2026-11-01 至 2026-11-30" in text
    assert "不含检举控告件" in text                       # a 管理员 without 检举控告 does not count A6
    assert metrics(at) == {"本区间提交": "8 件", "其中确认为重复信访": "1 件", "登记转送按期率": "80.0%", "60日内办结率": "100.0%",
                           "初信初访三周办结率": "100.0%", "满意率": "100.0%", "一次性结服率": "100.0%"}
    flow = next(t for t in tables(at) if t and "环节" in t[0] and t[0]["环节"] == "提交")
    assert flow == [{"环节": "提交", "件数": "8"}, {"环节": "登记", "件数": "4"}, {"环节": "办结", "件数": "2"},
                    {"环节": "不予登记", "件数": "1"}, {"环节": "撤回", "件数": "1"}, {"环节": "待审核", "件数": "2"},
                    {"环节": "办理中", "件数": "2"}]
    category = next(t for t in tables(at) if t and "类别" in t[0] and "件数" in t[0] and "查询码" not in t[0])
    assert category == [{"类别": "建议意见", "件数": "3"}, {"类别": "申诉求决", "件数": "4"}, {"类别": "其他", "件数": "1"}]
    charts = at.get("vega_lite_chart")
    # flow, month, category, district, channel, ratings, bank growth; each followed by its table
    titles = [json.loads(c.proto.spec)["description"].removesuffix("（数字见下表）") for c in charts]
    assert titles == ["办理流程：提交 → 登记 → 办结（登记前也可能不予登记或撤回）", "按月份", "按类别", "按问题属地", "系统建议的其他途径",
                      "评价", "常见问题库：每月新增问题"]
    assert "一次性结服率的定义" in text
    overdue = next(t for t in tables(at) if t and t[0].get("期限", "").startswith("已超期"))
    assert [(r["查询码"], r["法定期限"], r["期限"]) for r in overdue] == [
        ("C3", "2026-10-30", "已超期 32 天"), ("C4", "2026-11-16", "已超期 15 天")]
    assert "在预登记办理中打开需要“办理”权限" in text     # the queue is a 办理 page
    assert "张" not in text and "被反映的某单位" not in text
    assert at.selectbox(key="dash-month").value == (2026, 11)
    # the download buttons hand over a generator; run it as the click would
    actor = Actor("chief", frozenset({ADMIN}))
    md = dashboard_view._exporter(at_click(actor, token=at.session_state["staff_token"]), 2026, 11, "md")().decode()
    assert "| 提交 | 8 | <5 | — |" in md and "| C3 | 办理 | 2026-10-30 | 31 |" in md
    with Session(own_db) as s:
        assert [e.target for e in s.exec(select(AuditEntry).where(AuditEntry.action == "export"))] == ["bulletin:2026-11"]


def test_picking_another_range_and_the_reports_role(app_page, own_db):
    at = app_page(PAGE, session_state=signed_in(own_db, HANDLER, REPORTS))
    at.date_input(key="dash-range").set_value((TODAY.replace(month=8, day=1), TODAY.replace(month=8, day=31))).run()
    assert not at.exception
    assert "不含检举控告件" not in page_text(at)
    links = [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]
    assert ("C3", "staff_queue", "code=C3") in links and ("A4", "staff_queue", "code=A4") in links, links
    shown = metrics(at)
    assert shown["60日内办结率"] == "33.3%"                 # C1 on time (holiday), C2 extended, C3 late
    apart = next(r for t in tables(at) for r in t if r.get("项目", "").startswith("登记的建议意见、检举控告"))
    assert apart["件数"] == "0"
    at.date_input(key="dash-range").set_value((TODAY.replace(month=11, day=1), TODAY.replace(month=11, day=30))).run()
    # November with 检举控告 counted: A6 (检举控告, registered 11-13) has no 60 days, so it is counted apart
    apart = next(r for t in tables(at) for r in t if r.get("项目", "").startswith("登记的建议意见、检举控告"))
    assert apart == {"项目": "登记的建议意见、检举控告（不计60日期限，不计入上面的比率）", "件数": "1"}
    rows = [r.get("项目") for t in tables(at) for r in t]   # under the rates, not among what they are over
    assert rows.index(apart["项目"]) > rows.index("含延期办结率")
    assert next(r for t in tables(at) for r in t if r.get("项目") == "办结：尚在期限内")["件数"] == "1"   # A7
    assert "“办理”环节的期限按登记日起算60日推算" in page_text(at)
    assert shown["本区间提交"] == "2 件"                    # C2, C3
    at.date_input(key="dash-range").set_value((TODAY.replace(month=11, day=30), TODAY.replace(month=11, day=2))).run()
    assert "开始日期不能晚于结束日期" in page_text(at) or not at.metric
    # a day after today: said in Chinese, and counted to today (the widget refused it in English only)
    at.date_input(key="dash-range").set_value((TODAY.replace(month=11, day=1), TODAY.replace(day=31))).run()
    text = page_text(at)
    assert "结束日期不能晚于今天" in text and f"统计区间：2026-11-01 至 {TODAY:%Y-%m-%d}" in text


def test_the_dashboard_warns_while_deadlines_can_fall_in_a_year_without_its_holidays(app_page, own_db, monkeypatch):
    """On 1 December 2026 a deadline can fall in 2027: the 按期率 are judged with weekends only there."""
    from portal import clock
    from tests.pages.test_staff_queue_page import listing

    state = signed_in(own_db, ADMIN)
    monkeypatch.setattr(clock, "calendar", lambda: listing(2025, 2026))
    assert "本系统尚未录入2027年的节假日放假安排" in page_text(app_page(PAGE, session_state=state))
    monkeypatch.setattr(clock, "calendar", lambda: listing(2026, 2027))
    assert "尚未录入" not in page_text(app_page(PAGE, session_state=state))


def test_the_queue_opens_at_the_linked_code(app_page, own_db):
    at = app_page("pages/staff_queue.py", session_state=signed_in(own_db, HANDLER), code="C3")
    assert at.text_input(key="q-code").value == "C3"
    assert [r for r in at.dataframe[0].value["查询码"]] == ["C3"]


def test_choosing_a_bulletin_month_does_not_recompute_the_figures(app_page, own_db, monkeypatch):
    """The 月通报 section is a fragment: picking its month reruns that section only (as the browser
    asks for it: a rerun scoped to the fragment), so none of the figure queries run again."""
    import functools

    import streamlit.testing.v1.local_script_runner as runner
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

    from portal.stats import figures

    calls: list[str] = []
    for name in ("intake", "timeliness", "outcomes", "due_lists", "legal_education"):
        real = getattr(figures, name)
        monkeypatch.setattr(figures, name, lambda *a, _real=real, _name=name, **k: (calls.append(_name), _real(*a, **k))[1])
    at = app_page(PAGE, session_state=signed_in(own_db, ADMIN))
    assert sorted(calls) == ["due_lists", "intake", "legal_education", "outcomes", "timeliness"]
    (fragment_id,) = list(at._fragment_storage._fragments)   # the download section's fragment
    calls.clear()
    with monkeypatch.context() as m:   # the rerun the browser sends for a widget inside a fragment
        m.setattr(runner, "RerunData", functools.partial(RerunData, fragment_id_queue=[fragment_id]))
        at.selectbox(key="dash-month").set_value((2026, 10)).run()
    assert not at.exception
    assert calls == []
    assert "统计区间：2026-10-01 至 2026-10-31，与上月比较。" in page_text(at)
    assert at.download_button(key="dash-md").proto.label == "下载月通报（Markdown）"
    assert "如点击后没有开始下载，请等页面刷新完后再点一次" in page_text(at)   # (a click while it reruns)
