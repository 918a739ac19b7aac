"""Core commands: migrate the schema and import content, check the law files."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.bootstrap import BootstrapReport, bootstrap
from portal.db import get_engine
from portal.laws.catalog import catalog_problems
from portal.laws.library import load_library_report
from portal.settings import get_settings


def _setup(_args: argparse.Namespace) -> int:
    return print_setup_report(bootstrap(engine=get_engine(), settings=get_settings()))


def print_setup_report(report: BootstrapReport) -> int:
    """Say what `setup` did (and what it refused); 1 when a content file was refused, else 0."""
    laws = report.laws
    print(f"schema up to date; laws added {len(laws.laws_added)}, updated {len(laws.laws_updated)}; "
          f"provisions +{laws.provisions_added} ~{laws.provisions_updated} -{laws.provisions_removed}; "
          f"cases added {len(report.cases.added)}, updated {len(report.cases.updated)}, "
          f"kept (edited by staff) {len(report.cases.kept)}")
    print(report.bank.summary())
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
    from portal.backup import backup

    try:
        target = backup(settings=get_settings(), destination=Path(args.destination))
    except ValueError as exc:
        print(exc)
        return 2
    print(f"backup written to {target}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the SQLite database (online backup) and attachments")
    p.add_argument("destination", help="folder in which a dated backup folder is created")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("setup", help="migrate the database and import shipped content (idempotent)")
    p.set_defaults(handler=_setup)
    p = sub.add_parser("check-laws", help="parse every law file and report any format error")
    p.set_defaults(handler=_check_laws)
