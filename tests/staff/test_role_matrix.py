"""Every role against every staff service: allowed → works, not allowed → PermissionDenied.

Pre-filing services that change state create their own record per cell (they commit)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlmodel import Session, select

from portal.audit import service as audit
from portal.audit.models import AuditEntry
from portal.cases import importer
from portal.cases import service as cases
from portal.db import make_engine
from portal.identity import Actor, PermissionDenied
from portal.migrate import migrate
from portal.prefiling import export, handling, repeats
from portal.prefiling import queue as prefiling_queue
from portal.prefiling import staff as prefiling_staff
from portal.prefiling import staff_view as prefiling_staff_view
from portal.prefiling import transitions as prefiling_transitions
from portal.prefiling.models import Prefiling, PrefilingAttachment
from portal.qa import inbox as bank_inbox
from portal.qa import service as bank
from portal.qa.models import BankQuestion, SentQuestion
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER, REPORTS, ROLES
from portal.schedule import service as schedule
from portal.schedule.models import ReceptionSession
from portal.staff import accounts
from portal.stats import bulletin as stats_bulletin
from portal.stats import facts as stats_facts
from portal.stats import figures as stats
from portal.stats.facts import month_period
from portal.timeutil import utcnow
from tests.cases.factories import make_case, make_draft
from tests.prefiling.factories import make_prefiling, make_with_attachment
from tests.qa.factories import ARTICLE_22, make_question
from tests.staff.factories import PASSWORD, make_user

NEW_PASSWORD = "another long passphrase"
_MONTH = month_period(2026, 11)

# service name -> (roles that may call it, call(session, actor, library, tmp_path))
SERVICES = {
    "cases.save_case": ((EDITOR,), lambda s, a, lib, _t: cases.save_case(
        session=s, actor=a, library=lib, slug="m-new", draft=make_draft())),
    "cases.publish": ((EDITOR,), lambda s, a, lib, _t: cases.publish(
        session=s, actor=a, library=lib, slug="m-draft")),
    "cases.withdraw": ((EDITOR,), lambda s, a, lib, _t: cases.withdraw(
        session=s, actor=a, library=lib, slug="m-published")),
    "cases.transition": ((EDITOR,), lambda s, a, lib, _t: cases.transition(
        session=s, actor=a, library=lib, slug="m-published", action="撤回")),
    "cases.staff_cases": ((EDITOR,), lambda s, a, lib, _t: cases.staff_cases(session=s, actor=a)),
    "cases.staff_case": ((EDITOR,), lambda s, a, lib, _t: cases.staff_case(session=s, actor=a, slug="m-draft")),
    "cases.case_revisions": ((EDITOR,), lambda s, a, lib, _t: cases.case_revisions(
        session=s, actor=a, slug="m-draft")),
    "cases.export_cases": ((EDITOR, ADMIN), lambda s, a, lib, t: importer.export_cases(
        session=s, actor=a, directory=t)),
    "accounts.create_user": ((ADMIN,), lambda s, a, lib, _t: accounts.create_user(
        session=s, actor=a, username="m-new-user", password=PASSWORD, roles=[HANDLER])),
    "accounts.list_users": ((ADMIN,), lambda s, a, lib, _t: accounts.list_users(session=s, actor=a)),
    "accounts.set_roles": ((ADMIN,), lambda s, a, lib, _t: accounts.set_roles(
        session=s, actor=a, username="m-target", roles=[REPORTS])),
    "accounts.set_disabled": ((ADMIN,), lambda s, a, lib, _t: accounts.set_disabled(
        session=s, actor=a, username="m-target")),
    "accounts.reset_password": ((ADMIN,), lambda s, a, lib, _t: accounts.reset_password(
        session=s, actor=a, username="m-target", password=NEW_PASSWORD)),
    "audit.list_entries": ((ADMIN,), lambda s, a, lib, _t: audit.list_entries(session=s, actor=a)),
    "prefiling.register": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.register(
        session=s, actor=a, prefiling_id=_fresh(s), official_number=_number())),
    "prefiling.request_more": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.request_more(
        session=s, actor=a, prefiling_id=_fresh(s), reply="请补充材料。")),
    "prefiling.reject": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.reject(
        session=s, actor=a, prefiling_id=_fresh(s), reason="不属于信访事项", channel="人民法院")),
    "prefiling.close": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.close(
        session=s, actor=a, prefiling_id=_registered(s), reply="已办结。")),
    "prefiling.correct_number": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.correct_number(
        session=s, actor=a, prefiling_id=_registered(s), official_number=_number(), reason="录入错误")),
    "prefiling.correct_contact": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.correct_contact(
        session=s, actor=a, prefiling_id=_fresh(s), phone="13900001111", address="历下区新地址2号")),
    "prefiling.load_for_staff": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff_view.load_for_staff(
        session=s, actor=a, prefiling_id=_fresh(s))),
    "schedule.add_session": ((EDITOR,), lambda s, a, lib, _t: schedule.add_session(
        session=s, actor=a, data=_reception(), today=dt.date.today())),
    "schedule.update_session": ((EDITOR,), lambda s, a, lib, _t: schedule.update_session(
        session=s, actor=a, session_id=_reception_id(s), data=_reception(place="矩阵接待室"))),
    "schedule.delete_session": ((EDITOR,), lambda s, a, lib, _t: schedule.delete_session(
        session=s, actor=a, session_id=_reception_id(s)) or "deleted"),
    "stats_facts.counting": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats_facts.counting(a)),
    "prefiling.queue": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.queue(session=s, actor=a)),
    "prefiling.districts": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.districts(session=s, actor=a)),
    # an ordinary 件 needs 办理; a 检举控告 件 is open to 办理 or 检举控告 (content with 检举控告 only)
    "prefiling.staff_view": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.staff_view(
        session=s, actor=a, prefiling_id=_seeded_id(s))),
    "prefiling.staff_view(reveal)": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.staff_view(
        session=s, actor=a, prefiling_id=_seeded_id(s), reveal=True)),
    "prefiling.staff_view(检举控告)": ((HANDLER, REPORTS), lambda s, a, lib, _t: prefiling_staff.staff_view(
        session=s, actor=a, prefiling_id=_report_id(s))),
    "prefiling.staff_view(检举控告, reveal)": ((REPORTS,), lambda s, a, lib, _t: prefiling_staff.staff_view(
        session=s, actor=a, prefiling_id=_report_id(s), reveal=True)),
    "prefiling.read_attachment": ((HANDLER,), lambda s, a, lib, _t: prefiling_staff.read_attachment(
        session=s, actor=a, attachment_id=s.exec(select(PrefilingAttachment.id)).first())),
    "handling.detail": ((HANDLER,), lambda s, a, lib, _t: handling.detail(
        session=s, actor=a, prefiling_id=_seeded_id(s))),
    "handling.open_record": ((HANDLER,), lambda s, a, lib, _t: handling.open_record(
        session=s, actor=a, prefiling_id=_seeded_id(s))),
    "handling.reveal": ((HANDLER,), lambda s, a, lib, _t: handling.reveal(
        session=s, actor=a, prefiling_id=_seeded_id(s))),
    "export.export_csv": ((HANDLER,), lambda s, a, lib, _t: export.export_csv(
        session=s, actor=a, rows=prefiling_staff.queue(session=s, actor=Actor("q", frozenset({HANDLER}))))),
    # 重复信访: links of an ordinary 件 for 办理; figures also for 管理员
    "repeats.repeat_panel": ((HANDLER,), lambda s, a, lib, _t: repeats.repeat_panel(
        session=s, actor=a, prefiling_id=_seeded_id(s))),
    "repeats.repeat_panel(检举控告)": ((HANDLER, REPORTS), lambda s, a, lib, _t: repeats.repeat_panel(
        session=s, actor=a, prefiling_id=_report_id(s))),
    "repeats.repeat_marks": ((HANDLER,), lambda s, a, lib, _t: repeats.repeat_marks(
        session=s, actor=a, prefiling_ids=[_seeded_id(s)])),
    "repeats.confirm": ((HANDLER,), lambda s, a, lib, _t: repeats.confirm(
        session=s, actor=a, link_id=_repeat_link(s))),
    "repeats.dismiss": ((HANDLER,), lambda s, a, lib, _t: repeats.dismiss(
        session=s, actor=a, link_id=_repeat_link(s))),
    "repeats.decide": ((HANDLER,), lambda s, a, lib, _t: repeats.decide(
        session=s, actor=a, link_id=_repeat_link(s), action="confirm")),
    "repeats.confirmed_repeats": ((HANDLER, ADMIN), lambda s, a, lib, _t: repeats.confirmed_repeats(
        session=s, actor=a, start=utcnow().date(), end=utcnow().date())),
    # 数据看板: 管理员 or 办理 (检举控告 figures only with 检举控告 too: tests/stats/test_figures.py)
    "stats.intake": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats.intake(session=s, actor=a, period=_MONTH)),
    "stats.timeliness": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats.timeliness(
        session=s, actor=a, period=_MONTH, today=_MONTH.end)),
    "stats.outcomes": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats.outcomes(session=s, actor=a, period=_MONTH)),
    "stats.due_lists": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats.due_lists(session=s, actor=a, day=_MONTH.end)),
    "stats.legal_education": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats.legal_education(
        session=s, actor=a, period=_MONTH)),
    "stats_bulletin.monthly_bulletin": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats_bulletin.monthly_bulletin(
        session=s, actor=a, year=2026, month=11, today=_MONTH.end)),
    "stats_bulletin.export_bulletin": ((ADMIN, HANDLER), lambda s, a, lib, _t: stats_bulletin.export_bulletin(
        session=s, actor=a, year=2026, month=11, fmt="md", today=_MONTH.end)),
    "bank.add_question": ((COUNSEL,), lambda s, a, lib, _t: bank.add_question(
        session=s, actor=a, library=lib, question="矩阵里新写的问题", provision_ids=[ARTICLE_22])),
    "bank.file_from_search": (ROLES, lambda s, a, lib, _t: bank.file_from_search(
        session=s, actor=a, library=lib, question="从法律问答收入的问题", provision_ids=[ARTICLE_22])),
    "bank.edit_question": ((COUNSEL,), lambda s, a, lib, _t: bank.edit_question(
        session=s, actor=a, library=lib, question_id=_bank_id(s, "草稿"), question="改过的矩阵问题",
        provision_ids=[ARTICLE_22])),
    "bank.publish": ((COUNSEL,), lambda s, a, lib, _t: bank.publish(
        session=s, actor=a, library=lib, question_id=_bank_id(s, "草稿"))),
    "bank.withdraw": ((COUNSEL,), lambda s, a, lib, _t: bank.withdraw(
        session=s, actor=a, library=lib, question_id=_bank_id(s, "已发布"))),
    "bank.transition": ((COUNSEL,), lambda s, a, lib, _t: bank.transition(
        session=s, actor=a, library=lib, question_id=_bank_id(s, "已发布"), action="撤回")),
    "bank.staff_questions": ((COUNSEL,), lambda s, a, lib, _t: bank.staff_questions(session=s, actor=a)),
    "bank.staff_question": ((COUNSEL,), lambda s, a, lib, _t: bank.staff_question(
        session=s, actor=a, question_id=_bank_id(s, "草稿"))),
    "bank.state_counts": ((COUNSEL,), lambda s, a, lib, _t: bank.state_counts(session=s, actor=a)),
    "bank_inbox.sent_questions": ((COUNSEL,), lambda s, a, lib, _t: bank_inbox.sent_questions(
        session=s, actor=a)),
    "bank_inbox.sent_question": ((COUNSEL,), lambda s, a, lib, _t: bank_inbox.sent_question(
        session=s, actor=a, sent_id=_sent_id(s))),
    "bank_inbox.answer_sent": ((COUNSEL,), lambda s, a, lib, _t: bank_inbox.answer_sent(
        session=s, actor=a, library=lib, sent_id=_sent_id(s), question="来问收入问题库",
        provision_ids=[ARTICLE_22])),
    "bank_inbox.dismiss_sent": ((COUNSEL,), lambda s, a, lib, _t: bank_inbox.dismiss_sent(
        session=s, actor=a, sent_id=_sent_id(s))),
}


def _repeat_link(session: Session) -> int:
    """A fresh 疑似重复 link between two ordinary pre-filings of one petitioner."""
    from tests.prefiling.factories import valid_id

    number = valid_id()
    earlier = make_prefiling(session, id_number=number).prefiling.id
    later = make_prefiling(session, id_number=number).prefiling.id
    return session.exec(select(repeats.PrefilingRepeat.id).where(
        repeats.PrefilingRepeat.prefiling_id == later, repeats.PrefilingRepeat.earlier_id == earlier)).one()


def _bank_id(session: Session, state: str) -> int:
    return session.exec(select(BankQuestion.id).where(BankQuestion.state == state)).first()


def _sent_id(session: Session) -> int:
    return session.exec(select(SentQuestion.id).where(SentQuestion.state == "待处理")).first()


def _number() -> str:
    """A 信访件编号 of its own: a number names one 件."""
    return f"M-{uuid.uuid4().hex[:8]}"


def _fresh(session: Session) -> int:
    return make_prefiling(session).prefiling.id


def _reception(**changes) -> schedule.SessionData:
    data = dict(leader="市信访局局长", day=dt.date.today() + dt.timedelta(days=7), start_time="09:00",
                end_time="12:00", place="市信访局来访接待大厅")
    return schedule.SessionData(**{**data, **changes})


def _reception_id(session: Session) -> int:
    row = ReceptionSession(key=f"m-{uuid.uuid4().hex[:12]}", updated_by="setup")
    schedule._apply(row, _reception())
    session.add(row)
    session.commit()
    return row.id


def _registered(session: Session) -> int:
    pid = _fresh(session)
    prefiling_staff.register(session=session, actor=Actor("setup", frozenset({HANDLER})), prefiling_id=pid,
                             official_number=_number())
    return pid


def _report_id(session: Session) -> int:
    return session.exec(select(Prefiling.id).where(Prefiling.district == "矩阵区",
                                                   Prefiling.restricted.is_(True))).first()


def _seeded_id(session: Session) -> int:
    return session.exec(select(Prefiling.id).where(Prefiling.district == "矩阵区",
                                                   Prefiling.restricted.is_(False))).first()


def _reveal_count(session: Session) -> int:
    return len(session.exec(select(AuditEntry.id).where(AuditEntry.action == "reveal")).all())


ACTORS = {role: Actor(f"as-{role}", frozenset({role})) for role in ROLES}
ACTORS["（未登录）"] = None
ACTORS["（无角色）"] = Actor("nobody", frozenset())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, library):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'm.db'}")
    migrate(engine=engine)
    with Session(engine) as s:
        make_user(s, "m-admin", ADMIN)
        make_user(s, "m-target", EDITOR)
        make_case(s, library, "m-draft")
        make_case(s, library, "m-published", state="已发布")
        make_question(s, library)
        make_question(s, library, state="已发布")
        s.add(SentQuestion(text="矩阵来问", state="待处理", received_at=utcnow()))
        s.commit()
        make_with_attachment(s, district="矩阵区")
        make_prefiling(s, district="矩阵区", category="检举控告")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("name", list(SERVICES))
def test_role_matrix(seeded, library, tmp_path, name, who):
    allowed_roles, call = SERVICES[name]
    actor = ACTORS[who]
    with Session(seeded) as session:
        try:
            if actor is not None and actor.roles & set(allowed_roles):
                reveals = _reveal_count(session)
                result = call(session, actor, library, tmp_path)
                assert result is not None
                if "reveal" in name or name == "prefiling.read_attachment":  # audited, whoever asks
                    assert _reveal_count(session) == reveals + 1
            else:
                with pytest.raises(PermissionDenied):
                    call(session, actor, library, tmp_path)
        finally:
            session.rollback()  # each cell starts from the same seeded data


def test_every_staff_service_is_in_the_matrix():
    """A new service function in these modules must be added to SERVICES (or it is unchecked)."""
    import inspect

    # the modules where the functions are written: portal.prefiling.staff only re-exports them
    modules = {"cases": cases, "accounts": accounts, "audit": audit, "cases_io": importer,
               "transitions": prefiling_transitions, "staff_view": prefiling_staff_view,
               "queue": prefiling_queue, "handling": handling, "export": export,
               "schedule": schedule, "stats_facts": stats_facts,
               "bank": bank, "bank_inbox": bank_inbox, "stats": stats, "repeats": repeats,
               "stats_bulletin": stats_bulletin}
    public_reading = {"published_list", "published_case", "published_summaries", "summary_of", "matching",
                      "citations_of", "draft_of", "store_case", "record",
                      "import_cases", "check_case_file", "case_files",
                      "deadline_words", "days_left_of", "offered_actions", "neutralise", "as_text", "with_codes",
                      "published_entries", "provisions_of", "clean_provisions", "validate",
                      "send_question", "mask_personal_numbers",
                      "cell", "pct", "change", "change_pct", "hidden_share", "to_markdown", "to_html", "title_of",
                      "intake_groups", "masked_intake", "masked_ratings",   # 月通报 disclosure: pure
                      # 重复信访 plumbing: no actor, no data shown (submission, background, retention)
                      "threshold_for", "matter_text", "record_submission", "process_pending",
                      "encode_soon", "forget",
                      "target_words",  # pure, no data, or public (操作日志: a target in words)
                      "input_problems", "may_see_restricted",  # pure checks of words / of a role
                      "differs_from_stored",  # pure: typed text against a record the caller read
                      # 接访日程: public reading, the shipped file's import at start-up, a pure check
                      "announced", "upcoming", "load_schedule_file", "import_schedule", "validate_session", "data_of",
                      "day_notes",  # pure: a day against the holiday calendar
                      # 数据看板's query blocks and periods, called only by the role-checked figures
                      "load", "counted_by", "received_in", "registered_in", "ended_in", "ended_after",
                      "open_now", "month_period", "previous_month", "last_month"}
    covered = {n.split(".", 1)[1] for n in SERVICES} | public_reading
    unchecked = [f"{module.__name__}.{fname}" for module in modules.values()
                 for fname, func in inspect.getmembers(module, inspect.isfunction)
                 if func.__module__ == module.__name__ and not fname.startswith("_") and fname not in covered]
    assert not unchecked, f"not in the role matrix: {unchecked}"
