"""Benchmark: cold start of the portal as ./run.sh starts it, to the first page a browser shows.

Usage: .venv/bin/python scripts/bench_startup.py [--runs 3] [--root CHECKOUT] [--setup-first]

Each run uses a fresh data folder and database (a fresh clone's first start), starts the server
the way ./run.sh does (`python -m ui.serve`; with --setup-first, `python -m portal setup` before it,
as run.sh did up to 2026-11-30), and loads / in a Chromium that was started beforehand (a citizen's
browser is already open). Figures: wall time from the first command to the home page's 我们能为您做什么,
the CPU time of the portal's processes up to then, the server's peak RSS, and the machine's 1-minute
load average beside each (the cores are shared). A second start on the same database follows
(a restart). --root measures another checkout (e.g. an export of an older commit) with this venv.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_once(browser, root: Path, env: dict, setup_first: bool) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    setup_cpu = 0.0
    if setup_first:
        before = os.times()
        subprocess.run([sys.executable, "-m", "portal", "setup"], cwd=root, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        setup_cpu = sum(os.times()[2:4]) - sum(before[2:4])
    proc = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--server.headless", "true"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("the server exited") from None
                time.sleep(0.05)
        healthy = time.perf_counter() - t0
        page = browser.new_page()
        page.goto(url)
        page.get_by_text("我们能为您做什么").wait_for(timeout=120_000)
        first_page = time.perf_counter() - t0
        cpu = setup_cpu + cpu_seconds(proc.pid)
        page.close()
        return {"healthy": healthy, "first_page": first_page, "cpu": cpu, "rss": peak_rss_mb(proc.pid),
                "load": load()}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--setup-first", action="store_true",
                        help="run `python -m portal setup` before the server (the old ./run.sh)")
    args = parser.parse_args()
    rows: dict[str, list[dict]] = {"fresh database": [], "restart": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for _ in range(args.runs):
            tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
            env = dict(os.environ, PORTAL_DATA_DIR=str(tmp), DATABASE_URL=f"sqlite:///{tmp / 'portal.db'}",
                       PORTAL_ENCRYPTION_KEY_FILE=str(tmp / "key"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
            rows["fresh database"].append(start_once(browser, args.root, env, args.setup_first))
            rows["restart"].append(start_once(browser, args.root, env, args.setup_first))
        browser.close()
    how = "portal setup, then ui.serve" if args.setup_first else "ui.serve"
    print(f"checkout {args.root} ({how}); {args.runs} runs each")
    for name, runs in rows.items():
        for r in runs:
            print(f"  {name:15s} healthy {r['healthy']:5.2f} s  first page {r['first_page']:5.2f} s  "
                  f"CPU {r['cpu']:4.2f} s  peak RSS {r['rss']:4.0f} MB  (load {r['load']:.1f})")
        med = {k: statistics.median(r[k] for r in runs) for k in ("first_page", "cpu", "load")}
        print(f"{name:17s} median first page {med['first_page']:5.2f} s, CPU {med['cpu']:4.2f} s "
              f"(load {med['load']:.1f})")


if __name__ == "__main__":
    main()
