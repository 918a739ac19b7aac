"""Operating the portal from a shell or cron (ops drill, session 33): a restore without its key is
refused instead of getting a throw-away key; commands read the service's settings with
--env-file, refuse a database that does not exist, and name the one they used; the sweep of
unnamed files leaves alone a folder whose database holds nothing."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session, select

from portal.bootstrap import BootstrapReport
from portal.cli_core import print_setup_report
from portal.laws.importer import ImportReport
from portal.prefiling import attachments
from portal.prefiling.crypto import EncryptionKeyError, get_cipher, write_key_file
from portal.prefiling.keycheck import key_problem
from portal.prefiling.retention import purge_expired
from portal.settings import get_settings, load_settings
from portal.timeutil import utcnow
from tests.prefiling.factories import make_prefiling

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _settings(engine, key_file: Path):
    return load_settings({"DATABASE_URL": engine.url.render_as_string(hide_password=False),
                          "PORTAL_ENCRYPTION_KEY_FILE": str(key_file)})


def test_a_database_restored_without_its_key_gets_no_new_key(db_engine, tmp_path):
    with Session(db_engine) as s:
        make_prefiling(s)                                   # encrypted under the run's key
    lost = tmp_path / "restored" / "portal.key"
    settings = _settings(db_engine, lost)
    with pytest.raises(EncryptionKeyError, match="请从备份恢复这个密钥文件"):
        get_cipher(settings)
    assert not lost.exists(), "no throw-away key to encrypt new petitions under"
    assert "找不到加密密钥文件" in key_problem(engine=db_engine, settings=settings)


def test_the_wrong_key_is_named_before_the_server_starts(db_engine, tmp_path):
    with Session(db_engine) as s:
        make_prefiling(s)
    other = tmp_path / "other.key"
    write_key_file(other)
    problem = key_problem(engine=db_engine, settings=_settings(db_engine, other))
    assert "密钥与数据不匹配" in problem and "旧密钥要留在新密钥后面" in problem
    assert key_problem(engine=db_engine, settings=get_settings()) == ""      # the right key
    report = BootstrapReport(laws=ImportReport(), key_problem=problem)
    assert print_setup_report(report) == 2       # `portal setup` fails, and `ui.serve` does not start


def test_a_rotation_that_dropped_the_old_key_is_named_though_the_newest_row_reads(db_engine, tmp_path):
    """README (备份与恢复): after a rotation the old key stays after the new one. A key file holding
    only the new key reads the newest pre-filing but not the oldest: the start-up check says so."""
    from portal.prefiling.crypto import Cipher, new_key
    from portal.prefiling.models import Prefiling

    new = new_key()
    with Session(db_engine) as s:
        make_prefiling(s, name="最早的信访人")                    # under the old key
        settings = get_settings()
        old = settings.encryption_key or settings.encryption_key_file.read_text(encoding="ascii")
        newest = s.get(Prefiling, make_prefiling(s).prefiling.id)
        newest.name_enc = Cipher([new]).encrypt("新近的信访人")      # written after the rotation
        s.add(newest)
        s.commit()
    only_new = tmp_path / "only-new.key"
    only_new.write_text(new + "\n", encoding="ascii")
    problem = key_problem(engine=db_engine, settings=_settings(db_engine, only_new))
    assert "密钥与数据不匹配" in problem and "旧密钥要留在新密钥后面" in problem
    both = tmp_path / "rotated.key"
    both.write_text(new + "\n" + old.strip() + "\n", encoding="ascii")
    assert key_problem(engine=db_engine, settings=_settings(db_engine, both)) == ""


def test_the_wrong_key_is_named_when_only_a_draft_holds_personal_data(db_engine, tmp_path):
    """A database restored before anyone submitted, but with a citizen's saved draft (草稿): the
    draft is personal data too, so the wrong key is named and no new key is made over it."""
    from portal.prefiling.drafts import save_draft
    from tests.prefiling.factories import make_form

    with Session(db_engine) as s:
        save_draft(session=s, data=make_form(), step="matter")
    other = tmp_path / "other.key"
    write_key_file(other)
    assert "密钥与数据不匹配" in key_problem(engine=db_engine, settings=_settings(db_engine, other))
    lost = tmp_path / "restored" / "portal.key"
    assert "找不到加密密钥文件" in key_problem(engine=db_engine, settings=_settings(db_engine, lost))
    assert not lost.exists()
    assert key_problem(engine=db_engine, settings=get_settings()) == ""


def test_an_empty_database_still_gets_its_key_on_first_use(db_engine, tmp_path):
    fresh = tmp_path / "new" / "portal.key"
    get_cipher(_settings(db_engine, fresh))
    assert fresh.is_file() and oct(fresh.stat().st_mode & 0o777) == "0o600"


def test_env_file_gives_cron_the_service_settings_and_a_missing_database_is_refused(tmp_path, capsys):
    from portal.__main__ import main

    missing = tmp_path / "nowhere" / "portal.db"
    env = tmp_path / "portal.env"
    env.write_text(f"# as /etc/portal/portal.env\nDATABASE_URL=\"sqlite:///{missing}\"\n"
                   f"PORTAL_DATA_DIR='{tmp_path / 'data'}'\n\nPORTAL_TRUSTED_PROXIES=127.0.0.1, ::1\n")
    saved = dict(os.environ)
    try:
        assert main(["--env-file", str(env), "purge-expired"]) == 2
        err = capsys.readouterr().err
        assert f"找不到数据库文件 {missing}（没有新建）" in err and "--env-file" in err
        assert not missing.exists(), "purging an empty database it made itself would say nothing was due"
        assert os.environ["PORTAL_TRUSTED_PROXIES"] == "127.0.0.1, ::1"
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()


def test_purge_names_the_database_it_used(capsys):
    from portal.__main__ import main
    from portal.db import get_engine
    from portal.migrate import migrate

    migrate(engine=get_engine())
    assert main(["purge-expired"]) == 0
    out = capsys.readouterr().out
    assert f"database sqlite:///{get_settings().database_url.split('///', 1)[1]}" in out and "anonymised 0" in out


def test_purge_says_how_many_unhandled_sent_in_questions_it_deleted(capsys):
    from portal.__main__ import main
    from portal.db import get_engine
    from portal.migrate import migrate
    from portal.qa.models import SentQuestion

    migrate(engine=get_engine())
    with Session(get_engine()) as s:
        s.add(SentQuestion(text="物业费一直涨怎么办", state="待处理", received_at=utcnow() - dt.timedelta(days=91)))
        s.commit()
    assert main(["purge-expired"]) == 0
    assert "deleted 1 sent-in questions (群众来问) left unhandled for more than 90 days" in capsys.readouterr().out


def test_a_citizens_request_to_delete_is_carried_out_on_a_closed_filing_and_audited(capsys):
    """个人信息保护法 art. 47: the notice names where to ask; staff check the request, then one
    command erases that 件's personal data now (not in three years) and logs who and on what basis.
    A 件 still being handled is refused, and says what to do instead."""
    from portal.__main__ import main
    from portal.audit.models import AuditEntry
    from portal.db import get_engine
    from portal.identity import Actor
    from portal.migrate import migrate
    from portal.prefiling import staff
    from portal.prefiling.models import Prefiling
    from portal.roles import HANDLER
    from portal.staff.models import StaffUser
    from tests.staff.factories import make_user

    migrate(engine=get_engine())
    clerk = Actor("clerk", frozenset({HANDLER}))
    with Session(get_engine(), expire_on_commit=False) as s:
        if s.get(StaffUser, "wang") is None:
            make_user(s, "wang", HANDLER)
        done, running = make_prefiling(s), make_prefiling(s)
        staff.register(session=s, actor=clerk, prefiling_id=done.prefiling.id, official_number="XF-ERASE-1")
        staff.close(session=s, actor=clerk, prefiling_id=done.prefiling.id, reply="已答复。")
    assert main(["erase-prefiling", running.code, "--by", "wang", "--reason", "信访人来电申请，已核实身份"]) == 2
    assert "还在办理中（已提交）：登记前可由信访人撤回" in capsys.readouterr().err
    # the audit log cannot be changed afterwards: no made-up staff member, no numbers in the basis
    assert main(["erase-prefiling", done.code, "--by", "nobody", "--reason", "信访人来电申请，已核实身份"]) == 2
    assert "没有启用的工作人员账号“nobody”" in capsys.readouterr().err
    assert main(["erase-prefiling", done.code, "--by", "wang", "--reason", "张某来电13812345678申请"]) == 2
    assert "依据中有身份证号或电话号码" in capsys.readouterr().err
    assert main(["erase-prefiling", done.code.lower(), "--by", "wang", "--reason", "信访人来电申请，已核实身份"]) == 0
    assert f"已删除预登记 {done.code} 的个人信息" in capsys.readouterr().out
    with Session(get_engine()) as s:
        erased, kept = s.get(Prefiling, done.prefiling.id), s.get(Prefiling, running.prefiling.id)
        assert erased.name_enc is None and erased.anonymised_at is not None and kept.name_enc is not None
        [entry] = s.exec(select(AuditEntry).where(AuditEntry.action == "erase")).all()
        assert (entry.actor_name, entry.target, entry.detail) == ("wang", f"prefiling:{done.code}", "信访人来电申请，已核实身份")
    assert main(["erase-prefiling", done.code, "--by", "wang", "--reason", "again"]) == 2
    assert "的个人信息已于" in capsys.readouterr().err


def test_purge_names_filings_left_open_past_the_period(capsys):
    """A 件 left in 需补充材料 (the citizen never came back) is never closed, so never erased: the
    purge says how many, and what to do."""
    from portal.__main__ import main
    from portal.db import get_engine
    from portal.migrate import migrate
    from portal.prefiling.models import Prefiling

    migrate(engine=get_engine())
    with Session(get_engine(), expire_on_commit=False) as s:
        old = make_prefiling(s)
        row = s.get(Prefiling, old.prefiling.id)
        row.submitted_at = utcnow() - dt.timedelta(days=get_settings().retention_days + 1)
        s.add(row)
        s.commit()
    assert main(["purge-expired"]) == 0
    assert "still open: 1 pre-filings came in more than" in capsys.readouterr().err


def test_a_database_with_nothing_in_it_does_not_sweep_the_attachments_folder(db_engine, tmp_path):
    """Settings half given (the right folder, the wrong database): every file there is "named by
    nothing", and a still-open pre-filing's attachment was deleted."""
    stored = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())["stored_name"]
    old = (utcnow() - dt.timedelta(days=10)).timestamp()
    os.utime(tmp_path / stored, (old, old))
    with Session(db_engine) as s:
        report = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path)
    assert (tmp_path / stored).exists() and report.sweep_skipped == 1 and report.files_removed == 0


def test_purge_with_the_database_busy_says_so_in_one_line_and_erases_nothing(monkeypatch, capsys):
    """Another process holds the SQLite write lock (the portal saving, a backup): the command
    says in one Chinese line that nothing was done — no traceback, no SQL — and exits 2. Nothing
    was erased and no file removed, so running it again later does the whole purge."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from portal.__main__ import main
    from portal.db import get_engine
    from portal.identity import Actor
    from portal.migrate import migrate
    from portal.prefiling import ratelimit, staff
    from portal.prefiling.models import Prefiling, PrefilingAttachment
    from portal.roles import HANDLER
    from tests.prefiling.factories import make_with_attachment

    engine = get_engine()
    migrate(engine=engine)
    clerk = Actor("clerk", frozenset({HANDLER}))
    with Session(engine, expire_on_commit=False) as s:
        made = make_with_attachment(s)
        staff.register(session=s, actor=clerk, prefiling_id=made.prefiling.id, official_number="XF-1")
        staff.close(session=s, actor=clerk, prefiling_id=made.prefiling.id, reply="已答复。")
        p = s.get(Prefiling, made.prefiling.id)
        p.closed_at = utcnow() - dt.timedelta(days=get_settings().retention_days + 10)
        s.add(p)
        s.commit()
        [att] = s.exec(select(PrefilingAttachment).where(PrefilingAttachment.prefiling_id == p.id)).all()
    file = get_settings().attachments_dir / att.stored_name
    assert file.exists()

    def locked(**_kwargs):
        raise OperationalError("DELETE FROM rate_event WHERE rate_event.at < ?", ("2026-12-01",),
                               sqlite3.OperationalError("database is locked"))

    with monkeypatch.context() as patched:
        patched.setattr(ratelimit, "purge", locked)
        assert main(["purge-expired"]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == "清理没有完成：数据库正忙或无法连接（database is locked），没有删除任何内容，请稍后再运行。"
    assert "DELETE" not in out + err and "Traceback" not in out + err
    with Session(engine) as s:
        assert s.get(Prefiling, made.prefiling.id).anonymised_at is None
    assert file.exists(), "the record still names its file: it must still be there"

    assert main(["purge-expired"]) == 0        # run again: the whole purge is done
    with Session(engine) as s:
        assert s.get(Prefiling, made.prefiling.id).anonymised_at is not None
    assert not file.exists()


def test_a_database_file_deleted_while_the_portal_runs_takes_no_more_petitions(tmp_path):
    """Failure drill: the SQLite file deleted under a running portal. Submissions went on
    "succeeding" into the unlinked file, and the next start began on an empty database, every
    petition and its 查询码 gone. Now the next use fails (the pages say it could not save), and
    neither the engine nor `setup` nor the server's start creates a new file in its place."""
    from portal.db import DatabaseGone, make_engine
    from portal.migrate import migrate

    path = tmp_path / "data" / "portal.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine=engine)
    with Session(engine) as s:
        make_prefiling(s)
    for f in path.parent.glob("portal.db*"):   # as the drill: rm portal.db portal.db-wal portal.db-shm
        f.unlink()
    with pytest.raises(DatabaseGone, match="在门户运行中被删除或替换"), Session(engine) as s:
        make_prefiling(s)
    assert not path.exists()
    with pytest.raises(DatabaseGone, match="不见了"):
        make_engine(f"sqlite:///{path}")
    assert setup_with(tmp_path, path, path.parent) == 2
    assert not path.exists()
    engine.dispose()


def setup_with(tmp_path, path, data) -> int:
    """`python -m portal --env-file … setup` with that database file and data folder."""
    from portal.__main__ import main

    with service_env(tmp_path, f"DATABASE_URL=sqlite:///{path}\nPORTAL_DATA_DIR={data}\n") as env:
        return main(["--env-file", str(env), "setup"])


def test_a_fresh_install_and_a_restored_file_start_as_before(tmp_path, capsys):
    from portal.db import make_engine

    path = tmp_path / "data" / "portal.db"
    make_engine(f"sqlite:///{path}").dispose()            # first start: created
    assert path.exists()
    restored = tmp_path / "restored" / "portal.db"
    restored.parent.mkdir()
    restored.write_bytes(path.read_bytes())               # a restore into an empty folder
    make_engine(f"sqlite:///{restored}").dispose()
    assert (restored.parent / ".portal.db.created").exists()


def test_no_database_is_created_beside_attachments_of_an_installation_whose_database_is_elsewhere(tmp_path):
    """Upgrade drill: a checkout of 2 December kept its SQLite file in the program's own data/
    whatever PORTAL_DATA_DIR said. Today's code in a new checkout with the same PORTAL_DATA_DIR
    made an empty database beside the old attachments (every 查询码 unknown, no staff account), and
    the nightly sweep then deleted those attachments as orphans. Neither `setup`, the server's
    start nor the engine creates it now; the operator is told where the database must go."""
    from portal.db import DatabaseGone, make_engine

    data = tmp_path / "srv-data"
    (data / "attachments" / "2026").mkdir(parents=True)
    (data / "attachments" / "2026" / "a1b2.bin").write_bytes(b"encrypted")
    path = data / "portal.db"
    assert setup_with(tmp_path, path, data) == 2
    assert not path.exists()
    with pytest.raises(DatabaseGone, match="附件文件夹 .* 里已有文件") as refused:
        make_engine(f"sqlite:///{path}")
    assert "把原来的 portal.db（连同 portal.db-wal、portal.db-shm）移到" in str(refused.value)
    assert not path.exists()
    (data / "attachments" / "2026" / "a1b2.bin").unlink()   # nothing stored: a fresh install
    make_engine(f"sqlite:///{path}").dispose()
    assert path.exists()


@contextmanager
def service_env(tmp_path, lines: str, name: str = "portal.env"):
    """A settings file of `lines` (as /etc/portal/portal.env) for `--env-file`; the process's
    environment and settings as they were afterwards (--env-file writes into them)."""
    env = tmp_path / name
    env.write_text(lines)
    saved = dict(os.environ)
    try:
        yield env
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()


@pytest.mark.parametrize("argv", [["purge-expired"], ["users", "list"], ["bank", "import"]])
def test_a_database_of_another_version_is_refused_by_every_command_but_setup(tmp_path, capsys, argv):
    """After `git pull` and before `setup`, the 02:15 purge (or an operator) would have upgraded the
    schema without the key check and without the SQLite copy `setup` makes first. The commands say
    to run setup, and leave the schema as it was; a database never set up is refused the same way."""
    from alembic import command
    from sqlalchemy import create_engine

    from portal.__main__ import main
    from portal.migrate import alembic_config, current_revision

    db = tmp_path / "data" / "portal.db"
    db.parent.mkdir()
    old = create_engine(f"sqlite:///{db}")
    command.upgrade(alembic_config(old), "0010_repeats")
    with service_env(tmp_path, f"DATABASE_URL=sqlite:///{db}\nPORTAL_DATA_DIR={tmp_path / 'data'}\n") as env:
        assert main(["--env-file", str(env), *argv]) == 2
    err = capsys.readouterr().err
    assert f"数据库 sqlite:///{db} 的结构（0010_repeats）不是这个版本的" in err and "python -m portal setup" in err
    assert current_revision(old) == "0010_repeats"
    empty = tmp_path / "other" / "portal.db"     # a file never set up
    empty.parent.mkdir()
    empty.touch()
    with service_env(tmp_path, f"DATABASE_URL=sqlite:///{empty}\n", "empty.env") as env:
        assert main(["--env-file", str(env), *argv]) == 2
    assert "还没有设置：请先运行 `python -m portal setup`" in capsys.readouterr().err


def test_the_first_administrator_is_not_put_into_a_database_nobody_uses(tmp_path, capsys, monkeypatch):
    """`users add` on a server without --env-file once created an empty SQLite file where the
    settings pointed and put the account there: the site (on PostgreSQL) had no administrator."""
    import io
    import sys

    from portal.__main__ import main

    missing = tmp_path / "nowhere" / "portal.db"
    monkeypatch.setattr(sys, "stdin", io.StringIO("first admin passphrase\n"))
    with service_env(tmp_path, f"DATABASE_URL=sqlite:///{missing}\n") as env:
        assert main(["--env-file", str(env), "users", "add", "chief", "--role", "管理员"]) == 2
    assert f"找不到数据库文件 {missing}（没有新建）" in capsys.readouterr().err
    assert not missing.exists()


def test_keygen_where_the_key_cannot_be_written_says_so_in_one_line(tmp_path, capsys):
    from portal.__main__ import main

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with service_env(tmp_path, f"PORTAL_ENCRYPTION_KEY_FILE={blocked / 'portal.key'}\n") as env:
        assert main(["--env-file", str(env), "keygen"]) == 2
    out, err = capsys.readouterr()
    [line] = err.strip().splitlines()
    assert line.startswith(f"没有生成密钥：无法在 {blocked} 写入密钥文件") and "chown" in line
    assert "Traceback" not in out + err


def test_search_commands_take_the_service_settings_and_stats_creates_no_database(tmp_path, capsys):
    from portal.search.cli import main

    missing = tmp_path / "nowhere" / "portal.db"
    with service_env(tmp_path, f"DATABASE_URL=sqlite:///{missing}\n") as env:
        assert main(["--env-file", str(env), "stats"]) == 2
        assert get_settings().database_url == f"sqlite:///{missing}"
    assert f"找不到数据库文件 {missing}（没有新建）" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()
