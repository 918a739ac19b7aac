"""One engine from DATABASE_URL; SQLite gets WAL and a busy timeout, PostgreSQL works unchanged."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 15000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def private_dir(path: Path) -> None:
    """Create `path` and any missing parents with mode 0700 (existing folders are left as they are)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask


def private_file(path: Path) -> None:
    """Create an empty file readable by the owner only, unless it exists (SQLite keeps the mode
    for its -wal and -shm files)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the folder (0700) and file (0600) are created private and
    pragmas set on every connect."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
        if path and path != ":memory:":
            private_dir(Path(path).parent)
            private_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def missing_database(url: str) -> str:
    """Why a command that works on existing data must not run on `url`: a SQLite file that does not
    exist (connecting would create an empty one and report that nothing was due). '' otherwise."""
    if not url.startswith("sqlite") or "///" not in url:
        return ""
    path = url.split("///", 1)[1].split("?", 1)[0]
    if not path or path == ":memory:" or Path(path).is_file():
        return ""
    return (f"找不到数据库文件 {path}（没有新建）。请检查 PORTAL_DATA_DIR / DATABASE_URL；在 cron 或命令行里用 "
            "`python -m portal --env-file /etc/portal/portal.env …` 读取服务的设置。")


def shown_url(engine: Engine) -> str:
    """The engine's address for an operator to read, without its password."""
    return engine.url.render_as_string(hide_password=True)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for the configured DATABASE_URL."""
    from portal.settings import get_settings

    return engine_for(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


# The database or the disk did not take a write: the server down or restarting, a connection
# dropped, SQLite locked past its busy timeout, the pool exhausted, the disk full or read-only.
# Callers keep what the person typed and ask them to try again; IntegrityError is not among them
# (a rule of the data, handled where it can happen).
STORAGE_FAILURES: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError, OSError)


def failure_reason(exc: BaseException) -> str:
    """A storage failure in words for the log: its kind and the driver's or system's first line,
    never the statement, its parameters or a file name (they can carry personal data)."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        first = (str(exc.orig).strip().splitlines() or [""])[0][:200]
        return f"{type(exc).__name__} ({type(exc.orig).__name__}: {first})"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__} (errno {exc.errno}: {exc.strerror or ''})"
    return type(exc).__name__
