"""预登记办理 shows 疑似重复 (AppTest, real sign-in): the queue's 重复信访 column, the earlier
matters by reference code, confirm and dismiss (audited), the 第三十六条第三款 guidance, 打开前件,
and a 检举控告 前件 hidden from a handler without that role."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.prefiling import repeats
from portal.prefiling.codes import grouped
from portal.prefiling.repeats_models import PrefilingRepeat
from portal.roles import HANDLER, REPORTS
from tests.conftest import page_text
from tests.prefiling.factories import make_prefiling, valid_id
from tests.staff.portal_db import ready_engine, signed_in_state

PAGE = "pages/staff_queue.py"


def stored(**changes):
    with Session(ready_engine(), expire_on_commit=False) as s:
        return make_prefiling(s, **changes)


def link_between(later, earlier) -> PrefilingRepeat:
    with Session(ready_engine()) as s:
        return s.exec(select(PrefilingRepeat).where(PrefilingRepeat.prefiling_id == later.prefiling.id,
                                                    PrefilingRepeat.earlier_id == earlier.prefiling.id)).one()


def queue_of(app_page, where: str, *roles: str):
    at = app_page(PAGE, session_state=signed_in_state(*roles))
    at.selectbox(key="q-district").set_value(where).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def column(at) -> dict[str, str]:
    frame = at.dataframe[0].value
    return dict(zip(frame["查询码"], frame["重复信访"], strict=True))


def opened(at, made):
    at.selectbox(key="q-open").set_value(made.prefiling.id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_repeat_shows_in_the_queue_and_is_confirmed_with_the_36_3_guidance(app_page):
    where, number = f"重复区{uuid.uuid4().hex[:8]}", valid_id()
    first = stored(district=where, id_number=number, raised_before="是", raised_where="市住建局",
                   raised_stage="已复核")
    later = stored(district=where, id_number=number, request="屋顶还是漏水，请再督促物业公司维修。")
    at = queue_of(app_page, where, HANDLER)
    assert column(at) == {grouped(later.code): "疑似重复（1）", grouped(first.code): "无"}

    opened(at, later)
    text = page_text(at)
    assert "重复信访" in [h.value for h in at.subheader]
    assert f"前件查询码 **{grouped(first.code)}**" in text and "同一信访人" in text
    assert repeats.ARTICLE_36_3 not in text          # only once the handler confirms
    link = link_between(later, first)
    at.button(key=f"rp-confirm-{link.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "重复信访提示现在是“已确认”" in text
    assert f"“{repeats.ARTICLE_36_3}”" in text and "第三十六条第三款" in text
    assert f"rp-confirm-{link.id}" not in {b.key for b in at.button}   # decided: no second decision
    assert column(at)[grouped(later.code)] == "已确认重复"
    with Session(ready_engine()) as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.target == f"prefiling:{later.code}",
                                                   AuditEntry.action != "open")).all()   # not its opening
    assert "确认为重复信访" in entry.detail and first.code in entry.detail

    # a mis-click is put right: back to 疑似重复 (audited), the guidance and the marker gone
    at.button(key=f"rp-reopen-{link.id}").click().run()
    text = page_text(at)
    assert "重复信访提示现在是“疑似重复”" in text and repeats.ARTICLE_36_3 not in text
    assert {f"rp-confirm-{link.id}", f"rp-dismiss-{link.id}"} <= {b.key for b in at.button}
    assert column(at)[grouped(later.code)] == "疑似重复（1）"
    with Session(ready_engine()) as s:
        details = [e.detail for e in s.exec(select(AuditEntry).where(AuditEntry.target == f"prefiling:{later.code}",
                                                                    AuditEntry.action != "open")
                                                             .order_by(AuditEntry.id))]
    assert len(details) == 2 and "改回疑似重复" in details[-1] and "已确认 → 疑似重复" in details[-1]
    at.button(key=f"rp-open-{link.id}").click().run()   # 打开前件
    assert not at.exception, [e.value for e in at.exception]
    assert f"查询码 {grouped(first.code)}" in [h.value for h in at.header]


def test_dismissed_repeat_leaves_no_marker_and_a_report_stays_hidden(app_page):
    where, number = f"重复区{uuid.uuid4().hex[:8]}", valid_id()
    first = stored(district=where, id_number=number)
    report = stored(district=where, id_number=number, category="检举控告", subject="某局科长",
                    request="检举某局科长收受贿赂。", facts="2026年5月收受现金两万元。")
    later = stored(district=where, id_number=number, subject="某单位", request="请求补发2026年的取暖补贴。",
                   facts="单位说补贴已经取消。")
    at = opened(queue_of(app_page, where, HANDLER), later)
    text = page_text(at)
    assert grouped(first.code) in text and grouped(report.code) not in text   # the report's 前件: 检举控告 only
    link = link_between(later, first)
    at.button(key=f"rp-dismiss-{link.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "重复信访提示现在是“已排除”" in page_text(at)
    assert column(at)[grouped(later.code)] == "无"
    assert repeats.ARTICLE_36_3 not in page_text(at)

    inspector = opened(queue_of(app_page, where, HANDLER, REPORTS), later)
    assert f"前件查询码 **{grouped(report.code)}**" in page_text(inspector)


def test_a_report_withheld_from_a_handler_says_only_that_its_repeats_are_withheld(app_page):
    """A 检举控告 件 opened by a handler without that role: 重复信访 says the hints are for 检举控告
    staff only — not also 未发现同一信访人或诉求相近的前件, which would tell them (wrongly: an
    earlier 件 of the same person exists) that there is nothing to check."""
    where, number = f"重复区{uuid.uuid4().hex[:8]}", valid_id()
    stored(district=where, id_number=number)
    report = stored(district=where, id_number=number, category="检举控告", subject="某局科长",
                    request="检举某局科长收受贿赂。", facts="2026年5月收受现金两万元。")
    text = page_text(opened(queue_of(app_page, where, HANDLER), report))
    assert "检举控告件的重复信访提示仅限有检举控告权限的工作人员查看。" in text
    assert "未发现同一信访人或诉求相近的前件" not in text and "前件查询码" not in text
