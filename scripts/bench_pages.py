"""Benchmark: the law pages a citizen opens most (民事诉讼法 first chapter, an article permalink,
民法典), timed two ways, with the machine's 1-minute load average beside each figure.

Usage: .venv/bin/python scripts/bench_pages.py [--runs 5] [--root CHECKOUT] [--compare OTHER] [--no-browser]

1. Server render: app.py run by Streamlit's AppTest in this process (the page's script as the
   server runs it, no browser), after one warm-up run; median wall and CPU seconds.
2. Browser: `python -m ui.serve` of CHECKOUT (default this one; e.g. an export of an older commit
   with this venv) on a free port and a throw-away database, Chromium started beforehand; median
   seconds from navigation to the article text being visible. With --compare OTHER both checkouts
   are served at once and every page is opened on each in turn (fair under a changing load).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchkit import (
    CHROMIUM,
    FLAGS,
    ROOT,
    free_port,
    fresh_env,
    load,
    run_setup,
    start_server,
    stop,
    wait_healthy,
)

TARGETS = [  # name, query, text that shows the page has its law text
    ("民事诉讼法 first chapter", {"law": "minshi-susong-fa-2023"}, "第一条　中华人民共和国民事诉讼法"),
    ("民事诉讼法 第二百条", {"law": "minshi-susong-fa-2023", "article": "第二百条"}, "第二百零一条"),
    ("民法典 first chapter", {"law": "minfadian-2020"}, "第一条　为了保护民事主体"),
    ("民法典 第一千零七十七条", {"law": "minfadian-2020", "article": "第一千零七十七条"}, "第一千零七十八条"),
]


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


def _serve(root: Path):
    env = fresh_env("bench-pages-")
    port = free_port()
    if "def prepare" not in (root / "ui" / "serve.py").read_text():  # older checkouts: setup first
        run_setup(root, env)
    proc = start_server(root, env, port)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc)
    return proc, url


def browser_render(roots: list[Path], runs: int) -> None:
    """Every checkout served at once; each target opened in turn on each server (alternating, so
    that both see the same load), one Chromium."""
    from playwright.sync_api import sync_playwright

    servers = []
    try:
        for root in roots:
            servers.append(_serve(root))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            for _, url in servers:  # the library loaded once
                page.goto(url + "/laws?law=xinfang-gongzuo-tiaoli-2022")
                page.get_by_text("第一条　为了坚持").first.wait_for(timeout=120_000)
            times = {(root, name): [] for root in roots for name, _, _ in TARGETS}
            loads: list[float] = []
            for _ in range(runs):
                for name, query, text in TARGETS:
                    path = "/laws?" + "&".join(f"{k}={v}" for k, v in query.items())
                    for root, (_, url) in zip(roots, servers, strict=True):
                        start = time.perf_counter()
                        page.goto(url + path)
                        page.get_by_text(text).first.wait_for(timeout=60_000)
                        times[root, name].append(time.perf_counter() - start)
                loads.append(load())
            browser.close()
        for (root, name), values in times.items():
            print(f"browser {name:30s} median {statistics.median(values):5.2f} s  "
                  f"(n={runs}, load {statistics.median(loads):.1f})  [{root}]")
    finally:
        for proc, _ in servers:
            stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--compare", type=Path, action="append", default=[],
                        help="another checkout served beside --root, pages opened alternately")
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
        browser_render([args.root, *args.compare], args.runs)


if __name__ == "__main__":
    main()
