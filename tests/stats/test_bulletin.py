"""月通报 on the hand-computed fixture: the figures, "<5" for small cells and the rates that would
reveal them, the change against October, overdue matters by 查询码, no personal data, audited."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.identity import Actor
from portal.prefiling.models import Prefiling
from portal.roles import ADMIN, HANDLER, REPORTS
from portal.stats import bulletin as bul
from portal.stats.facts import RangeError
from portal.stats.figures import Share
from tests.stats.fixture import TODAY, registered_long_ago, seed

D = dt.date
ALL = Actor("chief", frozenset({ADMIN, REPORTS}))


@pytest.fixture
def session(db_engine):
    with Session(db_engine) as s:
        seed(s)
        yield s


def _row(markdown: str, label: str) -> list[str]:
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r}")


def test_small_counts_and_revealing_rates_are_hidden():
    assert [bul.cell(n) for n in (0, 1, 4, 5, 120)] == ["0", "<5", "<5", "5", "120"]
    assert bul.pct(Share(5, 6)) == "<5"          # the 1 late one would show
    assert bul.pct(Share(3, 20)) == "<5"
    assert bul.pct(Share(20, 20)) == "100.0%"
    assert bul.pct(Share(12, 20)) == "60.0%"
    assert bul.pct(Share(0, 0)) == "—"
    assert bul.change(9, 2) == "—" and bul.change(9, 12) == "-3"
    assert bul.change_pct(Share(12, 20), Share(10, 20)) == "+10.0 个百分点"


def test_november_bulletin_in_markdown(session):
    md = bul.to_markdown(bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=11, today=TODAY))
    assert md.startswith("# 2026年11月信访工作数据通报")
    assert "2026-11-01 至 2026-11-30" in md and "2026-10-01 至 2026-10-31" in md
    assert _row(md, "提交") == ["9", "<5", "—"]          # October: C4, D1
    assert _row(md, "登记") == ["*", "<5", "—"]          # 5: beside three "<5" in 提交 it goes too
    assert _row(md, "办结") == ["<5", "<5", "—"]         # November A1, A2; October D1 (closed since)
    assert _row(md, "撤回") == ["<5", "0", "—"]
    assert _row(md, "其中确认为重复信访") == ["<5", "0", "—"]          # A6, A8
    assert _row(md, "申诉求决") == ["<5", "<5", "—"]
    assert _row(md, "登记转送按期率") == ["<5", "<5", "—"]  # 5 of 6: the one late would show
    assert _row(md, "初信初访三周办结率") == ["<5", "<5", "—"]   # 2 of 3; October 0 of 1 (D1)
    assert "一次性结服率 = " in md and "未评价的计入分母" in md      # the definition printed beside it
    assert "七、超期未办事项（截至 2026-11-30）" in md
    assert _row(md, "C3") == ["办理", "2026-10-30", "31"]
    assert _row(md, "C4") == ["登记转送", "2026-11-16", "14"]


def test_larger_month_shows_rates_and_changes(session):
    """20 matters registered and closed on time in June (12 rated 满意), 10 in May (all 满意)."""
    for month, n, satisfied in ((6, 20, 12), (5, 10, 10)):
        for i in range(n):
            day = D(2026, month, 1 + i)
            session.add(Prefiling(code=f"S{month}{i:02d}", secret_hash="x", idempotency_token=uuid.uuid4().hex,
                                  state="已办结", category="申诉求决", district="历城区", received_date=day,
                                  registered_date=day, closed_at=dt.datetime.combine(day + dt.timedelta(days=10),
                                                                                     dt.time(3), tzinfo=dt.UTC),
                                  rating="满意" if i < satisfied else "", raised_before=False))
    session.commit()
    md = bul.to_markdown(bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=6, today=TODAY))
    assert _row(md, "提交") == ["20", "10", "+10"]
    assert _row(md, "历城区") == ["20", "10", "+10"]
    assert _row(md, "60日内办结率") == ["100.0%", "100.0%", "+0.0 个百分点"]
    assert _row(md, "满意率") == ["100.0%", "100.0%", "+0.0 个百分点"]
    assert _row(md, "一次性结服率") == ["60.0%", "100.0%", "-40.0 个百分点"]
    assert _row(md, "初信初访三周办结率") == ["100.0%", "100.0%", "+0.0 个百分点"]


def test_a_district_typed_as_a_link_or_image_is_text_in_the_markdown_bulletin(session):
    """问题属地 is the citizen's words: in the .md bulletin (opened in a Markdown viewer or pasted
    into a report system) it must not become an image fetched from elsewhere or a link."""
    typed = "![x](http://e.cn/p.png)[核实](https://e.cn)"
    day = D(2026, 6, 3)
    session.add(Prefiling(code="MDLINK0001", secret_hash="x", idempotency_token=uuid.uuid4().hex, state="已提交",
                          category="申诉求决", district=typed, received_date=day, raised_before=False))
    session.commit()
    md = bul.to_markdown(bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=6, today=TODAY))
    [line] = [line for line in md.splitlines() if "核实" in line]
    assert "![" not in line and "](" not in line and "https://" not in line
    assert re.sub(r"\\(.)", r"\1", line).replace("\u200b", "").startswith(f"| {typed} |")   # read as typed


def test_html_is_printable_self_contained_and_hides_small_bars(session):
    page = bul.to_html(bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=11, today=TODAY))
    assert page.startswith("<!doctype html>") and "@media print" in page
    assert "<script" not in page.lower() and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert page.count("<svg") == 4 and "<table>" in page
    # the flow chart draws a bar for 提交 (9) but none for the hidden counts
    flow_svg = page.split("<svg", 2)[1]
    assert flow_svg.count("<rect") == 1            # 提交 9 (登记 5 is hidden beside the "<5" of 提交)
    assert "C3" in page and "C4" in page


def test_no_personal_data_in_either_format(session, db_engine):
    from tests.prefiling.factories import make_prefiling

    made = make_prefiling(session, name="欧阳秀芳", phone="13900001111", subject="某某街道办事处王主任",
                          request="请求退还多收的物业费八百元", district="历下区")
    today = made.prefiling.received_date
    for year, month in ((2026, 11), (today.year, today.month)):
        for fmt in ("md", "html"):
            text = bul.export_bulletin(session=session, actor=ALL, year=year, month=month, fmt=fmt,
                                       today=max(today, TODAY)).decode()
            for secret in ("欧阳秀芳", "13900001111", "王主任", "物业费", "被反映的某单位", "请求解决某某问题",
                           "事实与理由的正文", "secret-name-token", "gAAAA"):
                assert secret not in text
            assert not re.search(r"\d{17}[\dXx]", text)   # no ID number


def test_export_is_audited_and_refused_to_other_roles(session):
    bul.export_bulletin(session=session, actor=ALL, year=2026, month=11, fmt="html", today=TODAY)
    entries = session.exec(select(AuditEntry).where(AuditEntry.target == "bulletin:2026-11")).all()
    assert [(e.actor_name, e.action) for e in entries] == [("chief", "export")]
    with pytest.raises(RangeError, match="还没有开始"):
        bul.monthly_bulletin(session=session, actor=ALL, year=2027, month=1, today=TODAY)


def test_without_reports_role_the_bulletin_says_reports_are_left_out(session):
    handler = Actor("h", frozenset({HANDLER}))
    md = bul.to_markdown(bul.monthly_bulletin(session=session, actor=handler, year=2026, month=11, today=TODAY))
    assert "不含检举控告件" in md and "检举控告 |" not in md
    assert _row(md, "提交") == ["8", "<5", "—"]


def test_the_running_month_can_be_drawn_from_its_first_day_with_overdue_matters_as_at_today(session):
    """On 12-01 December has begun: its bulletin lists what is overdue on 12-01 (C3 32 days, C4
    15 days), not what would be by 12-31; on 11-30 it has not begun."""
    b = bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=12, today=D(2026, 12, 1))
    assert b.due.day == D(2026, 12, 1)
    md = bul.to_markdown(b)
    assert "七、超期未办事项（截至 2026-12-01）" in md
    assert _row(md, "C3") == ["办理", "2026-10-30", "32"] and _row(md, "C4") == ["登记转送", "2026-11-16", "15"]
    with pytest.raises(RangeError, match="还没有开始"):
        bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=12, today=D(2026, 11, 30))


def test_proposals_and_reports_registered_70_days_ago_are_not_overdue_in_the_bulletin(session):
    """Five each of 建议意见, 检举控告 and 申诉求决 registered on 09-22 and still open: September's
    bulletin counts the five 申诉求决 as past 60 days (0.0% on time), not fifteen; the overdue list
    at 11-30 names the 申诉求决 ones only, and says its 办理 date is counted from 登记 and whom the 60
    days are for."""
    for category, prefix in (("建议意见", "P"), ("检举控告", "R"), ("申诉求决", "S")):
        for i in range(5):
            registered_long_ago(session, f"{prefix}{i}", category)
    md = bul.to_markdown(bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=9, today=TODAY))
    assert _row(md, "办结超期或超过60日未办结（件）")[0] == "5"
    assert _row(md, "60日内办结率")[0] == "0.0%"
    assert "建议意见类、检举控告类没有规定办结天数，不计入本项" in md
    november = bul.monthly_bulletin(session=session, actor=ALL, year=2026, month=11, today=TODAY)
    assert {r.code for r in november.due.overdue} == {"C3", "C4", *(f"S{i}" for i in range(5))}
    md = bul.to_markdown(november)
    assert _row(md, "S0") == ["办理", "2026-11-23", "7"]
    assert "P0" not in md and "R0" not in md
    assert "“办理”环节的期限按登记日起算60日推算（法定期限自办理机关受理之日起算" in md
    assert "“办理”环节的期限按登记日起算60日推算" in bul.to_html(november)
