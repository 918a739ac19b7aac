"""Every staff action leaves an audit entry; the log cannot be edited, not even through SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.audit.service import list_entries, record
from portal.cases import importer
from portal.roles import ADMIN, EDITOR
from portal.staff import accounts
from portal.staff.auth import failed_name_tag, login, logout
from tests.cases.factories import EDITOR_ACTOR, make_case
from tests.staff.factories import PASSWORD, ROOT, make_user


def _entries(session) -> list[tuple[str, str, str]]:
    return [(e.actor_name, e.action, e.target)
            for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_each_staff_action_is_recorded(db_engine, library, tmp_path):
    with Session(db_engine) as s:
        make_user(s, "clerk", EDITOR)
        make_user(s, "boss", ADMIN)
        accounts.set_roles(session=s, actor=ROOT, username="clerk", roles=[EDITOR, ADMIN])
        accounts.reset_password(session=s, actor=ROOT, username="clerk", password=PASSWORD)
        accounts.set_disabled(session=s, actor=ROOT, username="boss")
        login(session=s, username="clerk", password="wrong wrong wrong")
        token = login(session=s, username="clerk", password=PASSWORD).token
        logout(session=s, token=token)
        make_case(s, library, "audited", state="已撤回")
        importer.export_cases(session=s, actor=EDITOR_ACTOR, directory=tmp_path)
        s.commit()
        entries = _entries(s)
    assert entries == [
        ("test-root", "user_change", "clerk"), ("test-root", "user_change", "boss"),
        ("test-root", "user_change", "clerk"), ("test-root", "user_change", "clerk"),
        ("test-root", "user_change", "boss"),
        ("?", "login_failed", failed_name_tag("clerk")), ("clerk", "login", "clerk"), ("clerk", "logout", "clerk"),
        ("editor-wang", "save", "case:audited"), ("editor-wang", "publish", "case:audited"),
        ("editor-wang", "withdraw", "case:audited"), ("editor-wang", "export", f"cases:{tmp_path}"),
    ]
    with Session(db_engine) as s:
        details = " ".join(e.detail for e in s.exec(select(AuditEntry)))
    assert PASSWORD not in details and "wrong wrong" not in details  # no secrets in the log
    assert f"角色：{EDITOR} → {EDITOR}、{ADMIN}" in details        # roles listed as words are (、)


def test_admin_reads_newest_first_with_filters(db_engine):
    with Session(db_engine) as s:
        record(session=s, actor_name="a", action="reveal", target="prefiling:XF-1", detail="查看手机号")
        record(session=s, actor_name="b", action="export", target="prefilings")
        s.commit()
        newest = list_entries(session=s, actor=ROOT)
        assert [e.action for e in newest] == ["export", "reveal"]
        assert [e.target for e in list_entries(session=s, actor=ROOT, action="reveal")] == ["prefiling:XF-1"]
        assert list_entries(session=s, actor=ROOT, actor_name="b")[0].action == "export"
        # the wanted entries are the oldest: a filter that let everything through would list others first
        record(session=s, actor_name="c", action="login", target="c")
        s.commit()
        assert [(e.actor_name, e.action) for e in list_entries(session=s, actor=ROOT, actor_name="a")] == [
            ("a", "reveal")]
        assert [e.action for e in list_entries(session=s, actor=ROOT, actor_name="b")] == ["export"]
        assert list_entries(session=s, actor=ROOT, actor_name="nobody") == []


def test_since_shows_entries_from_that_moment_on_inclusive(db_engine, monkeypatch):
    import datetime as dt

    from portal.audit import service

    t0 = dt.datetime(2026, 12, 5, 1, 30, tzinfo=dt.UTC)      # 09:30 in Beijing
    moments = iter([t0 - dt.timedelta(seconds=1), t0, t0 + dt.timedelta(minutes=5)])
    monkeypatch.setattr(service, "utcnow", lambda: next(moments))
    with Session(db_engine) as s:
        record(session=s, actor_name="clerk", action="login", target="before")
        record(session=s, actor_name="clerk", action="reveal", target="exactly")
        record(session=s, actor_name="clerk", action="logout", target="after")
        s.commit()
        assert [e.target for e in list_entries(session=s, actor=ROOT, since=t0)] == ["after", "exactly"]
        later = t0 + dt.timedelta(seconds=1)
        assert [e.target for e in list_entries(session=s, actor=ROOT, since=later)] == ["after"]
        assert [e.target for e in list_entries(session=s, actor=ROOT)] == ["after", "exactly", "before"]


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET actor_name = 'someone-else'",
    "UPDATE audit_entry SET detail = '' WHERE id = 1",
    "DELETE FROM audit_entry",
    "DELETE FROM audit_entry WHERE id = 1",
])
def test_sql_update_and_delete_are_refused(db_engine, statement):
    with Session(db_engine) as s:
        record(session=s, actor_name="clerk", action="login", target="clerk")
        s.commit()
    with db_engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
        conn.rollback()
    with Session(db_engine) as s:
        assert _entries(s) == [("clerk", "login", "clerk")]


def test_truncate_is_refused_on_postgres(db_engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL only")
    with Session(db_engine) as s:
        record(session=s, actor_name="clerk", action="login", target="clerk")
        s.commit()
    with db_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("TRUNCATE audit_entry"))


def test_targets_are_shown_in_words():
    from portal.audit.service import target_words

    assert target_words("prefiling:ABCDEFGHJK") == "预登记 ABCD-EFGH-JK"
    assert target_words("bank:12") == "常见问题 第 12 号" and target_words("sent:3") == "群众来问 第 3 号"
    assert target_words("case:staff-example-tiaojie-xieyi") == "典型案例 staff-example-tiaojie-xieyi"
    assert target_words("bulletin:2026-11") == "统计公报 2026-11"
    assert target_words("editor-wang") == "editor-wang" and target_words("weird:") == "weird:"
    assert target_words("prefiling-queue") == "预登记列表"          # an export of the list


def test_roles_are_said_in_the_order_of_the_readme_table():
    """操作日志 and the account pages name roles in the README's order (编辑, 办理, 检举控告, 管理员,
    法律顾问), not in the order they were ticked or in code-point order; no role at all is 无."""
    from portal.roles import roles_words

    assert roles_words(["管理员", "编辑"]) == "编辑、管理员"
    assert roles_words({"法律顾问", "检举控告", "办理"}) == "办理、检举控告、法律顾问"
    assert roles_words([]) == "无"
