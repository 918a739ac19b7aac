"""`python -m portal users …`: the first administrator is created from the shell, the password
read from stdin (never an argument)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from sqlmodel import Session

from portal.__main__ import main
from portal.db import get_engine
from portal.roles import ADMIN, EDITOR
from portal.staff.auth import login
from portal.staff.models import StaffUser
from tests.conftest import ROOT

PASSWORD = "first admin passphrase"


@pytest.fixture(autouse=True, scope="module")
def _set_up():
    """The run's database as `setup` leaves it (these tests once relied on an earlier file's)."""
    from portal.migrate import migrate

    migrate(engine=get_engine())


def _cli(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_users_add_then_sign_in(monkeypatch, capsys):
    code, out = _cli(monkeypatch, capsys, "users", "add", "cli-chief", "--role", ADMIN, "--role", EDITOR,
                     stdin=PASSWORD + "\n")
    assert code == 0 and "cli-chief" in out and PASSWORD not in out
    with Session(get_engine()) as s:
        user = s.get(StaffUser, "cli-chief")
        assert user.role_set == {ADMIN, EDITOR} and PASSWORD not in user.password_hash
        assert login(session=s, username="cli-chief", password=PASSWORD).ok
    code, out = _cli(monkeypatch, capsys, "users", "list")
    assert "cli-chief" in out and "启用" in out


def test_short_password_and_duplicate_are_refused(monkeypatch, capsys):
    code, out = _cli(monkeypatch, capsys, "users", "add", "cli-short", "--role", EDITOR, stdin="short\n")
    assert code == 2 and "12" in out
    _cli(monkeypatch, capsys, "users", "add", "cli-dup", "--role", EDITOR, stdin=PASSWORD + "\n")
    code, out = _cli(monkeypatch, capsys, "users", "add", "cli-dup", "--role", EDITOR, stdin=PASSWORD + "\n")
    assert code == 2 and "已存在" in out


def test_password_is_never_an_argument(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        _cli(monkeypatch, capsys, "users", "add", "cli-x", "--password", PASSWORD)


def test_set_roles_disable_and_reset(monkeypatch, capsys):
    _cli(monkeypatch, capsys, "users", "add", "cli-clerk", "--role", EDITOR, stdin=PASSWORD + "\n")
    assert _cli(monkeypatch, capsys, "users", "set-roles", "cli-clerk", "--role", "办理")[0] == 0
    assert _cli(monkeypatch, capsys, "users", "reset-password", "cli-clerk",
                stdin="a brand new passphrase\n")[0] == 0
    with Session(get_engine()) as s:
        assert s.get(StaffUser, "cli-clerk").role_set == {"办理"}
        assert login(session=s, username="cli-clerk", password="a brand new passphrase").ok
        s.commit()
    assert _cli(monkeypatch, capsys, "users", "disable", "cli-clerk")[0] == 0
    with Session(get_engine()) as s:
        assert s.get(StaffUser, "cli-clerk").disabled
        assert not login(session=s, username="cli-clerk", password="a brand new passphrase").ok


def test_real_process_reads_password_from_stdin(run_dir):
    result = subprocess.run([sys.executable, "-m", "portal", "users", "add", "cli-proc", "--role", EDITOR],
                            input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    with Session(get_engine()) as s:
        assert s.get(StaffUser, "cli-proc") is not None


@pytest.mark.parametrize("argv", [("users", "add", "cli-busy", "--role", EDITOR), ("users", "list"),
                                  ("cases", "export", "OUT"), ("erase-prefiling", "ABCD-EFGH-JK", "--by", "chief",
                                                               "--reason", "信访人来电申请")])
def test_a_busy_database_is_said_in_one_line_by_every_command_and_nothing_is_done(monkeypatch, capsys, tmp_path,
                                                                                 argv):
    """Another process holds the SQLite write lock (the portal saving, a backup) or the server is
    down: each command says so in one Chinese line — no traceback, no SQL — and exits 2."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from portal import db

    _cli(monkeypatch, capsys, "users", "list")          # the database exists, migrated

    def locked(*_args, **_kwargs):
        raise OperationalError("SELECT staff_user.username FROM staff_user", {"secret": "x"},
                               sqlite3.OperationalError("database is locked"))

    class Locked(db.Session):   # every way a command reads or writes
        execute = exec = get = flush = locked

    monkeypatch.setattr(db, "Session", Locked)
    argv = tuple(str(tmp_path) if a == "OUT" else a for a in argv)
    code, out = _cli(monkeypatch, capsys, *argv, stdin=PASSWORD + "\n")
    assert code == 2
    [line] = out.strip().splitlines()
    assert "数据库正忙或无法连接（database is locked）" in line or "数据库正忙、无法连接" in line, line
    assert "Traceback" not in out and "SELECT" not in out and "secret" not in out
    monkeypatch.undo()
    with Session(get_engine()) as s:
        assert s.get(StaffUser, "cli-busy") is None


NO_ROLE = ("没有给角色：请用 --role 指定至少一个角色（可以重复，可选：编辑、办理、检举控告、管理员、法律顾问），例如 --role 办理。"
           "要让账号不能再用，用 `users disable`。没有做任何改动。")


def test_an_account_is_not_made_or_left_without_a_role(monkeypatch, capsys):
    """`users add NAME` and `users set-roles NAME` without --role once made an account that signs in
    to nothing, or took every role away (`wang 的角色：无`, status 0): a forgotten --role."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "cli-norole"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.strip() == NO_ROLE
    _cli(monkeypatch, capsys, "users", "add", "cli-keeps", "--role", EDITOR, stdin=PASSWORD + "\n")
    assert main(["users", "set-roles", "cli-keeps"]) == 2
    assert capsys.readouterr().err.strip() == NO_ROLE
    with Session(get_engine()) as s:
        assert s.get(StaffUser, "cli-norole") is None
        assert s.get(StaffUser, "cli-keeps").role_set == {EDITOR}
