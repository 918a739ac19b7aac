"""Command line: `python -m portal <command> …`. Each domain adds its commands in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys

from portal.cli_env import add_env_file_option, run_command

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
    add_env_file_option(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    args = parser.parse_args(argv)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
