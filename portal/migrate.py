"""Alembic migrations run from code: `python -m portal migrate` or migrate(engine=...).

`upgrade_schema` is what `setup` and the server's start run: on an older SQLite schema it first
copies the database file (SQLite's DDL is not rolled back when a migration fails part-way, and a
half-upgraded file starts no more), then migrates, and says what it did. PostgreSQL rolls a failed
upgrade back whole."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from portal.timeutil import utcnow

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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


def upgrade_schema(*, engine: Engine) -> SchemaUpgrade:
    """Migrate to the newest schema, copying an older SQLite file first; MigrationFailed (saying
    where that copy is and what to do) when the copy or the upgrade fails."""
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
