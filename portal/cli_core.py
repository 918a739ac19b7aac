"""Core commands: migrate the schema and import content, check the law files."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from portal.bootstrap import BootstrapReport, bootstrap
from portal.cli_env import CommandFailed
from portal.db import get_engine, session_scope
from portal.holidays import FESTIVALS
from portal.holidays import FILE_NAME as HOLIDAYS_FILE
from portal.laws.catalog import catalog_problems
from portal.laws.library import load_library_report
from portal.migrate import MigrationFailed
from portal.settings import database_url_problem, get_settings


def _setup(_args: argparse.Namespace) -> int:
    return run_setup(bootstrap)


def run_setup(run: Callable[..., BootstrapReport]) -> int:
    """`setup` as the command and the server's start run it (`run`: bootstrap or bootstrap_once):
    a refused database or a failed upgrade said on stderr (2), else the report printed; its status."""
    try:
        if gone := refused_database():
            return gone
        with _said_by_the_report():
            report = run(engine=get_engine(), settings=get_settings())
    except MigrationFailed as exc:
        print(f"UPGRADE FAILED {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:   # the server down, refused, a wrong password: one line, not 130
        print(f"设置没有完成：无法连接数据库或数据库出错（{first_line(getattr(exc, 'orig', None) or exc)}）。"
              "请检查 DATABASE_URL 和数据库服务器，再运行。", file=sys.stderr)
        return 2
    return print_setup_report(report)


@contextmanager
def _said_by_the_report() -> Iterator[None]:
    """What bootstrap logs (a refused file, a stale citation) is in the report printed after it:
    logged too, it would reach the operator twice (logging's last-resort handler on stderr)."""
    logger = logging.getLogger("portal.bootstrap")
    logger.addFilter(_none)
    try:
        yield
    finally:
        logger.removeFilter(_none)


def _none(_record: logging.LogRecord) -> bool:
    return False


def refused_database() -> int:
    """2 (said on stderr) when the configured SQLite file is gone where this installation's
    database was, or is missing beside attachments already stored (portal.db.database_gone):
    `setup` and the server's start would otherwise begin on an empty one. 0 otherwise."""
    from portal.db import database_gone

    settings = get_settings()
    if problem := database_gone(settings.database_url, attachments_dir=settings.attachments_dir):
        print(problem, file=sys.stderr)
        return 2
    if problem := _empty_server_database(settings):
        print(problem, file=sys.stderr)
        return 2
    return 0


def _empty_server_database(settings) -> str:
    """A PostgreSQL database never set up, beside an attachments folder that already holds files:
    the installation's data is elsewhere (switched to PostgreSQL without copy-data). Starting here
    would take petitions into an empty database and, once it held one, leave the old attachments
    to nothing. '' otherwise (or when the server cannot be asked: setup then says why)."""
    from portal.db import STORAGE_FAILURES, holds_files, shown_url
    from portal.migrate import current_revision

    if settings.database_url.startswith("sqlite") or not holds_files(settings.attachments_dir):
        return ""
    engine = get_engine()
    try:
        if current_revision(engine) is not None:
            return ""
    except STORAGE_FAILURES:
        return ""
    return (f"数据库 {shown_url(engine)} 是空的（从未设置过），但附件文件夹 {settings.attachments_dir} 里已有文件："
            "原来的数据在另一个数据库里。换用 PostgreSQL 的，请先用 copy-data 把原来的数据复制过来"
            "（见 README 的“Switching to PostgreSQL”一节），再运行 setup。门户不在空数据库上启动；"
            f"确实要从空数据库重新开始的，先移走 {settings.attachments_dir} 里的文件。")


def print_setup_report(report: BootstrapReport) -> int:
    """Say what `setup` did (and what it refused); 1 when a content file was refused, 2 when the
    key cannot read the stored data (nothing was changed then), else 0."""
    if report.key_problem:   # checked before anything else: the server must not start and take
        print(f"KEY PROBLEM {report.key_problem}", file=sys.stderr)   # petitions it cannot read back
        print("nothing changed: the schema and the content were not touched", file=sys.stderr)
        return 2
    laws = report.laws
    schema = report.schema
    if schema is not None and schema.changed and schema.before is None:
        print(f"schema created at {schema.after}")
    elif schema is not None and schema.changed:
        print(f"schema upgraded {schema.before} -> {schema.after}"
              + (f"; the database as it was before: {schema.copy} (delete it once the portal works)"
                 if schema.copy else ""))
    print(f"schema up to date; laws added {len(laws.laws_added)}, updated {len(laws.laws_updated)}; "
          f"provisions +{laws.provisions_added} ~{laws.provisions_updated} -{laws.provisions_removed}; "
          f"cases added {len(report.cases.added)}, updated {len(report.cases.updated)}, "
          f"kept (edited by staff) {len(report.cases.kept)}")
    if report.cases.taken:
        print(f"WARNING cases: {', '.join(report.cases.taken)} not imported: a case written by staff has the same "
              "web name (网址名); rename the file or the staff case to publish both")
    print(report.bank.summary())
    print(f"guide sections added {len(report.guide.added)}, kept (already stored, staff edits win) "
          f"{len(report.guide.kept)}")
    if report.holiday_years:
        print(f"holidays: {', '.join(map(str, report.holiday_years))} listed in {HOLIDAYS_FILE}")
    if report.holidays_missing:
        print(f"WARNING holidays: {', '.join(map(str, report.holidays_missing))} not listed in {HOLIDAYS_FILE}: "
              f"deadlines falling there move past weekends and the festival days (known for {min(FESTIVALS)}-{max(FESTIVALS)}) "
              "only, not its 调休; add the State Council's "
              "notice when it is published (README, Holiday calendar)")
    for item in report.stale:
        print(f"WARNING citations: {item.line()}: staff cite the current article again, or keep a repealed "
              "one cited on purpose (README, Content)")
    for path in report.exposed:
        print(f"WARNING permissions: {path.advice}")
    for error in report.refused:
        print(f"REFUSED {error}")
    return 1 if report.refused else 0


def _check_laws(_args: argparse.Namespace) -> int:
    loaded = load_library_report(get_settings().laws_dir)
    for law in loaded.library.ordered_laws():
        print(f"OK   {law.slug}: {law.title} — {len(law.provisions)} articles, {law.status}")
    for error in loaded.errors:
        print(f"FAIL {error}")
    problems = catalog_problems(loaded.library.catalog, loaded.library.laws)
    for problem in problems:
        print(f"FAIL {problem}")
    return 1 if loaded.errors or problems else 0


def _backup(args: argparse.Namespace) -> int:
    from portal.backup import BackupFailed, backup

    try:
        target = backup(settings=get_settings(), destination=Path(args.destination))
    except (ValueError, FileExistsError) as exc:
        print(exc)
        return 2
    except BackupFailed as exc:   # a full disk …: one line naming the cause, nothing half-written left
        print(exc, file=sys.stderr)
        return 2
    print(f"backup written to {target}")
    return 0


def existing_engine():
    """The configured database for a command that works on existing data, or None (said on stderr)
    when it is a SQLite file that does not exist (connecting would create an empty one)."""
    from portal.db import missing_database

    if problem := missing_database(get_settings().database_url):
        print(problem, file=sys.stderr)
        return None
    return get_engine()


R = TypeVar("R")


def database_work(work: Callable[[Session], R], *, failed: str) -> R:
    """What `work` returns, run in one transaction on the configured database and committed. A
    command's database step, said the same way by each: a SQLite file that does not exist is refused,
    not created empty (existing_engine); a schema that is not this version's is refused, not
    upgraded — only `setup` upgrades, after checking the key and copying a SQLite file (a nightly
    purge between `git pull` and `setup` would otherwise upgrade with neither); the database busy
    (another process writing), unreachable, or the row changed at that moment is one line on stderr
    — `failed` with {cause} the driver's own first line, never a traceback or SQL; a key that cannot
    read the stored personal data (lost, or another one) is `KEY PROBLEM …` as `setup` says it. Each
    refusal is said on stderr and raises CommandFailed (the transaction was rolled back: nothing
    was done)."""
    from portal.prefiling.crypto import EncryptionKeyError
    from portal.prefiling.keycheck import key_advice

    if (engine := existing_engine()) is None:
        raise CommandFailed
    try:
        if problem := schema_problem(engine):
            print(problem, file=sys.stderr)
            raise CommandFailed
        with session_scope(engine) as session:
            return work(session)
    except SQLAlchemyError as exc:   # StaleDataError is one too
        print(failed.format(cause=first_line(getattr(exc, "orig", None) or exc)), file=sys.stderr)
        raise CommandFailed from exc
    except EncryptionKeyError as exc:   # the key lost or another one: what setup says, not a traceback
        print(f"KEY PROBLEM {key_advice(exc)}没有做任何改动。", file=sys.stderr)
        raise CommandFailed from exc


def schema_problem(engine) -> str:
    """Why a command other than `setup` must not work on this database's schema ('' when it is this
    version's): never set up, or set up by another version of the portal."""
    from portal.db import shown_url
    from portal.migrate import current_revision, head_revision

    current, head = current_revision(engine), head_revision()
    if current == head:
        return ""
    if current is None:
        return (f"数据库 {shown_url(engine)} 还没有设置：请先运行 `python -m portal setup`"
                "（新安装时由它建立数据库），再运行这个命令。没有做任何改动。")
    return (f"数据库 {shown_url(engine)} 的结构（{current}）不是这个版本的（{head}）：请先运行 `python -m portal setup`，"
            "它先检查密钥、备份 SQLite 数据库，再升级。没有做任何改动。")


def first_line(exc: BaseException) -> str:
    """The driver's own words for a database error, without the SQL or its parameters."""
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


def _copy_data(args: argparse.Namespace) -> int:
    from portal.copydata import CopyRefused, copy_data
    from portal.db import make_engine, shown_url

    if (source := existing_engine()) is None:
        return 2
    if args.to == get_settings().database_url:
        print("--to is the database the portal uses now: give the new, empty one", file=sys.stderr)
        return 2
    if problem := database_url_problem(args.to):
        print(f"--to {problem}", file=sys.stderr)
        return 2
    target = make_engine(args.to)
    print(f"copying {shown_url(source)} -> {shown_url(target)}")
    try:
        report = copy_data(source=source, target=target, progress=lambda t, n: print(f"  {t}: {n}"))
    except CopyRefused as exc:
        print(f"REFUSED {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:   # a database down or refusing: one line (nothing was committed)
        print(f"复制没有完成：无法连接数据库或数据库出错（{first_line(getattr(exc, 'orig', None) or exc)}），"
              "没有复制任何内容。请检查 --to 的地址和数据库服务器，再运行。", file=sys.stderr)
        return 2
    print(f"copied {sum(report.rows.values())} rows in {len(report.rows)} tables. Next: set DATABASE_URL to "
          "the new database for every replica (keep PORTAL_DATA_DIR: the attachments stay where they are, "
          "and the same encryption key), run `python -m portal setup`, start the portal.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the SQLite database (online backup) and attachments")
    p.add_argument("destination", help="folder in which a dated backup folder is created")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("setup", help="migrate the database and import shipped content (idempotent)")
    p.set_defaults(handler=_setup)
    p = sub.add_parser("check-laws", help="parse every law file and report any format error")
    p.set_defaults(handler=_check_laws)
    p = sub.add_parser("copy-data", help="copy every table into a new, empty database (SQLite -> PostgreSQL)")
    p.add_argument("--to", required=True, metavar="URL",
                   help="the new database, e.g. postgresql+psycopg://portal:PASSWORD@dbhost:5432/portal")
    p.set_defaults(handler=_copy_data)
