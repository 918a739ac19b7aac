"""更正联系方式: a petitioner who asks (个人信息保护法 art. 46: a new phone number, a move) has their
phone or address put right by a handler; stored encrypted, audited by the fields changed (never
the values); refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.identity import Actor, PermissionDenied
from portal.prefiling import handling, staff
from portal.prefiling.models import Prefiling
from portal.prefiling.retention import purge_expired
from portal.prefiling.states import IllegalTransition, TransitionTaken
from portal.roles import HANDLER, REPORTS
from portal.timeutil import utcnow
from tests.prefiling.factories import make_prefiling

CLERK = Actor("clerk", frozenset({HANDLER}))
INSPECTOR = Actor("inspector", frozenset({HANDLER, REPORTS}))
OLD_ADDRESS = "济南市历下区文化东路1号2单元301室"   # as tests.prefiling.factories files it


def _audit(s: Session, code: str) -> list[AuditEntry]:
    return list(s.exec(select(AuditEntry).where(AuditEntry.action == "contact",
                                                AuditEntry.target == f"prefiling:{code}")))


def test_a_new_phone_number_is_stored_encrypted_and_the_log_names_the_field_not_the_number(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        pid = made.prefiling.id
        changed = staff.correct_contact(session=s, actor=CLERK, prefiling_id=pid,
                                        phone="139 0000 1111", address=OLD_ADDRESS)
        assert changed == ("联系电话",)
        view = handling.reveal(session=s, actor=CLERK, prefiling_id=pid)
        assert (view.phone, view.address) == ("13900001111", OLD_ADDRESS)
        [entry] = _audit(s, made.code)
        assert (entry.actor_name, entry.detail) == ("clerk", "更正联系电话（信访人申请）")
    with db_engine.connect() as conn:
        raw = " ".join(str(v) for r in conn.execute(text("SELECT * FROM prefiling")) for v in r)
    assert "13900001111" not in raw
    with Session(db_engine) as s:
        assert staff.correct_contact(session=s, actor=CLERK, prefiling_id=pid,
                                     phone="13900001111", address="历城区新家园2号") == ("住址",)


def test_wrong_or_unchanged_values_are_refused_with_every_problem_and_nothing_written(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        with pytest.raises(staff.StaffInputError) as wrong:
            staff.correct_contact(session=s, actor=CLERK, prefiling_id=made.prefiling.id, phone="12345", address=" ")
        assert [f for f, _ in wrong.value.problems] == ["phone", "address"]
        assert "11位手机号码" in wrong.value.problems[0][1] and "请填写住址" in wrong.value.problems[1][1]
        with pytest.raises(staff.StaffInputError) as empty:   # said to staff, not in the citizen's words
            staff.correct_contact(session=s, actor=CLERK, prefiling_id=made.prefiling.id, phone=" ",
                                  address=OLD_ADDRESS)
        assert empty.value.problems == (("phone", "请填写联系电话。"),)
        with pytest.raises(staff.StaffInputError, match="与现在的相同"):
            staff.correct_contact(session=s, actor=CLERK, prefiling_id=made.prefiling.id,
                                  phone="13812345678", address=OLD_ADDRESS)
        assert _audit(s, made.code) == []


def test_a_report_is_corrected_only_by_the_reports_role_and_an_erased_one_not_at_all(db_engine, tmp_path):
    with Session(db_engine) as s:
        report = make_prefiling(s, category="检举控告")
        with pytest.raises(PermissionDenied):
            staff.correct_contact(session=s, actor=CLERK, prefiling_id=report.prefiling.id,
                                  phone="13900001111", address=OLD_ADDRESS)
        assert staff.correct_contact(session=s, actor=INSPECTOR, prefiling_id=report.prefiling.id,
                                     phone="13900001111", address=OLD_ADDRESS) == ("联系电话",)
        done = make_prefiling(s)
        staff.reject(session=s, actor=CLERK, prefiling_id=done.prefiling.id, reason="不属于信访事项", channel="人民法院")
        purge_expired(session=s, retention_days=1, attachments_dir=tmp_path, now=utcnow() + dt.timedelta(days=2))
        with pytest.raises(IllegalTransition, match="已按保存期限或申请删除"):
            staff.correct_contact(session=s, actor=CLERK, prefiling_id=done.prefiling.id,
                                  phone="13900001111", address=OLD_ADDRESS)


def test_an_erased_record_offers_nothing_to_reveal_and_a_reveal_is_refused_unlogged(db_engine, tmp_path):
    with Session(db_engine) as s:
        done = make_prefiling(s)
        staff.reject(session=s, actor=CLERK, prefiling_id=done.prefiling.id, reason="不属于信访事项", channel="人民法院")
        assert not handling.detail(session=s, actor=CLERK, prefiling_id=done.prefiling.id).erased
        purge_expired(session=s, retention_days=1, attachments_dir=tmp_path, now=utcnow() + dt.timedelta(days=2))
        assert handling.detail(session=s, actor=CLERK, prefiling_id=done.prefiling.id).erased
        with pytest.raises(PermissionDenied, match="个人信息已删除"):
            handling.reveal(session=s, actor=CLERK, prefiling_id=done.prefiling.id)
        s.rollback()
        assert list(s.exec(select(AuditEntry).where(AuditEntry.action == "reveal",
                                                    AuditEntry.target == f"prefiling:{done.code}"))) == []


def test_a_correction_on_a_stale_view_is_refused(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        seen = s.get(Prefiling, made.prefiling.id).version
        staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply="请补充欠条照片。")
        with pytest.raises(TransitionTaken):
            staff.correct_contact(session=s, actor=CLERK, prefiling_id=made.prefiling.id, phone="13900001111",
                                  address=OLD_ADDRESS, version=seen)
        assert _audit(s, made.code) == []
