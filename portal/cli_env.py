"""`--env-file FILE` for the command lines (`python -m portal`, `python -m portal.search`): cron and
a shell do not have the service's settings (systemd's EnvironmentFile, e.g. /etc/portal/portal.env)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_env_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env-file", type=Path, metavar="FILE",
                        help="take the settings from this file first (KEY=VALUE lines, as the service's "
                             "EnvironmentFile, e.g. /etc/portal/portal.env; they win over the shell's): "
                             "cron and a shell do not have them")


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
