"""The backup command copies a consistent, readable database and the attachments, not the key."""

import sqlite3
from pathlib import Path

from sqlmodel import Session

from portal.backup import backup
from portal.db import make_engine
from portal.laws.importer import import_library
from portal.migrate import migrate
from portal.settings import load_settings


def _migrated(tmp_path):
    """Settings of a migrated SQLite installation in tmp_path/data (the key file outside it)."""
    data = tmp_path / "data"
    settings = load_settings({"DATABASE_URL": f"sqlite:///{data / 'portal.db'}", "PORTAL_DATA_DIR": str(data),
                              "PORTAL_ENCRYPTION_KEY_FILE": str(tmp_path / "secrets" / "k")})
    migrate(engine=make_engine(settings.database_url))
    return settings


def test_backup_copies_database_and_attachments_but_not_the_key(tmp_path, library):
    settings = _migrated(tmp_path)
    engine = make_engine(settings.database_url)
    with Session(engine) as s:
        import_library(session=s, library=library)
    (settings.attachments_dir / "ab").mkdir(parents=True)
    (settings.attachments_dir / "ab" / "f.pdf").write_bytes(b"%PDF-1.4 test")
    target = backup(settings=settings, destination=tmp_path / "backups")
    with sqlite3.connect(target / "portal.db") as conn:
        assert conn.execute("select count(*) from provision").fetchone()[0] == len(library.provisions)
    assert (target / "attachments" / "ab" / "f.pdf").read_bytes() == b"%PDF-1.4 test"
    assert not list(target.rglob("*.key")) and not (target / "secrets").exists()


def test_the_backup_is_readable_by_its_owner_only_whatever_the_umask(tmp_path, library):
    """It holds the same names and ID numbers as the live database (0600 in a 0700 folder)."""
    import os
    import stat

    settings = _migrated(tmp_path)
    (settings.attachments_dir / "ab").mkdir(parents=True)
    (settings.attachments_dir / "ab" / "f.bin").write_bytes(b"x")
    old = os.umask(0o022)
    try:
        target = backup(settings=settings, destination=tmp_path / "backups")
    finally:
        os.umask(old)
    for path in (target, target / "portal.db", target / "attachments"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_backup_refuses_postgres(tmp_path):
    import pytest

    settings = load_settings({"DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/x"})
    with pytest.raises(ValueError, match="pg_dump"):
        backup(settings=settings, destination=tmp_path)


def test_without_database_url_the_sqlite_file_is_in_the_data_folder(tmp_path, monkeypatch):
    """PORTAL_DATA_DIR holds the database when DATABASE_URL is not set (as the README says), so a
    copy of the data folder is a copy of everything; DATABASE_URL still wins when given."""
    monkeypatch.setattr("portal.settings._secrets_file", lambda: {})
    monkeypatch.setattr("portal.settings._OLD_DEFAULT_DB", tmp_path / "no-old-database" / "portal.db")
    data = tmp_path / "data"
    assert load_settings({"PORTAL_DATA_DIR": str(data)}).database_url == f"sqlite:///{data / 'portal.db'}"
    given = load_settings({"PORTAL_DATA_DIR": str(data), "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/x"})
    assert given.database_url == "postgresql+psycopg://u@127.0.0.1/x"
    from portal.settings import PROJECT_ROOT

    assert load_settings({}).database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'portal.db'}"


def test_an_installation_with_its_database_in_the_old_place_keeps_using_it(tmp_path, monkeypatch, caplog):
    """Before this change the file stayed in the project's data/ whatever PORTAL_DATA_DIR said: an
    upgrade must not start on an empty database in the data folder, and the log says how to move."""
    monkeypatch.setattr("portal.settings._secrets_file", lambda: {})
    old = tmp_path / "project-data" / "portal.db"
    old.parent.mkdir()
    old.write_bytes(b"")
    monkeypatch.setattr("portal.settings._OLD_DEFAULT_DB", old)
    data = tmp_path / "data"
    assert load_settings({"PORTAL_DATA_DIR": str(data)}).database_url == f"sqlite:///{old}"
    assert "move it there" in caplog.text
    data.mkdir()
    (data / "portal.db").write_bytes(b"")                       # moved: the data folder's file wins
    assert load_settings({"PORTAL_DATA_DIR": str(data)}).database_url == f"sqlite:///{data / 'portal.db'}"


def test_a_second_backup_into_the_same_folder_is_refused_and_the_first_is_left_intact(tmp_path, monkeypatch):
    """Two backups within the same second name the same dated folder: the second must not write
    over (or mix into) the first one."""
    import datetime as dt

    import pytest

    settings = _migrated(tmp_path)
    data = settings.data_dir
    (settings.attachments_dir / "ab").mkdir(parents=True)
    (settings.attachments_dir / "ab" / "f.pdf").write_bytes(b"first")
    monkeypatch.setattr("portal.backup.utcnow", lambda: dt.datetime(2026, 12, 6, 8, 0, 0, tzinfo=dt.UTC))
    first = backup(settings=settings, destination=tmp_path / "backups")
    with sqlite3.connect(data / "portal.db") as conn:
        conn.execute("create table changed_after_first_backup (x int)")
    (settings.attachments_dir / "ab" / "f.pdf").write_bytes(b"second")
    with pytest.raises(FileExistsError, match="backup folder exists"):
        backup(settings=settings, destination=tmp_path / "backups")
    with sqlite3.connect(first / "portal.db") as conn:
        names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert "prefiling" in names and "changed_after_first_backup" not in names
    assert (first / "attachments" / "ab" / "f.pdf").read_bytes() == b"first"


def test_the_backup_command_says_in_words_that_the_folder_exists(tmp_path, monkeypatch, capsys):
    """`python -m portal backup DIR` twice within a second: a one-line refusal and exit code 2,
    not a Python traceback."""
    import argparse
    import datetime as dt

    from portal import cli_core

    settings = _migrated(tmp_path)
    monkeypatch.setattr(cli_core, "get_settings", lambda: settings)
    monkeypatch.setattr("portal.backup.utcnow", lambda: dt.datetime(2026, 12, 6, 8, 0, 0, tzinfo=dt.UTC))
    args = argparse.Namespace(destination=str(tmp_path / "backups"))
    assert cli_core._backup(args) == 0
    capsys.readouterr()
    assert cli_core._backup(args) == 2
    assert "backup folder exists" in capsys.readouterr().out


def _backup_command(tmp_path, monkeypatch, settings):
    import argparse

    from portal import cli_core

    monkeypatch.setattr(cli_core, "get_settings", lambda: settings)
    return lambda: cli_core._backup(argparse.Namespace(destination=str(tmp_path / "backups")))


def test_a_disk_filling_during_the_backup_leaves_no_folder_and_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    """The target disk fills while the attachments are copied: exit code 2, one Chinese line
    naming the cause (not a traceback), and neither a `portal-backup-…` folder that looks whole
    nor the hidden partial one is left."""
    import errno
    import shutil

    settings = _migrated(tmp_path)
    (settings.attachments_dir / "ab").mkdir(parents=True)
    (settings.attachments_dir / "ab" / "f.pdf").write_bytes(b"%PDF-1.4 test" * 100)
    run = _backup_command(tmp_path, monkeypatch, settings)

    def copy_until_full(src, dst, *args, **kwargs):
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            fout.write(fin.read()[:10])
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", copy_until_full)
    assert run() == 2
    out, err = capsys.readouterr()
    assert err.strip() == "备份没有完成：目标磁盘空间不足（No space left on device），已删除未完成的备份。"
    assert "Traceback" not in out + err
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_database_copy_failing_leaves_no_folder_and_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    """SQLite's own "database or disk is full" while the database is copied: the same."""
    import sqlite3

    settings = _migrated(tmp_path)
    run = _backup_command(tmp_path, monkeypatch, settings)
    real_connect = sqlite3.connect

    class FullDisk:
        def __init__(self, conn):
            self._conn = conn

        def backup(self, target, **kwargs):
            self._conn.backup(target, pages=1)     # some pages written, then the disk is full
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name):
            return getattr(self._conn, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._conn.close()

    def connect(path, *args, **kwargs):
        conn = real_connect(path, *args, **kwargs)
        return FullDisk(conn) if str(path) == str(settings.data_dir / "portal.db") else conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    assert run() == 2
    assert capsys.readouterr().err.strip() == (
        "备份没有完成：目标磁盘空间不足（database or disk is full），已删除未完成的备份。")
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_finished_backup_is_the_only_folder_left(tmp_path, monkeypatch, capsys):
    """A normal backup still works: its folder is there under its final name, whole, and no
    hidden partial folder is left beside it."""
    settings = _migrated(tmp_path)
    (settings.attachments_dir / "ab").mkdir(parents=True)
    (settings.attachments_dir / "ab" / "f.pdf").write_bytes(b"%PDF-1.4 test")
    (settings.attachments_dir / "c.bin").write_bytes(b"enc")
    assert _backup_command(tmp_path, monkeypatch, settings)() == 0
    [target] = (tmp_path / "backups").iterdir()
    assert target.name.startswith("portal-backup-") and f"backup written to {target}" in capsys.readouterr().out
    assert (target / "attachments" / "ab" / "f.pdf").read_bytes() == b"%PDF-1.4 test"
    assert (target / "attachments" / "c.bin").read_bytes() == b"enc"
    with sqlite3.connect(target / "portal.db") as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_backup_without_attachments_restores_with_the_readme_commands(tmp_path):
    """README's restore copies `BACKUP/portal.db BACKUP/attachments`: a backup taken before the first
    attachment had no attachments folder and the copy failed (cp: cannot stat …/attachments)."""
    import shutil
    import subprocess

    settings = _migrated(tmp_path)
    assert not settings.attachments_dir.exists()
    target = backup(settings=settings, destination=tmp_path / "backups")
    assert (target / "attachments").is_dir() and not list((target / "attachments").iterdir())
    restored = tmp_path / "restored"
    restored.mkdir(mode=0o700)
    if shutil.which("cp"):
        # the README's own copy lines (not its install -o portal / chown: no such user here)
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
        lines = [x.strip() for x in readme.splitlines() if x.strip().startswith(("cp -a BACKUP", "if [ -d BACKUP"))]
        assert len(lines) == 2, lines
        script = "\n".join(lines).replace("BACKUP", str(target)).replace("DATA", str(restored))
        result = subprocess.run(["sh", "-ec", script], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert (restored / "portal.db").is_file() and (restored / "attachments").is_dir()
        # a backup from before 2026-12-07 may have no attachments folder: the same lines restore it
        shutil.rmtree(target / "attachments")
        older = tmp_path / "restored-older"
        older.mkdir(mode=0o700)
        script = "\n".join(lines).replace("BACKUP", str(target)).replace("DATA", str(older))
        result = subprocess.run(["sh", "-ec", script], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert (older / "portal.db").is_file()
