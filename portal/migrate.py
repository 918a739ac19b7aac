"""Alembic migrations run from code: `python -m portal migrate` or migrate(engine=...).

`upgrade_schema` is what `setup` and the server's start run: on an older SQLite schema it first
copies the database file (SQLite's DDL is not rolled back when a migration fails part-way, and a
half-upgraded file starts no more), then migrates, and says what it did. PostgreSQL rolls a failed
upgrade back whole.

Replicas started together (`systemctl enable --now portal@8501 portal@8502`) run it at the same
instant: `one_at_a_time` lets one process upgrade (and `setup` import) while the others wait, then
find the schema current. Without it both read the old revision, and the second's DDL failed
(DuplicateColumn) with words saying the database had been left as it was."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from portal.timeutil import utcnow

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)
# the PostgreSQL advisory lock of the schema upgrade and content import (any fixed 64-bit number)
SETUP_LOCK = 0x706F7274616C5550
# how long a process waits for another's upgrade (a long migration on a big database takes minutes)
SETUP_WAIT_SECONDS = 1800.0
_holding = threading.local()   # the databases whose lock this thread holds: taken again, a no-op


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(*, engine: Engine) -> None:
    """Upgrade the database behind `engine` to the newest schema."""
    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() or ""


class MigrationFailed(RuntimeError):
    """The schema upgrade failed; the message says what to do, in the operator's words."""


@dataclass(frozen=True)
class SchemaUpgrade:
    """What `upgrade_schema` did: from which revision (None: a new database) to which, and where the
    copy of the SQLite file made before it lies (None: nothing to upgrade, or PostgreSQL)."""

    before: str | None
    after: str
    copy: Path | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def copy_before_upgrade(path: Path, revision: str) -> Path:
    """The SQLite file copied (backup API, owner-only) to `<name>.before-upgrade-<revision>-<UTC>`
    beside it, written under a partial name first so a copy by that name is always whole."""
    from portal.backup import copy_database

    target = path.with_name(f"{path.name}.before-upgrade-{revision}-{utcnow():%Y%m%dT%H%M%SZ}")
    partial = target.with_name(target.name + ".partial")
    try:
        copy_database(path, partial)
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


@contextlib.contextmanager
def one_at_a_time(engine: Engine, *, wait_seconds: float = SETUP_WAIT_SECONDS, poll: float = 0.5) -> Iterator[None]:
    """Hold the database's setup lock: on PostgreSQL a session-level advisory lock, on SQLite an
    exclusive lock on `<database file>.setup-lock` beside it (processes on one machine). Asked for
    every `poll` seconds, not waited on in one statement (the server's lock_timeout and reply
    deadline would cut a long wait); MigrationFailed after `wait_seconds`. Re-entrant in a thread:
    `setup` holds it over the upgrade and the imports."""
    key = engine.url.render_as_string(hide_password=False)
    held = getattr(_holding, "keys", None)
    if held is None:
        held = _holding.keys = set()
    if key in held:
        yield
        return
    with _setup_lock(engine, _waiter(wait_seconds, poll)):
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)


def _waiter(wait_seconds: float, poll: float) -> Callable[[], None]:
    """What a process does each time the lock is taken: say so once, give up after `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    said = []

    def wait() -> None:
        if not said:
            log.info("waiting for another process's schema upgrade or content import to finish")
            said.append(True)
        if time.monotonic() > deadline:
            raise MigrationFailed(f"另一个门户进程正在升级数据库结构或导入内容，等了 {wait_seconds:.0f} 秒仍未结束，"
                                  "这次没有升级。请确认那个进程还在运行（或已停下）后再启动。")
        time.sleep(poll)

    return wait


@contextlib.contextmanager
def _setup_lock(engine: Engine, wait: Callable[[], None]) -> Iterator[None]:
    """The lock itself, for the dialect: taken (calling `wait` while another holds it), then let go."""
    from portal.db import sqlite_path

    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": SETUP_LOCK}).scalar():
                conn.commit()   # no transaction held open while waiting
                wait()
            conn.commit()
            try:
                yield
            finally:
                _unlock(conn)
    elif (path := sqlite_path(engine.url.render_as_string(hide_password=False))) is not None:
        # owner-only, like the database beside it; empty, kept (removing it would race a waiter)
        fd = os.open(path.with_name(path.name + ".setup-lock"), os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+") as lock:
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    wait()
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:   # an in-memory database: one process
        yield


def _unlock(conn) -> None:
    """Let the setup lock go. A connection lost meanwhile (its lock went with it) must not replace
    setup's own result or error: logged, the connection dropped from the pool."""
    from portal.db import STORAGE_FAILURES

    try:
        if not conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SETUP_LOCK}).scalar():
            log.warning("the setup lock had gone before setup ended (its connection was lost)")
        conn.commit()
    except STORAGE_FAILURES as exc:
        log.warning("the setup lock's connection was lost (%s); the lock went with it", type(exc).__name__)
        conn.invalidate()


def upgrade_schema(*, engine: Engine) -> SchemaUpgrade:
    """Migrate to the newest schema, copying an older SQLite file first; MigrationFailed (saying
    where that copy is and what to do) when the copy or the upgrade fails. One process at a time
    (one_at_a_time): the revision is read once the lock is held."""
    with one_at_a_time(engine):
        return _upgrade_schema(engine)


def _upgrade_schema(engine: Engine) -> SchemaUpgrade:
    from portal.db import sqlite_path

    before, head = current_revision(engine), head_revision()
    if before == head:
        return SchemaUpgrade(before, head)
    path = sqlite_path(str(engine.url)) if before is not None else None
    copy = None
    if path is not None:
        try:
            copy = copy_before_upgrade(path, before or "")
        except (OSError, sqlite3.Error) as exc:
            raise MigrationFailed(f"数据库结构需要从 {before} 升级到 {head}，但升级前无法先复制数据库文件（{exc}），"
                                  "没有升级，数据库保持原样。请检查数据目录的磁盘空间和权限后再启动。") from exc
    try:
        migrate(engine=engine)
    except Exception as exc:
        if copy is not None:
            words = (f"升级前的数据库已复制到 {copy}。请停下门户，把 {path}（连同 -wal、-shm 文件）换成这个副本"
                     "（见 README 的“Backup and restore”一节），排除原因后再启动。")
        elif engine.dialect.name == "postgresql":
            words = "PostgreSQL 已整体回滚这次升级，数据库保持升级前的样子；排除原因后再启动。"
        else:
            words = "请从备份恢复数据库（见 README 的“Backup and restore”一节），排除原因后再启动。"
        raise MigrationFailed(f"数据库结构从 {before or '空库'} 升级到 {head} 失败（{type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}）。{words}") from exc
    return SchemaUpgrade(before, head, copy)
