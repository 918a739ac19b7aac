"""Command line: `python -m portal <command> …`. Each domain adds its commands in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# command modules: each defines register(subparsers) adding its sub-commands
COMMAND_MODULES = (
    "portal.cli_core",
    "portal.prefiling.cli",
    "portal.staff.cli",
    "portal.cases.cli",
    "portal.qa.cli",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal", description="法治信访门户 management commands")
    parser.add_argument("--env-file", type=Path, metavar="FILE",
                        help="take the settings from this file first (KEY=VALUE lines, as the service's "
                             "EnvironmentFile, e.g. /etc/portal/portal.env): cron and a shell do not have them")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    args = parser.parse_args(argv)
    if args.env_file is not None:
        from portal.settings import apply_env_file

        try:
            apply_env_file(args.env_file)
        except (OSError, ValueError) as exc:
            print(f"cannot read --env-file: {exc}", file=sys.stderr)
            return 2
    from portal.cli_core import CommandFailed

    try:
        return int(args.handler(args) or 0)
    except CommandFailed:   # the handler said why on stderr
        return 2


if __name__ == "__main__":
    sys.exit(main())
