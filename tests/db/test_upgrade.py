"""An installation on an older schema upgraded by `setup` (upgrade drill, session 37): the key is
checked before anything is changed, an older SQLite file is copied before it is migrated, a failed
upgrade says where that copy is, and `setup` says what it upgraded."""

from __future__ import annotations

import os
import stat

import pytest
from alembic import command
from sqlalchemy import text

from portal import migrate as migrations
from portal.bootstrap import bootstrap
from portal.cli_core import print_setup_report
from portal.db import make_engine
from portal.migrate import MigrationFailed, alembic_config, current_revision, head_revision
from portal.prefiling.crypto import Cipher, new_key, write_key_file
from portal.settings import load_settings

OLD = "0006_question_bank"   # a database from before the hardening (complaint text not yet encrypted)


@pytest.fixture
def old_install(tmp_path):
    """A SQLite installation at OLD holding one pre-filing, its name encrypted under its key file."""
    path, key_file = tmp_path / "data" / "portal.db", tmp_path / "secrets" / "portal.key"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), OLD)
    write_key_file(key_file)
    name = Cipher([key_file.read_text(encoding="ascii").strip()]).encrypt("张秀兰")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO prefiling (id, code, secret_hash, idempotency_token, state, category, restricted,"
            " district, name_enc, subject, request, facts, raised_before, raised_where, raised_stage, channels,"
            " submitted_at, received_date, official_number, reject_reason, reject_channel, rating,"
            " rating_comment, updated_at) VALUES (1, 'ABCDEFGHJK', 'h', 't', '已提交', '申诉求决', false,"
            " '历下区', :name, '物业公司', '请求修复屋顶', '漏水', false, '', '', '', '2026-06-01 02:00:00',"
            " '2026-06-01', '', '', '', '', '', '2026-06-01 02:00:00')"), {"name": name})
    yield engine, path, key_file
    engine.dispose()


def settings_for(path, key_file, data=None):
    return load_settings({"DATABASE_URL": f"sqlite:///{path}", "PORTAL_ENCRYPTION_KEY_FILE": str(key_file),
                          "PORTAL_DATA_DIR": str(data or path.parent)})


def request_text(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT request FROM prefiling")).scalar_one()


@pytest.mark.parametrize("key", ["missing", "another"])
def test_a_missing_or_wrong_key_stops_setup_before_the_schema_is_touched(old_install, tmp_path, key, capsys):
    """The drill: with the key file missing, `setup` failed part-way through the upgrade and left a
    half-migrated file no start could open; with another key, 0007 encrypted every complaint text
    under it. Now nothing is changed and the operator is told why."""
    engine, path, _ = old_install
    wrong = tmp_path / "other.key"
    if key == "another":
        wrong.write_text(new_key() + "\n", encoding="ascii")
    report = bootstrap(engine=engine, settings=settings_for(path, wrong))
    assert report.key_problem and report.schema is None
    assert current_revision(engine) == OLD and request_text(engine) == "请求修复屋顶"   # untouched
    assert not wrong.exists() or key == "another"                                   # no key made up
    assert print_setup_report(report) == 2
    err = capsys.readouterr().err
    assert "KEY PROBLEM" in err and "nothing changed" in err


def test_an_older_sqlite_file_is_copied_before_it_is_upgraded_and_setup_says_so(old_install, capsys):
    engine, path, key_file = old_install
    report = bootstrap(engine=engine, settings=settings_for(path, key_file))
    assert not report.key_problem and (report.schema.before, report.schema.after) == (OLD, head_revision())
    assert current_revision(engine) == head_revision() and request_text(engine) != "请求修复屋顶"   # encrypted now
    copy = report.schema.copy
    assert copy.parent == path.parent and copy.name.startswith(f"portal.db.before-upgrade-{OLD}-")
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    before = make_engine(f"sqlite:///{copy}")
    assert current_revision(before) == OLD and request_text(before) == "请求修复屋顶"
    before.dispose()
    assert print_setup_report(report) == 0
    assert f"schema upgraded {OLD} -> {head_revision()}; the database as it was before: {copy}" in capsys.readouterr().out
    again = bootstrap(engine=engine, settings=settings_for(path, key_file))   # nothing left to upgrade
    assert not again.schema.changed and again.schema.copy is None


def test_a_failed_upgrade_says_where_the_copy_from_before_it_is(old_install, monkeypatch):
    """SQLite does not roll back a migration's DDL: the file is left part-way. The message names the
    copy made before, which is whole and at the old revision."""
    engine, path, key_file = old_install

    def part_way(*, engine):
        command.upgrade(alembic_config(engine), "0008_supplements")
        raise RuntimeError("table rate_lock already exists")

    monkeypatch.setattr(migrations, "migrate", part_way)
    with pytest.raises(MigrationFailed) as failed:
        bootstrap(engine=engine, settings=settings_for(path, key_file))
    words = str(failed.value)
    assert f"从 {OLD} 升级到 {head_revision()} 失败" in words and "table rate_lock already exists" in words
    [copy] = path.parent.glob("portal.db.before-upgrade-*")
    assert f"升级前的数据库已复制到 {copy}" in words and "Backup and restore" in words
    before = make_engine(f"sqlite:///{copy}")
    assert current_revision(before) == OLD and request_text(before) == "请求修复屋顶"
    before.dispose()


def test_setup_and_the_server_start_stop_on_a_failed_upgrade_with_its_words(monkeypatch, capsys):
    import portal.bootstrap
    from portal import cli_core
    from ui import serve

    def fail(**_kwargs):
        raise MigrationFailed("数据库结构从 0006 升级到 0010 失败。")

    monkeypatch.setattr(cli_core, "bootstrap", fail)
    monkeypatch.setattr(portal.bootstrap, "bootstrap_once", fail)
    monkeypatch.setattr(cli_core, "refused_database", lambda: 0)
    assert cli_core._setup(None) == 2
    assert serve.prepare() == 2
    assert capsys.readouterr().err.count("UPGRADE FAILED 数据库结构从 0006 升级到 0010 失败。") == 2


def test_a_new_database_is_said_to_be_created_not_upgraded(tmp_path, capsys):
    path, key_file = tmp_path / "data" / "portal.db", tmp_path / "secrets" / "portal.key"
    engine = make_engine(f"sqlite:///{path}")
    report = bootstrap(engine=engine, settings=settings_for(path, key_file))
    assert report.schema.before is None and report.schema.copy is None
    print_setup_report(report)
    out = capsys.readouterr().out
    assert f"schema created at {head_revision()}" in out and "schema upgraded" not in out
    assert not list(path.parent.glob("*.before-upgrade-*"))
    engine.dispose()


@pytest.mark.postgres
def test_an_empty_postgresql_database_beside_stored_attachments_is_not_set_up(tmp_path, capsys):
    """Switched to PostgreSQL without copy-data: the new database is empty while the attachments
    folder holds the old installation's files. `setup` refuses and says to copy the data first;
    the database is left untouched."""
    from portal.__main__ import main
    from portal.db import engine_for
    from portal.settings import get_settings
    from tests.conftest import _postgres_database

    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("TEST_POSTGRES_URL not set")
    url, drop = _postgres_database(admin_url)
    data = tmp_path / "srv-data"
    (data / "attachments").mkdir(parents=True)
    (data / "attachments" / "a1b2.bin").write_bytes(b"encrypted")
    env = tmp_path / "portal.env"
    env.write_text(f"DATABASE_URL={url}\nPORTAL_DATA_DIR={data}\n")
    saved = dict(os.environ)
    try:
        assert main(["--env-file", str(env), "setup"]) == 2
        assert "是空的（从未设置过），但附件文件夹" in capsys.readouterr().err
        engine = make_engine(url)
        assert current_revision(engine) is None
        engine.dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        engine_for(url).dispose()   # the one setup used (cached per URL)
        drop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def at_0012(request, tmp_path):
    """A database one revision behind (0012), SQLite or PostgreSQL (with TEST_POSTGRES_URL)."""
    from tests.conftest import fresh_database

    url, drop = fresh_database(request.param, tmp_path)
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0012_guide_sections")
    yield engine
    engine.dispose()
    if drop:
        drop()


def _replica_upgrade(url: str, start, results) -> None:
    """One replica's start, in a process of its own: upgrade_schema on its own engine."""
    from portal.db import make_engine
    from portal.migrate import upgrade_schema

    engine = make_engine(url)
    start.wait()
    try:
        results.put("upgraded" if upgrade_schema(engine=engine).changed else "current")
    except Exception as exc:   # the failure is the finding: sent back to be shown
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def test_two_replicas_upgrading_at_once_upgrade_once_and_neither_fails(at_0012):
    """`systemctl enable --now portal@8501 portal@8502`: two processes start the upgrade at the same
    instant. Both read 0012, and the second's DDL failed (DuplicateColumn) saying the database was
    left as it was, though the first had upgraded it (a replica review). One upgrades; the other
    waits, then finds the schema current."""
    import multiprocessing

    engine = at_0012
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    url = engine.url.render_as_string(hide_password=False)
    replicas = [ctx.Process(target=_replica_upgrade, args=(url, start, results)) for _ in range(2)]
    for r in replicas:
        r.start()
    said = sorted(results.get(timeout=180) for _ in replicas)
    for r in replicas:
        r.join(timeout=60)
    assert said == ["current", "upgraded"], said
    assert current_revision(engine) == head_revision()


def test_a_process_waiting_for_anothers_upgrade_says_so_when_it_gives_up(at_0012):
    """The lock is held by a process that hangs: the waiter stops with words, after its wait."""
    import threading

    engine = at_0012
    held, release = threading.Event(), threading.Event()

    def hang() -> None:
        with migrations.one_at_a_time(make_engine(engine.url.render_as_string(hide_password=False))):
            held.set()
            release.wait(30)

    other = threading.Thread(target=hang)
    other.start()
    try:
        assert held.wait(30)
        with pytest.raises(MigrationFailed, match="另一个门户进程正在升级数据库结构或导入内容"):
            with migrations.one_at_a_time(engine, wait_seconds=1, poll=0.1):
                pass
    finally:
        release.set()
        other.join(30)
    assert current_revision(engine) == "0012_guide_sections"   # nothing was done by the one that gave up


@pytest.mark.postgres
def test_a_setup_lock_whose_connection_was_lost_does_not_turn_setup_into_a_failure(tmp_path):
    """The lock's connection dropped while setup ran (a proxy, a restart of the server's side): the
    lock went with it, and letting it go raised over setup's own result (second reader)."""
    from tests.conftest import fresh_database

    url, drop = fresh_database("postgres", tmp_path)
    engine = make_engine(url)
    try:
        with migrations.one_at_a_time(engine):
            with engine.connect() as other:
                holders = other.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")).all()
                assert len(holders) == 1
                other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": holders[0][0]})
                other.commit()
        with migrations.one_at_a_time(engine, wait_seconds=5):   # and it can be taken again
            pass
    finally:
        engine.dispose()
        drop()
