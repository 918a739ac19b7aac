"""`python -m portal bank import`: import the question-bank seed now and print the counts."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.cli_core import database_work
from portal.laws.library import load_library
from portal.qa.importer import SEED_FILE, import_seed
from portal.settings import get_settings


def _import(args: argparse.Namespace) -> int:
    settings = get_settings()
    path = Path(args.file) if args.file else settings.content_dir / "qa" / SEED_FILE
    if not path.is_file():
        print(f"no such file: {path}")
        return 2
    library = load_library(settings.laws_dir)
    report = database_work(lambda session: import_seed(session=session, path=path, library=library),
                           failed="没有导入：数据库正忙或无法连接（{cause}），没有导入任何问题，请稍后再运行。")
    print(report.summary())
    for slug, count in sorted(report.missing_laws.items(), key=lambda item: -item[1]):
        print(f"  skipped {count} question(s) citing {slug} (not in the library)")
    for line in report.refused:
        print(f"REFUSED {line}")
    return 1 if report.refused else 0


def register(sub: argparse._SubParsersAction) -> None:
    bank = sub.add_parser("bank", help="question bank (常见问题库)")
    cmds = bank.add_subparsers(dest="bank_command", required=True)
    p = cmds.add_parser("import", help="import the seed questions (idempotent) and print the counts")
    p.add_argument("--file", help=f"JSON-lines file (default: content/qa/{SEED_FILE})")
    p.set_defaults(handler=_import)
