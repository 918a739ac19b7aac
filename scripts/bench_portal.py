"""Benchmark: portal cold start to first page served, law page render times (民法典, 民事诉讼法),
the first hybrid search answer with the prebuilt index, server peak memory.

Usage: .venv/bin/python scripts/bench_portal.py [--runs 3]
Runs `python -m portal setup` and then `python -m ui.serve` (as ./run.sh does) on a free 127.0.0.1
port with a throw-away data folder (times counted from the server start), drives
Debian's chromium with Playwright, prints the figures. Nothing is asserted.
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
import urllib.parse
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


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (less sensitive to other load than wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    env = dict(os.environ, PORTAL_DATA_DIR=str(tmp), DATABASE_URL=f"sqlite:///{tmp / 'portal.db'}",
               PORTAL_ENCRYPTION_KEY_FILE=str(tmp / "key"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # as ./run.sh does: migrate and import first (a fresh clone's first start), then serve
    t0 = time.perf_counter()
    setup_cpu = os.times()
    subprocess.run([sys.executable, "-m", "portal", "setup"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    setup_seconds = time.perf_counter() - t0
    setup_cpu = sum(os.times()[2:4]) - sum(setup_cpu[2:4])
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ui.serve",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        healthy = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("我们能为您做什么").wait_for(timeout=120_000)
            first_page = time.perf_counter() - t0
            first_page_cpu = cpu_seconds(proc.pid)
            targets = [("民法典 (first chapter)", "/laws?law=minfadian-2020", "第一条　为了保护民事主体"),
                       ("民法典 第一千零七十七条", "/laws?law=minfadian-2020&article=第一千零七十七条",
                        "第一千零七十七条　自婚姻登记机关"),
                       ("民事诉讼法 (first chapter)", "/laws?law=minshi-susong-fa-2023", "第一条　中华人民共和国民事诉讼法"),
                       ("民事诉讼法 第二百条", "/laws?law=minshi-susong-fa-2023&article=第二百条",
                        "第二百条　人民法院审理认定"),
                       ("信访工作条例 (whole)", "/laws?law=xinfang-gongzuo-tiaoli-2022", "第一条　为了坚持")]
            timings: dict[str, list[float]] = {name: [] for name, _, _ in targets}
            # first question after start: hybrid search from the committed index, no 索引建立中
            start = time.perf_counter()
            page.goto(url + "/ask?q=" + urllib.parse.quote("老板拖欠工资不给怎么办"))
            page.get_by_text("相关法律条文").first.wait_for(timeout=180_000)
            first_answer = time.perf_counter() - start
            first_answer_cpu = cpu_seconds(proc.pid) - first_page_cpu
            building = page.get_by_text("索引建立中").count() > 0
            for _ in range(args.runs):
                for name, path, text in targets:
                    start = time.perf_counter()
                    page.goto(url + path)
                    page.get_by_text(text[:12]).first.wait_for(timeout=60_000)
                    timings[name].append(time.perf_counter() - start)
            size = page.evaluate("document.body.innerHTML.length")
            browser.close()
        print(f"setup (migrate, import content) {setup_seconds:6.2f} s  (CPU {setup_cpu:.2f} s)")
        print(f"server healthy after            {healthy:6.2f} s")
        print(f"cold start to first page served {first_page:6.2f} s  (server CPU {first_page_cpu:.2f} s)")
        print(f"first search answer after that  {first_answer:6.2f} s  (server CPU {first_answer_cpu:.2f} s; "
              f"索引建立中 shown: {building})")
        for name, values in timings.items():
            print(f"render {name:28s} median {statistics.median(values):5.2f} s  (n={len(values)})")
        print(f"last page DOM size              {size / 1024:6.0f} KB")
        print(f"server peak RSS                 {peak_rss_mb(proc.pid):6.0f} MB")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
