"""One engine from DATABASE_URL; SQLite gets WAL and a busy timeout, PostgreSQL works unchanged."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15000
# PostgreSQL: how long a connection attempt, and a statement waiting for another's lock, may take
# before it fails (a page then says so in Chinese) instead of leaving a greyed page for ever. An
# address that sets connect_timeout or options itself keeps its own.
PG_CONNECT_TIMEOUT_S = 10
PG_LOCK_TIMEOUT = "10s"
# A database host that dies or drops off the network answers nothing, not even a reset: without
# these a statement waits for TCP to give up (about 15 minutes on Linux) and every page with it.
# Sent data unacknowledged for 10 s, or an idle pooled connection unanswered for 30 + 3 × 5 s,
# fails the connection (libpq's tcp_user_timeout and keepalives).
PG_TCP_LIMITS: dict[str, object] = {"tcp_user_timeout": 10_000, "keepalives": 1, "keepalives_idle": 30,
                                    "keepalives_interval": 5, "keepalives_count": 3}
# A server that is up but does not answer (its processes stopped, or stuck on a disk that hangs)
# still acknowledges at the TCP level, so none of the limits above fires and libpq has no read
# timeout: a statement, commit or pool ping (PING_REPLY_S at most) with no reply within PORTAL_DB_REPLY_TIMEOUT_SECONDS
# (default 30; 0: no limit) closes its connection and fails (the page then says so). A statement
# waiting for a lock fails at PG_LOCK_TIMEOUT first; nothing a page asks of its database takes more
# than a few seconds. The limit is the whole of one exchange (a large executemany, a migration's
# index build): an operator upgrading a big database may raise it for that command.
# A write someone is kept waiting for only if it matters to them: counting a question to 法律问答
# (answered all the same if it cannot be counted) waits this long for a lock, not the 15 s above.
BRIEF_WAIT_MS = 1000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _brief_begin(conn) -> None:
    """A transaction of a `brief_waits` engine waits BRIEF_WAIT_MS for a lock (SQLite's busy timeout
    is put back when the connection returns to the pool; PostgreSQL's SET LOCAL ends with the
    transaction)."""
    if not conn.get_execution_options().get("brief_waits"):
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout={BRIEF_WAIT_MS}")
        conn.info["brief_waits"] = True
    else:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BRIEF_WAIT_MS}ms'")


def _sqlite_patient_again(dbapi_connection, record) -> None:
    if record.info.pop("brief_waits", False) and dbapi_connection is not None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _listen(engine: Engine) -> Engine:
    event.listen(engine, "begin", _brief_begin)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _sqlite_patient_again)
    return engine


def brief_waits(engine: Engine | None = None) -> Engine:
    """The engine (the process-wide one by default) for a write that must not keep a person
    waiting: each transaction waits at most BRIEF_WAIT_MS for another's lock, then fails."""
    return (engine or get_engine()).execution_options(brief_waits=True)


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


class DatabaseGone(OperationalError):
    """The SQLite file this installation had is gone (deleted, moved, replaced while the portal
    ran): refuse to write, and refuse to start afresh on an empty file, rather than take petitions
    into a database that the next start no longer has."""

    def __init__(self, message: str) -> None:
        super().__init__(None, None, sqlite3.OperationalError(message))
        self.message = message


def _created_marker(path: Path) -> Path:
    """Beside the database, recording that this installation's database was created here (a
    name `rm portal.db*` does not match)."""
    return path.parent / f".{path.name}.created"


def database_gone(url: str, *, attachments_dir: Path | None = None) -> str:
    """Why the portal must not create the SQLite file of `url`: it is missing where this
    installation's database was created before, or the attachments folder (`attachments_dir`,
    default: `attachments/` beside the file) already holds files, so this installation has data
    somewhere else. '' otherwise (a fresh install; PostgreSQL)."""
    path = sqlite_path(url)
    if path is None or path.exists():
        return ""
    if not _created_marker(path).exists():
        return _attachments_without_database(path, attachments_dir or path.parent / "attachments")
    return (f"数据库文件 {path} 不见了，但这里曾经建过门户的数据库（{_created_marker(path)}）。为免在空数据库上继续收件，"
            "门户不新建数据库，也不启动。请停下门户，按 README 的“Backup and restore”一节从备份恢复数据库文件；确实要从空数据库重新开始的，"
            f"删除 {_created_marker(path)} 后再启动。")


def holds_files(directory: Path) -> bool:
    """Whether `directory` (an attachments folder) holds any file, at any depth."""
    try:
        return next((f for f in directory.rglob("*") if f.is_file()), None) is not None
    except OSError:
        return False


def _attachments_without_database(path: Path, attachments_dir: Path) -> str:
    """An upgrade into a new checkout whose database stayed behind (before 2026-12-04 the SQLite
    file was kept in the program's own data/ folder whatever PORTAL_DATA_DIR said) would start on an
    empty database beside the old attachments, and the orphan sweep would then delete them."""
    if not holds_files(attachments_dir):
        return ""
    return (f"数据库文件 {path} 不存在，但附件文件夹 {attachments_dir} 里已有文件：这里原来有门户的数据，数据库在别处。"
            "2026-12-04 以前的版本把 SQLite 数据库放在程序目录的 data/ 下（即使设置了 PORTAL_DATA_DIR）；"
            f"换到新目录升级的，请停下门户，把原来的 portal.db（连同 portal.db-wal、portal.db-shm）移到 {path}，"
            "或用 DATABASE_URL 指向它。为免在空数据库上收件（之后的清理还会删掉这些附件），门户不新建数据库，也不启动。"
            f"确实要从空数据库重新开始的，先移走 {attachments_dir} 里的文件。")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite `url`; None for another database, memory or a `file:` URI."""
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" and not path.startswith("file:") else None


def make_engine(url: str, *, reply_timeout: float | None = None) -> Engine:
    """An engine for `url`; for SQLite the folder (0700) and file (0600) are created private and
    pragmas set on every connect. A failed statement's error leaves out the values bound to it
    (hide_parameters): it reaches the server's log, and they are a citizen's words or a staff
    member's reasons (PostgreSQL's own DETAIL of a NOT NULL or CHECK violation may still quote a
    row, whose personal columns are encrypted). A SQLite file is created only here, once for an installation:
    connections open it without creating it, and each use checks it is still the file opened
    (DatabaseGone otherwise)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is None:
            return _listen(create_engine(url, connect_args={"check_same_thread": False, "timeout": 15},
                                         hide_parameters=True))
        if problem := database_gone(url):
            raise DatabaseGone(problem)
        private_dir(path.parent)
        private_file(path)
        _created_marker(path).touch(exist_ok=True)
        opened = os.stat(path).st_ino

        def still_there(*_args) -> None:
            try:
                same = os.stat(path).st_ino == opened
            except FileNotFoundError:
                same = False
            if not same:
                raise DatabaseGone(f"数据库文件 {path} 在门户运行中被删除或替换，不再写入。请停下门户，从备份恢复。")

        def connect() -> sqlite3.Connection:   # never creates the file (mode=rw)
            still_there()
            return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, check_same_thread=False,
                                   timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)

        engine = _listen(create_engine(url, creator=connect, hide_parameters=True))
        event.listen(engine, "checkout", still_there)
        return engine
    engine = _listen(create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                                   connect_args=_pg_limits(url), hide_parameters=True))
    if reply_timeout is None:
        from portal.settings import get_settings

        reply_timeout = get_settings().db_reply_timeout_seconds
    if engine.dialect.driver == "psycopg" and reply_timeout > 0:
        deadline_class = _reply_deadline_class(float(reply_timeout))
        event.listen(engine, "do_connect", lambda _d, _r, cargs, cparams: deadline_class.connect(*cargs, **cparams))
        _quick_ping(engine)
    return engine


# A pooled connection is pinged before it is handed out. A live server answers a ping at once, so
# one that has not answered in PING_REPLY_S is given up (SQLAlchemy opens a new connection, which
# fails at PG_CONNECT_TIMEOUT_S if the server is frozen): the first page after a server froze waits
# about 3 + 10 s, not the whole reply timeout (30 s) + 10 s.
PING_REPLY_S = 3.0


def _quick_ping(engine: Engine) -> None:
    plain_ping = engine.dialect.do_ping

    def ping(dbapi_connection) -> bool:
        own = dbapi_connection.reply_limit
        dbapi_connection.reply_limit = min(own, PING_REPLY_S)
        try:
            return plain_ping(dbapi_connection)
        finally:
            dbapi_connection.reply_limit = own

    engine.dialect.do_ping = ping


@lru_cache(maxsize=4)
def _reply_deadline_class(limit: float):
    """psycopg's Connection whose every wait for the server (statement, commit, rollback, ping)
    gives up after `limit` seconds: the connection is closed (SQLAlchemy then drops it from the
    pool) and the statement fails with an OperationalError."""
    import psycopg

    class ReplyDeadlineConnection(psycopg.Connection):
        reply_limit = limit   # PING_REPLY_S while the pool pings it (_quick_ping)

        def wait(self, gen, interval=0.1, timeout=None):
            now = self.reply_limit
            try:
                return super().wait(gen, interval=interval, timeout=now if timeout is None else min(timeout, now))
            except psycopg.errors._WaitTimeout:
                if timeout is not None and timeout <= now:
                    raise           # psycopg's own limit (a cancel), handled by psycopg
                self.close()        # the protocol stopped half-way: the connection cannot be reused
                raise psycopg.OperationalError(
                    f"the database server sent no reply within {now:g} s; connection closed") from None

    return ReplyDeadlineConnection


def _pg_limits(url: str) -> dict[str, object]:
    from sqlalchemy.engine import make_url

    own = make_url(url).query
    limits: dict[str, object] = {k: v for k, v in PG_TCP_LIMITS.items() if k not in own}
    if "connect_timeout" not in own:
        limits["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    if "options" not in own:
        limits["options"] = f"-c lock_timeout={PG_LOCK_TIMEOUT}"
    return limits


def missing_database(url: str) -> str:
    """Why a command that works on existing data must not run on `url`: a SQLite file that does not
    exist (connecting would create an empty one and report that nothing was due). '' otherwise."""
    if not url.startswith("sqlite") or "///" not in url:
        return ""
    path = url.split("///", 1)[1].split("?", 1)[0]
    if not path or path == ":memory:" or Path(path).is_file():
        return ""
    return (f"找不到数据库文件 {path}（没有新建）。新安装的，请先运行 `python -m portal setup`（由它建立数据库），"
            "再运行这个命令；已经设置过的，请检查 PORTAL_DATA_DIR / DATABASE_URL，在 cron 或命令行里用 "
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


# The store is away: the database or the disk did not take a read or a write (the server down or
# restarting, a connection dropped, SQLite locked past its busy timeout, the pool exhausted, the
# disk full or read-only, the SQLite file gone). The one rule for every caller that carries on:
# a form keeps what the person typed and asks them to try again; what only stands beside an
# answer (typical cases, 相似问题, the question count) is left out and logged. IntegrityError is
# not among them (a rule of the data, handled where it can happen), nor is a wrong statement.
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


# A trip for what only stands beside an answer (the question count, 相似问题, typical cases, an
# opened article's tally) is made through `beside_answer`. One that failed slowly (a frozen server:
# a pooled connection's ping waits the reply timeout, a new one the connect timeout) makes this
# process skip such trips for AWAY_COOL_OFF_S: one question on 法律问答 paid for three of them (36 s
# to a minute) though the answer needs no database, and each citizen after it paid again. Per
# process, on purpose: a replica that has not met the failure pays once itself, and nothing is
# shared that could keep the trips skipped after the database is back (at most AWAY_COOL_OFF_S
# later, questions are counted again). A fast failure (connections refused, a lock not got within
# BRIEF_WAIT_MS) starts nothing: it costs no wait; nor does a busy database's, however slow (`_busy`:
# a lock or a pooled connection waited for): skipping the count on it would lift the 法律问答 limit
# while the database is merely busy.
SLOW_FAILURE_S = 3.0
AWAY_COOL_OFF_S = 30.0
T = TypeVar("T")


class _Away:
    until = 0.0   # time.monotonic() before which trips beside an answer are not made


def _busy(exc: BaseException) -> bool:
    """A failure of a database that answers but is busy: a lock not got in time (SQLite's
    "database is locked", PostgreSQL's lock_timeout) or no free pooled connection (the pool's
    TimeoutError, under a flood of questions). Slow as these may be, they must not pause the trips:
    the 法律问答 limit would be lifted while the database is merely busy."""
    if isinstance(exc, sa_exc.TimeoutError):
        return True
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "lock timeout" in text or "locknotavailable" in type(
        getattr(exc, "orig", None)).__name__.lower()


def beside_answer(read: Callable[[], T], *, instead: T, what: str) -> T:
    """`read()`, a database trip for something a page can do without, or `instead` where the
    database fails (logged as `what`: the database failed, and why) or failed slowly within the
    last AWAY_COOL_OFF_S seconds (not tried). Any other exception is the caller's."""
    if time.monotonic() < _Away.until:
        log.info("%s: not tried, the database failed slowly moments ago", what)
        return instead
    started = time.monotonic()
    try:
        return read()
    except STORAGE_FAILURES as exc:
        slow = time.monotonic() - started >= SLOW_FAILURE_S and not _busy(exc)
        if slow:
            _Away.until = time.monotonic() + AWAY_COOL_OFF_S
        log.warning("%s: the database failed (%s)%s", what, failure_reason(exc),
                    f"; such trips are skipped for {AWAY_COOL_OFF_S:.0f} s" if slow else "")
        return instead


class LastRead(Generic[T]):
    """What a public page read last from the database, kept by this process, so that the page can
    still show it (and say it may be older) while the database is away: the 典型案例 a citizen was
    reading do not vanish behind a fault message. Trips are made as `beside_answer` makes them (none
    in the cool-off after a slow failure). A process that has read nothing yet has nothing to show;
    each replica keeps its own."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._lock = threading.Lock()
        self._kept: tuple[T] | None = None

    def read(self, read: Callable[[], T]) -> tuple[T, bool] | None:
        """(value, True) read now; (value, False) as last read, where the database failed; None
        where it failed and this process never read it."""
        got = beside_answer(lambda: (read(),), instead=None, what=f"{self.what} (the copy last read is shown, if any)")
        with self._lock:
            if got is not None:
                self._kept = got
                return got[0], True
            return (self._kept[0], False) if self._kept is not None else None

    def forget(self) -> None:
        """As a fresh process: nothing read yet (tests)."""
        with self._lock:
            self._kept = None
