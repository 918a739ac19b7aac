"""Benchmark: the law pages a citizen opens most (民事诉讼法 first chapter, an article permalink,
民法典), timed two ways, with the machine's 1-minute load average beside each figure.

Usage: .venv/bin/python scripts/bench_pages.py [--runs 5] [--root CHECKOUT] [--no-browser]

1. Server render: app.py run by Streamlit's AppTest in this process (the page's script as the
   server runs it, no browser), after one warm-up run; median wall and CPU seconds.
2. Browser: `python -m ui.serve` of CHECKOUT (default this one; e.g. an export of an older commit
   with this venv) on a free port and a throw-away database, Chromium started beforehand; median
   seconds from navigation to the article text being visible.
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

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
TARGETS = [  # name, query, text that shows the page has its law text
    ("民事诉讼法 first chapter", {"law": "minshi-susong-fa-2023"}, "第一条　中华人民共和国民事诉讼法"),
    ("民事诉讼法 第二百条", {"law": "minshi-susong-fa-2023", "article": "第二百条"}, "第二百零一条"),
    ("民法典 first chapter", {"law": "minfadian-2020"}, "第一条　为了保护民事主体"),
    ("民法典 第一千零七十七条", {"law": "minfadian-2020", "article": "第一千零七十七条"}, "第一千零七十八条"),
]


def load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def server_render(runs: int) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    for name, query, _ in TARGETS:
        walls, cpus = [], []
        for i in range(runs + 1):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            for key, value in query.items():
                at.query_params[key] = value
            PagesManager.uses_pages_directory = False
            at.switch_page("pages/laws.py")
            wall, cpu = time.perf_counter(), time.process_time()
            at.run()
            if i:  # the first run of each target warms the caches
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            assert not at.exception, at.exception
        print(f"server render {name:24s} median {statistics.median(walls):5.3f} s wall, "
              f"{statistics.median(cpus):5.3f} s CPU  (n={runs}, load {load():.1f})")


def browser_render(root: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = dict(os.environ, PORTAL_DATA_DIR=str(tmp), DATABASE_URL=f"sqlite:///{tmp / 'portal.db'}",
               PORTAL_ENCRYPTION_KEY_FILE=str(tmp / "key"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    if not (root / "ui" / "serve.py").read_text().count("def prepare"):  # older checkouts: setup first
        subprocess.run([sys.executable, "-m", "portal", "setup"], cwd=root, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    proc = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.address", "127.0.0.1",
                             "--server.port", str(port), "--server.headless", "true"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page()
            page.goto(url + "/laws?law=xinfang-gongzuo-tiaoli-2022")  # the library loaded once
            page.get_by_text("第一条　为了坚持").first.wait_for(timeout=120_000)
            times: dict[str, list[float]] = {name: [] for name, _, _ in TARGETS}
            loads: list[float] = []
            for _ in range(runs):
                for name, query, text in TARGETS:
                    path = "/laws?" + "&".join(f"{k}={v}" for k, v in query.items())
                    start = time.perf_counter()
                    page.goto(url + path)
                    page.get_by_text(text).first.wait_for(timeout=60_000)
                    times[name].append(time.perf_counter() - start)
                loads.append(load())
            browser.close()
        for name, values in times.items():
            print(f"browser {name:30s} median {statistics.median(values):5.2f} s  "
                  f"(n={runs}, load {statistics.median(loads):.1f})  [{root}]")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    if args.root == ROOT:
        tmp = Path(tempfile.mkdtemp(prefix="bench-pages-apptest-"))
        os.environ.update(PORTAL_DATA_DIR=str(tmp), DATABASE_URL=f"sqlite:///{tmp / 'portal.db'}",
                          PORTAL_ENCRYPTION_KEY_FILE=str(tmp / "key"))
        os.environ.setdefault("PORTAL_EMBEDDING_MODEL", "fake")
        sys.path.insert(0, str(ROOT))
        server_render(args.runs)
    if not args.no_browser:
        browser_render(args.root, args.runs)


if __name__ == "__main__":
    main()
