"""Benchmark: pre-filing submissions per second under concurrency, and p95 of one submission.

    python scripts/bench_prefiling.py [--threads 16] [--per-thread 20]

Runs on a fresh SQLite file (WAL) and, when TEST_POSTGRES_URL is set, on a fresh PostgreSQL
database. Each submission is the real service: validation result, Fernet encryption of the personal
fields, rate-limit check and record, the idempotency check, the insert and the commit.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PORTAL_ENCRYPTION_KEY_FILE", str(Path(tempfile.mkdtemp()) / "bench.key"))

from sqlmodel import Session, func, select  # noqa: E402

from portal.db import make_engine  # noqa: E402
from portal.migrate import migrate  # noqa: E402
from portal.prefiling import form as F  # noqa: E402
from portal.prefiling.crypto import get_cipher  # noqa: E402
from portal.prefiling.idcard import check_digit  # noqa: E402
from portal.prefiling.models import Prefiling  # noqa: E402
from portal.prefiling.ratelimit import ClientInfo  # noqa: E402
from portal.prefiling.service import submit  # noqa: E402


def _data(i: int) -> F.PrefilingCreate:
    first17 = f"37010219650315{i % 1000:03d}"
    data = F.empty_form() | {
        "consent": True, "name": "张秀兰", "id_number": first17 + check_digit(first17), "phone": "13812345678",
        "address": "济南市历下区文化东路1号", "district": "历下区", "category": "申诉求决",
        "request": "请求督促物业修复屋顶。", "facts": "屋顶漏水半年，多次找物业未修。" * 10, "raised_before": "否"}
    return F.to_create(data)


def run(engine, threads: int, per_thread: int) -> tuple[float, float, int]:
    get_cipher()
    timings: list[float] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        mine = []
        for j in range(per_thread):
            data = _data(t * per_thread + j)
            start = time.perf_counter()
            with Session(engine) as s:
                submit(session=s, data=data, idempotency_token=uuid.uuid4().hex,
                       client=ClientInfo(session_id=f"s{t}-{j}", ip=f"10.{t}.{j // 250}.{j % 250}"))
            mine.append(time.perf_counter() - start)
        with lock:
            timings.extend(mine)

    began = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    elapsed = time.perf_counter() - began
    with Session(engine) as s:
        stored = s.exec(select(func.count()).select_from(Prefiling)).one()
    timings.sort()
    return len(timings) / elapsed, timings[int(0.95 * (len(timings) - 1))], stored


def _postgres_database(admin_url: str):
    """A throw-away database on the server at `admin_url`; returns (url, drop)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"portal_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=20)
    args = parser.parse_args()
    targets = [("SQLite (WAL)", f"sqlite:///{tempfile.mkdtemp()}/bench.db", None)]
    admin = os.environ.get("TEST_POSTGRES_URL")
    if admin:
        url, drop = _postgres_database(admin)
        targets.append(("PostgreSQL", url, drop))
    total = args.threads * args.per_thread
    print(f"{total} submissions from {args.threads} threads")
    for name, url, drop in targets:
        engine = make_engine(url)
        migrate(engine=engine)
        try:
            _rate, alone, _ = run(engine, 1, 50)
            rate, p95, stored = run(engine, args.threads, args.per_thread)
            print(f"{name:14s} one at a time: p95 {alone * 1000:6.1f} ms | {args.threads} threads: "
                  f"{rate:7.1f} submissions/s, p95 {p95 * 1000:6.1f} ms, stored {stored - 50}/{total}")
        finally:
            engine.dispose()
            if drop:
                drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
