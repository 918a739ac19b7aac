"""What the portal benchmarks share: a throw-away data folder, a server started as ./run.sh starts
it on a free 127.0.0.1 port, Debian's Chromium flags, and /proc readings (CPU time, peak RSS and
the machine's load average, printed beside every figure because the cores are shared)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> float:
    """The machine's 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (less sensitive to other load than wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fresh_env(prefix: str) -> dict[str, str]:
    """The environment of a fresh installation: an empty data folder, database and key file."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    return dict(os.environ, PORTAL_DATA_DIR=str(tmp), DATABASE_URL=f"sqlite:///{tmp / 'portal.db'}",
                PORTAL_ENCRYPTION_KEY_FILE=str(tmp / "key"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")


def start_server(root: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    """`python -m ui.serve` of the checkout `root` (as ./run.sh runs it), output discarded."""
    return subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--server.headless", "true"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the server exited") from None
            time.sleep(0.05)


def run_setup(root: Path, env: dict[str, str]) -> None:
    """`python -m portal setup` (what ./run.sh ran before the server up to 2026-11-30)."""
    subprocess.run([sys.executable, "-m", "portal", "setup"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def throwaway_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """Create a fresh database on the server of `admin_url`, yield its URL, drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
