"""`python -m portal cases export DIR` and `cases check`: the shipped-case files."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.cases.importer import case_files, check_case_file, export_cases
from portal.cli_core import database_work
from portal.identity import Actor
from portal.laws.library import load_library
from portal.roles import EDITOR
from portal.settings import get_settings

CLI_ACTOR = Actor("cli", frozenset({EDITOR}))


def _export(args: argparse.Namespace) -> int:
    written = database_work(lambda session: export_cases(session=session, actor=CLI_ACTOR,
                                                         directory=Path(args.directory), include_shipped=args.all),
                            failed="没有导出：数据库正忙或无法连接（{cause}），请稍后再运行。")
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} case(s) exported")
    return 0


def _check(_args: argparse.Namespace) -> int:
    settings = get_settings()
    library = load_library(settings.laws_dir)
    failed = 0
    for path in case_files(settings.cases_dir):
        problems = check_case_file(path, library=library)
        failed += bool(problems)
        print(f"{'FAIL' if problems else 'OK  '} {path.name}{': ' + '; '.join(problems) if problems else ''}")
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:
    cases = sub.add_parser("cases", help="typical cases: export published ones, check the files")
    cmds = cases.add_subparsers(dest="cases_command", required=True)
    p = cmds.add_parser("export", help="write published cases as content/cases-style Markdown files")
    p.add_argument("directory")
    p.add_argument("--all", action="store_true", help="also untouched shipped cases")
    p.set_defaults(handler=_export)
    p = cmds.add_parser("check", help="check every content/cases/*.md file")
    p.set_defaults(handler=_check)
