"""What the command lines (`python -m portal`, `python -m portal.search`) share: `--env-file FILE`
(cron and a shell do not have the service's settings, systemd's EnvironmentFile, e.g.
/etc/portal/portal.env) and running the chosen command, a refusal it has said ending in status 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_env_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env-file", type=Path, metavar="FILE",
                        help="take the settings from this file first (KEY=VALUE lines, as the service's "
                             "EnvironmentFile, e.g. /etc/portal/portal.env; they win over the shell's): "
                             "cron and a shell do not have them")


class CommandFailed(Exception):
    """Said on stderr already: the command exits with status 2 (run_command)."""


def run_command(args: argparse.Namespace) -> int:
    """Apply `--env-file`, then run the parsed command's handler; its status, or 2 when the file
    cannot be read, a setting cannot be used (`SETTINGS PROBLEM …`) or the handler refused
    (CommandFailed, said on stderr)."""
    if not apply_env_file_option(args) or settings_problem():
        return 2
    try:
        return int(args.handler(args) or 0)
    except CommandFailed:
        return 2


def apply_env_file_option(args: argparse.Namespace) -> bool:
    """Apply `--env-file` when given; False (said on stderr) when the file cannot be read."""
    if args.env_file is None:
        return True
    from portal.settings import apply_env_file

    try:
        apply_env_file(args.env_file)
    except (OSError, ValueError) as exc:
        print(f"cannot read --env-file: {exc}", file=sys.stderr)
        return False
    return True


def settings_problem() -> bool:
    """Read the settings; True (said on stderr in one line, `SETTINGS PROBLEM …`) when one of them
    cannot be used (portal.settings.SettingsError): every command, and the server's start
    (ui.serve), stops there with status 2 before doing anything."""
    from portal.settings import SettingsError, get_settings

    try:
        get_settings()
    except SettingsError as exc:
        print(f"SETTINGS PROBLEM {exc}。没有做任何改动。", file=sys.stderr)
        return True
    return False
