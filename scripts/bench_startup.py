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
import statistics
import time
from pathlib import Path

import benchkit as kit
from playwright.sync_api import sync_playwright


def start_once(browser, root: Path, env: dict, setup_first: bool) -> dict:
    port = kit.free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    setup_cpu = 0.0
    if setup_first:
        before = os.times()
        kit.run_setup(root, env)
        setup_cpu = sum(os.times()[2:4]) - sum(before[2:4])
    proc = kit.start_server(root, env, port)
    try:
        kit.wait_healthy(url, proc)
        healthy = time.perf_counter() - t0
        page = browser.new_page()
        page.goto(url)
        page.get_by_text("我们能为您做什么").wait_for(timeout=120_000)
        first_page = time.perf_counter() - t0
        cpu = setup_cpu + kit.cpu_seconds(proc.pid)
        page.close()
        return {"healthy": healthy, "first_page": first_page, "cpu": cpu, "rss": kit.peak_rss_mb(proc.pid),
                "load": kit.load()}
    finally:
        kit.stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=kit.ROOT)
    parser.add_argument("--setup-first", action="store_true",
                        help="run `python -m portal setup` before the server (the old ./run.sh)")
    args = parser.parse_args()
    rows: dict[str, list[dict]] = {"fresh database": [], "restart": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=kit.CHROMIUM, args=kit.FLAGS)
        for _ in range(args.runs):
            env = kit.fresh_env("bench-startup-")
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
