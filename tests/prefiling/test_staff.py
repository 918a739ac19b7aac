"""Staff transitions check the role; 检举控告 content reaches only the REPORTS role."""

import pytest
from sqlmodel import Session

from portal.identity import Actor, PermissionDenied
from portal.prefiling import staff
from portal.prefiling.lookup import lookup
from portal.prefiling.states import IllegalTransition
from portal.roles import EDITOR, HANDLER, REPORTS
from tests.prefiling.factories import client, days_left_today, make_prefiling

HANDLER_ONLY = Actor("clerk", frozenset({HANDLER}))
REPORTS_HANDLER = Actor("inspector", frozenset({HANDLER, REPORTS}))
EDITOR_ONLY = Actor("editor", frozenset({EDITOR}))


def test_transitions_need_the_handler_role(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        for call, kwargs in [(staff.register, {"official_number": "1"}), (staff.request_more, {"reply": "x"}),
                             (staff.reject, {"reason": "x", "channel": "y"}), (staff.close, {"reply": "x"})]:
            with pytest.raises(PermissionDenied):
                call(session=s, actor=EDITOR_ONLY, prefiling_id=made.prefiling.id, **kwargs)
            with pytest.raises(PermissionDenied):
                call(session=s, actor=None, prefiling_id=made.prefiling.id, **kwargs)
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).state == "已提交"


def test_each_transition_leaves_a_reply_the_citizen_reads(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        pid = made.prefiling.id
        staff.request_more(session=s, actor=HANDLER_ONLY, prefiling_id=pid, reply="请补充物业合同复印件。")
        with pytest.raises(staff.StaffInputError, match="信访件编号"):
            staff.register(session=s, actor=HANDLER_ONLY, prefiling_id=pid, official_number="")
        staff.register(session=s, actor=HANDLER_ONLY, prefiling_id=pid, official_number="LX2026-0001")
        with pytest.raises(IllegalTransition):
            staff.reject(session=s, actor=HANDLER_ONLY, prefiling_id=pid, reason="r", channel="c")
        view = lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert view.state == "已登记" and view.official_number == "LX2026-0001"
        assert [h.reply for h in view.history][1:] == ["请补充物业合同复印件。",
                                                        "已登记为信访件，信访件编号 LX2026-0001。以后查询或反映这件事，请说明这个编号。"]
        assert view.registered_date is not None and view.days_left == days_left_today(60)

        other = make_prefiling(s)
        staff.reject(session=s, actor=HANDLER_ONLY, prefiling_id=other.prefiling.id,
                     reason="属于劳动争议", channel="劳动争议仲裁委员会")
        rejected = lookup(session=s, code=other.code, secret=other.secret, client=client())
        assert rejected.state == "不予登记" and rejected.reject_channel == "劳动争议仲裁委员会"
        assert rejected.history[-1].reply == "不予登记。理由：属于劳动争议。应当通过的途径：劳动争议仲裁委员会。"


def test_restricted_content_only_for_the_reports_role(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s, category="检举控告", facts="某局副局长收受红包。", name="匿名的检举人")
        assert made.prefiling.restricted
        hidden = staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=made.prefiling.id)
        assert hidden.hidden and hidden.facts is None and hidden.name is None and hidden.request is None
        shown = staff.staff_view(session=s, actor=REPORTS_HANDLER, prefiling_id=made.prefiling.id, reveal=True)
        assert shown.facts == "某局副局长收受红包。" and shown.name == "匿名的检举人"
        with pytest.raises(PermissionDenied):
            staff.staff_view(session=s, actor=EDITOR_ONLY, prefiling_id=made.prefiling.id)
        plain = make_prefiling(s)
        assert staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=plain.prefiling.id).phone == "138****5678"
        assert staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=plain.prefiling.id,
                                reveal=True).phone == "13812345678"


def test_a_handler_without_the_reports_role_cannot_move_a_report_they_cannot_read(db_engine):
    """A 检举控告 件's content is hidden from a plain handler, so they may not register it, reject
    it (its suggested channels, read from the content, are withheld too), ask for more or close it."""
    with Session(db_engine) as s:
        made = make_prefiling(s, category="检举控告", facts="某局副局长收受红包，拖欠工资。")
        pid = made.prefiling.id
        assert staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=pid).channels == ()
        for move in (lambda: staff.register(session=s, actor=HANDLER_ONLY, prefiling_id=pid, official_number="LX-1"),
                     lambda: staff.reject(session=s, actor=HANDLER_ONLY, prefiling_id=pid, reason="r", channel="c"),
                     lambda: staff.request_more(session=s, actor=HANDLER_ONLY, prefiling_id=pid, reply="请补充。")):
            with pytest.raises(PermissionDenied, match="只有具有检举控告权限的工作人员可以办理"):
                move()
        s.rollback()
        assert staff.staff_view(session=s, actor=REPORTS_HANDLER, prefiling_id=pid).state == "已提交"
        assert staff.register(session=s, actor=REPORTS_HANDLER, prefiling_id=pid,
                              official_number="LX-1").state == "已登记"


def test_queue_has_no_personal_data_and_counts_days(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s, district="槐荫区")
        rows = staff.queue(session=s, actor=HANDLER_ONLY, district="槐荫区")
        assert [(r.code, r.days_left) for r in rows] == [(made.code, days_left_today(15))]
        assert not hasattr(rows[0], "name")
        with pytest.raises(PermissionDenied):
            staff.queue(session=s, actor=EDITOR_ONLY)


def test_every_problem_with_a_staff_action_is_reported_at_once():
    from portal.prefiling.transitions import StaffInputError, input_problems, reject

    with pytest.raises(StaffInputError) as refused:
        reject(session=None, actor=None, prefiling_id=0, reason="", channel="  ")   # refused before any read
    assert [field for field, _m in refused.value.problems] == ["reason", "channel"]
    assert refused.value.field == "reason" and str(refused.value) == refused.value.problems[0][1]
    assert [f for f, _m in input_problems("close", reply="")] == ["reply"]
    assert input_problems("close", reply="物业已修复。") == ()
