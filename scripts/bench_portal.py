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
import statistics
import time
import urllib.parse

import benchkit as kit
from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = kit.fresh_env("bench-portal-")
    port = kit.free_port()
    url = f"http://127.0.0.1:{port}"
    # a fresh clone's first start: `portal setup` (run.sh up to 2026-11-30; ui.serve repeats it
    # idempotently now), then the server as ./run.sh starts it
    t0 = time.perf_counter()
    setup_cpu = os.times()
    kit.run_setup(kit.ROOT, env)
    setup_seconds = time.perf_counter() - t0
    setup_cpu = sum(os.times()[2:4]) - sum(setup_cpu[2:4])
    t0 = time.perf_counter()
    proc = kit.start_server(kit.ROOT, env, port)
    try:
        kit.wait_healthy(url, proc)
        healthy = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=kit.CHROMIUM, args=kit.FLAGS)
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("我们能为您做什么").wait_for(timeout=120_000)
            first_page = time.perf_counter() - t0
            first_page_cpu = kit.cpu_seconds(proc.pid)
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
            first_answer_cpu = kit.cpu_seconds(proc.pid) - first_page_cpu
            building = page.get_by_text("索引建立中").count() > 0
            for _ in range(args.runs):
                for name, path, text in targets:
                    start = time.perf_counter()
                    page.goto(url + path)
                    page.get_by_text(text[:12]).first.wait_for(timeout=60_000)
                    timings[name].append(time.perf_counter() - start)
            size = page.evaluate("document.body.innerHTML.length")
            browser.close()
        print(f"load average now {kit.load():.1f} (2 shared cores: wall times grow with it, CPU times less)")
        print(f"setup (migrate, import content) {setup_seconds:6.2f} s  (CPU {setup_cpu:.2f} s)")
        print(f"server healthy after            {healthy:6.2f} s")
        print(f"cold start to first page served {first_page:6.2f} s  (server CPU {first_page_cpu:.2f} s)")
        print(f"first search answer after that  {first_answer:6.2f} s  (server CPU {first_answer_cpu:.2f} s; "
              f"索引建立中 shown: {building})")
        for name, values in timings.items():
            print(f"render {name:28s} median {statistics.median(values):5.2f} s  (n={len(values)})")
        print(f"last page DOM size              {size / 1024:6.0f} KB")
        print(f"server peak RSS                 {kit.peak_rss_mb(proc.pid):6.0f} MB")
    finally:
        kit.stop(proc)


if __name__ == "__main__":
    main()
