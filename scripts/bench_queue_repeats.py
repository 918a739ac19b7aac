"""Benchmark: the queue's 重复信访 counts (`repeats.repeat_marks`) on a large table, counting the
links of the filtered queue's rows only (the queue's query as a subquery) against reading every
link and filtering in Python (what it did before).

    python scripts/bench_queue_repeats.py [--rows 100000] [--repeat 5]

Seeds a throw-away SQLite file (and PostgreSQL when TEST_POSTGRES_URL is set) with the pre-filings
of scripts/bench_dashboard.py and one 疑似重复 / 已确认 / 已排除 link for every fifth of them, then
prints the best of `--repeat` timings for a queue filtered to one 问题属地 and state.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PORTAL_ENCRYPTION_KEY_FILE", str(Path(tempfile.mkdtemp()) / "bench.key"))

from bench_dashboard import seed, timed  # noqa: E402
from benchkit import load, throwaway_postgres  # noqa: E402
from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from portal.db import make_engine  # noqa: E402
from portal.identity import Actor  # noqa: E402
from portal.migrate import migrate  # noqa: E402
from portal.prefiling import repeats  # noqa: E402
from portal.prefiling.models import Prefiling  # noqa: E402
from portal.prefiling.repeats_models import PrefilingRepeat  # noqa: E402
from portal.roles import HANDLER  # noqa: E402

CLERK = Actor("bench", frozenset({HANDLER}))


def link_some(engine, share: int = 5) -> int:
    rnd = random.Random(11)
    with Session(engine) as s:
        ids = list(s.exec(select(Prefiling.id).order_by(Prefiling.id)))
    rows = [{"prefiling_id": later, "earlier_id": rnd.choice(ids[:n]), "same_petitioner": True, "version": 1,
             "state": rnd.choices((repeats.PENDING, repeats.CONFIRMED, repeats.DISMISSED), (6, 2, 2))[0]}
            for n, later in enumerate(ids) if n and n % share == 0]
    with engine.begin() as conn:
        for chunk in range(0, len(rows), 5000):
            conn.execute(insert(PrefilingRepeat.__table__), rows[chunk:chunk + 5000])
    return len(rows)


def every_link(session: Session, wanted: set[int]) -> dict:
    """Before: every link of the table counted, the queue's rows picked out in Python."""
    later, earlier = Prefiling.__table__.alias("later"), Prefiling.__table__.alias("earlier")
    query = (select(PrefilingRepeat.prefiling_id, PrefilingRepeat.state, func.count())
             .join(later, later.c.id == PrefilingRepeat.prefiling_id)
             .join(earlier, earlier.c.id == PrefilingRepeat.earlier_id)
             .where(col(PrefilingRepeat.state).in_([repeats.PENDING, repeats.CONFIRMED]),
                    later.c.restricted.is_(False), earlier.c.restricted.is_(False))
             .group_by(PrefilingRepeat.prefiling_id, PrefilingRepeat.state))
    return {(pid, state): n for pid, state, n in session.exec(query) if pid in wanted}


def run(engine, label: str, rows: int, repeat: int) -> None:
    migrate(engine=engine)
    seed(engine, rows)
    links = link_some(engine)
    with Session(engine) as s:
        query = select(Prefiling).where(Prefiling.district == "槐荫区", Prefiling.state == "已提交")
        ids = list(s.exec(query.with_only_columns(col(Prefiling.id))))
        now = repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=ids, among=query)
        before = every_link(s, set(ids))
        assert {(pid, st): n for pid, m in now.items()
                for st, n in ((repeats.PENDING, m.pending), (repeats.CONFIRMED, m.confirmed)) if n} == before
        print(f"\n{label}: {rows:,} pre-filings, {links:,} links; the queue filtered to 槐荫区 · 已提交 shows "
              f"{len(ids):,} rows ({len(now):,} with a mark); load average {load():.2f}")
        print(f"  every link, picked out in Python (before): {timed(lambda: every_link(s, set(ids)), repeat):.3f} s")
        print(f"  the filtered rows' links only (now):        "
              f"{timed(lambda: repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=ids, among=query), repeat):.3f} s")
        everything = select(Prefiling)   # the unfiltered queue: every row is shown, so every link is read
        all_ids = list(s.exec(everything.with_only_columns(col(Prefiling.id))))
        print(f"  unfiltered queue ({len(all_ids):,} rows), before / now:      "
              f"{timed(lambda: every_link(s, set(all_ids)), repeat):.3f} s / "
              f"{timed(lambda: repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=all_ids, among=everything), repeat):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        run(engine, "SQLite", args.rows, args.repeat)
        engine.dispose()
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if admin_url:
        with throwaway_postgres(admin_url, "bench_queue_repeats") as url:
            engine = make_engine(url)
            run(engine, "PostgreSQL", args.rows, args.repeat)
            engine.dispose()


if __name__ == "__main__":
    main()
