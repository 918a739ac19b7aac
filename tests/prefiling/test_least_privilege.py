"""Least privilege: an ordinary 件 needs 办理; a 检举控告-only actor sees 检举控告 only; every reveal of
personal data (view in clear, attachment download) is in the audit log, whoever asks."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.identity import Actor, PermissionDenied
from portal.prefiling import staff
from portal.roles import HANDLER, REPORTS
from tests.prefiling.factories import make_prefiling, make_with_attachment

REPORTS_ONLY = Actor("inspector", frozenset({REPORTS}))
HANDLER_ONLY = Actor("clerk", frozenset({HANDLER}))


def _reveals(session: Session, code: str) -> list[tuple[str, str]]:
    rows = session.exec(select(AuditEntry).where(AuditEntry.action == "reveal",
                                                 AuditEntry.target == f"prefiling:{code}"))
    return [(e.actor_name, e.detail) for e in rows]


def test_reports_only_actor_cannot_open_an_ordinary_petition(db_engine):
    with Session(db_engine) as s:
        plain = make_prefiling(s, name="王大妈")
        for reveal in (False, True):
            with pytest.raises(PermissionDenied):
                staff.staff_view(session=s, actor=REPORTS_ONLY, prefiling_id=plain.prefiling.id, reveal=reveal)
        with_file = make_with_attachment(s)
        file_id = staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=with_file.prefiling.id).attachments[0]["id"]
        with pytest.raises(PermissionDenied):
            staff.read_attachment(session=s, actor=REPORTS_ONLY, attachment_id=file_id)
        assert _reveals(s, plain.code) == []


def test_reports_only_actor_opens_a_report_and_the_reveal_is_audited(db_engine):
    with Session(db_engine) as s:
        report = make_prefiling(s, category="检举控告", name="检举人李某", facts="某所长收受财物。")
        masked = staff.staff_view(session=s, actor=REPORTS_ONLY, prefiling_id=report.prefiling.id)
        assert masked.facts == "某所长收受财物。" and masked.name != "检举人李某" and masked.personal_masked
        assert _reveals(s, report.code) == []  # masked: nothing revealed, nothing logged
        shown = staff.staff_view(session=s, actor=REPORTS_ONLY, prefiling_id=report.prefiling.id, reveal=True)
        s.commit()
        assert shown.name == "检举人李某"
        assert _reveals(s, report.code) == [("inspector", "查看姓名、身份证号、电话、住址")]


def test_a_handler_without_reports_cannot_reveal_a_report(db_engine):
    with Session(db_engine) as s:
        report = make_prefiling(s, category="检举控告")
        assert staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=report.prefiling.id).hidden
        with pytest.raises(PermissionDenied):
            staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=report.prefiling.id, reveal=True)
        assert _reveals(s, report.code) == []


def test_attachment_downloads_are_audited(db_engine):
    with Session(db_engine) as s:
        made = make_with_attachment(s)
        view = staff.staff_view(session=s, actor=HANDLER_ONLY, prefiling_id=made.prefiling.id)
        kind, data = staff.read_attachment(session=s, actor=HANDLER_ONLY, attachment_id=view.attachments[0]["id"])
        s.commit()
        assert data.startswith(b"%PDF")
        assert _reveals(s, made.code) == [("clerk", f"下载附件 {view.attachments[0]['id']}")]


def test_the_handlers_desk_refuses_an_actor_with_only_the_reports_role(db_engine):
    """预登记办理 is the 办理 role's page (README, roles table): its detail and reveal refuse a
    检举控告-only actor even for a 检举控告 件, and nothing is revealed or logged."""
    from portal.prefiling import handling

    with Session(db_engine) as s:
        report = make_prefiling(s, category="检举控告", name="检举人李某", facts="某所长收受财物。")
        plain = make_prefiling(s)
        for made in (report, plain):
            for open_it in (handling.detail, handling.reveal):
                with pytest.raises(PermissionDenied):
                    open_it(session=s, actor=REPORTS_ONLY, prefiling_id=made.prefiling.id)
            assert _reveals(s, made.code) == []
        both = Actor("chief", frozenset({HANDLER, REPORTS}))
        assert handling.reveal(session=s, actor=both, prefiling_id=report.prefiling.id).name == "检举人李某"
