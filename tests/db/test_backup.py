"""The backup command copies a consistent, readable database and the attachments, not the key."""

import sqlite3

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
