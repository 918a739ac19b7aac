"""Benchmark: every 数据看板 / 月通报 query on 100,000 pre-filings (and their events).

    python scripts/bench_dashboard.py [--rows 100000] [--repeat 3] [--no-indexes]

Seeds a throw-away SQLite file (and, when TEST_POSTGRES_URL is set, a throw-away PostgreSQL
database) with pre-filings received over two years — states, registration and closing dates,
ratings, categories, districts and suggested channels spread like a busy bureau's — with their
登记 / 办结 / 不予登记 / 撤回 events, then prints the best of `--repeat` timings of each query for
last month and for a whole year. Goal: under 1 s each. `--no-indexes` drops the 0009_bulletin date
indexes first, to show what they are for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PORTAL_ENCRYPTION_KEY_FILE", str(Path(tempfile.mkdtemp()) / "bench.key"))

from benchkit import throwaway_postgres  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from portal.db import make_engine  # noqa: E402
from portal.identity import Actor  # noqa: E402
from portal.migrate import migrate  # noqa: E402
from portal.prefiling.models import Prefiling, PrefilingEvent  # noqa: E402
from portal.roles import ADMIN, REPORTS  # noqa: E402
from portal.stats import bulletin, figures  # noqa: E402
from portal.stats.facts import Period, month_period  # noqa: E402

TODAY = dt.date(2026, 12, 1)
CATEGORIES = ("申诉求决", "建议意见", "检举控告", "其他")
DISTRICTS = ("历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区", "章丘区", "济阳区", "莱芜区", "钢城区")
CHANNELS = ("", "", "arbitration", "court", "reconsideration", "expropriation,reconsideration", "legal_aid")
ACTOR = Actor("bench", frozenset({ADMIN, REPORTS}))


def _at(day: dt.date, rnd: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rnd.randrange(0, 10), rnd.randrange(60)), tzinfo=dt.UTC)


def seed(engine, rows: int) -> None:
    rnd = random.Random(14)
    start = TODAY - dt.timedelta(days=730)
    prefilings, events = [], []
    for i in range(rows):
        received = start + dt.timedelta(days=rnd.randrange(730))
        category = rnd.choices(CATEGORIES, (55, 25, 10, 10))[0]
        roll = rnd.random()
        registered = closed = None
        state, rating = "已提交", ""
        age = (TODAY - received).days
        if roll < 0.05:
            state, closed = "已撤回", received + dt.timedelta(days=rnd.randrange(1, 5))
        elif roll < 0.20:
            state, closed = "不予登记", received + dt.timedelta(days=rnd.randrange(1, 20))
        elif age > 3:
            registered = received + dt.timedelta(days=min(age, rnd.randrange(1, 18)))
            if (TODAY - registered).days > 10 and rnd.random() < 0.9:
                closed = registered + dt.timedelta(days=rnd.randrange(5, 95))
                state = "已办结"
                rating = rnd.choices(("满意", "基本满意", "不满意", ""), (50, 25, 10, 15))[0]
            else:
                state = "已登记"
        if closed is not None and closed >= TODAY:
            closed, state, rating = None, "已登记" if registered else "已提交", ""
        code = f"B{i:09d}"
        prefilings.append(dict(
            id=i + 1, code=code, secret_hash="x" * 64, idempotency_token=uuid.uuid4().hex, state=state,
            category=category, restricted=category == "检举控告", district=rnd.choice(DISTRICTS),
            raised_before=rnd.random() < 0.3, raised_stage="", channels=rnd.choice(CHANNELS),
            submitted_at=_at(received, rnd), received_date=received, registered_date=registered,
            official_number="", reject_reason="", reject_channel="",
            closed_at=_at(closed, rnd) if closed else None, rating=rating,
            updated_at=_at(received, rnd), version=1))
        events.append(dict(prefiling_id=i + 1, at=_at(received, rnd), action="submit", from_state="草稿",
                           to_state="已提交", actor="信访人"))
        if registered:
            events.append(dict(prefiling_id=i + 1, at=_at(registered, rnd), action="register", from_state="已提交",
                               to_state="已登记", actor="bench"))
        if closed:
            action = {"已办结": "close", "不予登记": "reject", "已撤回": "withdraw"}[state]
            events.append(dict(prefiling_id=i + 1, at=_at(closed, rnd), action=action,
                               from_state="已登记" if registered else "已提交", to_state=state, actor="bench"))
    with engine.begin() as conn:
        for chunk in range(0, len(prefilings), 5000):
            conn.execute(insert(Prefiling.__table__), prefilings[chunk:chunk + 5000])
        for chunk in range(0, len(events), 5000):
            conn.execute(insert(PrefilingEvent.__table__), events[chunk:chunk + 5000])


def timed(call, repeat: int, *args) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        call(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def run(engine, label: str, rows: int, repeat: int, drop_indexes: bool) -> None:
    migrate(engine=engine)
    t0 = time.perf_counter()
    seed(engine, rows)
    print(f"\n{label}: seeded {rows:,} pre-filings with events in {time.perf_counter() - t0:.1f} s")
    if drop_indexes:
        with engine.begin() as conn:
            for name in ("ix_prefiling_received_date", "ix_prefiling_registered_date"):
                conn.execute(text(f"DROP INDEX {name}"))
        print("(0009_bulletin date indexes dropped)")
    month, year = month_period(2026, 11), Period(dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    with Session(engine) as s:
        queries = {
            "intake": lambda p: figures.intake(session=s, actor=ACTOR, period=p),
            "timeliness": lambda p: figures.timeliness(session=s, actor=ACTOR, period=p, today=TODAY),
            "outcomes": lambda p: figures.outcomes(session=s, actor=ACTOR, period=p),
            "due_lists": lambda p: figures.due_lists(session=s, actor=ACTOR, day=TODAY),
            "legal_education": lambda p: figures.legal_education(session=s, actor=ACTOR, period=p),
        }
        print(f"{'query':<22}{'last month (s)':>16}{'12 months (s)':>16}")
        for name, call in queries.items():
            print(f"{name:<22}{timed(call, repeat, month):>16.3f}{timed(call, repeat, year):>16.3f}")
        whole = timed(lambda: bulletin.to_html(bulletin.monthly_bulletin(
            session=s, actor=ACTOR, year=2026, month=11, today=TODAY)), repeat)
        print(f"{'月通报 (2 months+HTML)':<22}{whole:>16.3f}{'':>16}")
        n = figures.intake(session=s, actor=ACTOR, period=month).total
        print(f"(last month: {n:,} pre-filings received)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-indexes", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        run(engine, "SQLite", args.rows, args.repeat, args.no_indexes)
        engine.dispose()
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if admin_url:
        with throwaway_postgres(admin_url, "bench_dashboard") as url:
            engine = make_engine(url)
            run(engine, "PostgreSQL", args.rows, args.repeat, args.no_indexes)
            engine.dispose()


if __name__ == "__main__":
    main()
