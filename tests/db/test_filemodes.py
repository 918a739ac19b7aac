"""Private files others may open (an older installation, a database restored with `cp`, a key
copied by hand): `setup` and the start name each one with the chmod that closes it, and change
nothing; what the portal creates itself is never named."""

from __future__ import annotations

import os

from portal.bootstrap import bootstrap
from portal.cli_core import print_setup_report
from portal.db import make_engine
from portal.filemodes import exposed
from portal.prefiling.crypto import write_key_file
from portal.settings import load_settings


def install(tmp_path, **extra):
    data, key_file = tmp_path / "data", tmp_path / "secrets" / "portal.key"
    settings = load_settings({"PORTAL_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'portal.db'}",
                              "PORTAL_ENCRYPTION_KEY_FILE": str(key_file), **extra})
    write_key_file(key_file)
    return settings, make_engine(settings.database_url)


def test_a_fresh_installation_has_nothing_to_warn_of(tmp_path, capsys):
    settings, engine = install(tmp_path)
    report = bootstrap(engine=engine, settings=settings)
    assert report.exposed == []
    print_setup_report(report)
    assert "WARNING permissions" not in capsys.readouterr().out
    engine.dispose()


def test_an_open_database_key_and_folder_are_named_with_their_chmod_and_left_as_they_are(tmp_path, capsys):
    settings, engine = install(tmp_path)
    bootstrap(engine=engine, settings=settings)
    database = settings.data_dir / "portal.db"
    os.chmod(database, 0o644)                      # as an installation from before 0600 files had it
    os.chmod(settings.encryption_key_file, 0o640)
    os.chmod(settings.data_dir, 0o755)
    report = bootstrap(engine=engine, settings=settings)
    assert print_setup_report(report) == 0          # a warning: the portal still starts
    out = capsys.readouterr().out
    assert f"WARNING permissions: {database} can be opened by other users (mode 0644); chmod 600 {database}" in out
    assert (f"WARNING permissions: {settings.encryption_key_file} can be opened by other users (mode 0640); "
            f"chmod 600 {settings.encryption_key_file}") in out
    assert (f"WARNING permissions: {settings.data_dir} can be opened by other users (mode 0755); "
            f"chmod 700 {settings.data_dir}") in out
    assert out.count("WARNING permissions") == 3    # the attachments folder the portal made stays private
    assert oct(database.stat().st_mode & 0o777) == "0o644"   # modes are the operator's to change

    for path in (database, settings.encryption_key_file):
        os.chmod(path, 0o600)
    os.chmod(settings.data_dir, 0o700)
    assert exposed(settings) == []
    engine.dispose()


def test_a_key_given_in_the_environment_has_no_file_to_check(tmp_path):
    settings, engine = install(tmp_path)
    os.chmod(settings.encryption_key_file, 0o644)
    key = settings.encryption_key_file.read_text(encoding="ascii").strip()
    in_environment = load_settings({"PORTAL_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.database_url,
                                    "PORTAL_ENCRYPTION_KEY_FILE": str(settings.encryption_key_file),
                                    "PORTAL_ENCRYPTION_KEY": key})
    assert [e.path for e in exposed(settings)] == [settings.encryption_key_file]
    assert exposed(in_environment) == []
    engine.dispose()
