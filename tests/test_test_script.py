"""./test.sh (what CI runs) stops when its PostgreSQL server cannot start: otherwise every
PostgreSQL test is skipped and the run is still green (the production database never tested)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sandbox(tmp_path: Path) -> Path:
    """A copy of test.sh whose installs are no-ops, whose PostgreSQL never starts and whose
    .venv/bin/python runs `-c` snippets for real and only records the ruff and pytest calls."""
    shutil.copy(ROOT / "test.sh", tmp_path / "test.sh")
    (tmp_path / "scripts").mkdir()
    for name, body in {"ensure-venv": "exit 0", "pg-test-server": "echo 'initdb failed' >&2; exit 1"}.items():
        path = tmp_path / "scripts" / name
        path.write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
        path.chmod(0o755)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/usr/bin/env bash\nif [ "$1" = -c ]; then exec {sys.executable} "$@"; fi\n'
                      f'echo "ran: $*" >> "{tmp_path}/calls"\n', encoding="utf-8")
    python.chmod(0o755)
    return tmp_path


def _run(box: Path, **env: str) -> subprocess.CompletedProcess:
    # the system packages test.sh would install are present wherever this suite runs (test.sh put them there)
    return subprocess.run(["bash", str(box / "test.sh"), "-m", "not slow"], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **env}, check=False)


def test_the_test_run_stops_when_postgresql_does_not_start(tmp_path):
    box = _sandbox(tmp_path)
    done = _run(box, PORTAL_TESTS_WITHOUT_POSTGRES="")
    assert done.returncode != 0
    assert "PostgreSQL test server did not start" in done.stderr
    assert not (box / "calls").exists()          # neither ruff nor pytest ran


def test_it_goes_on_without_postgresql_only_when_asked(tmp_path):
    box = _sandbox(tmp_path)
    done = _run(box, PORTAL_TESTS_WITHOUT_POSTGRES="1")
    assert done.returncode == 0, done.stderr
    assert "PostgreSQL tests will be skipped" in done.stderr
    assert (box / "calls").read_text(encoding="utf-8").splitlines() == ["ran: -m ruff check .",
                                                                      "ran: -m pytest -m not slow"]
