"""A PostgreSQL host that dies or drops off the network answers nothing, not even a reset. The
portal's statements then fail after about ten seconds (libpq's tcp_user_timeout) and the page says
so, instead of every page waiting the quarter of an hour TCP takes to give up.

The database runs in a network namespace of its own behind a veth pair (nothing else on the
machine sees it); taking its end of the link down is the host dying. Needs root and iproute2, as
CI has."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portal.db import make_engine

pytestmark = pytest.mark.slow


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@pytest.fixture
def database_behind_a_link():
    """(url, cut): a PostgreSQL server at the far end of a veth pair; cut() takes its link down."""
    bin_dir = _pg_bin()
    if os.geteuid() != 0 or shutil.which("ip") is None or bin_dir is None:
        pytest.skip("needs root, iproute2 and PostgreSQL's server (CI has them)")
    tag = f"{os.getpid() % 10000}{random.randrange(100)}"
    ns, near, far = f"pgdead{tag}", f"vpn{tag}", f"vpf{tag}"
    net = f"10.{random.randrange(64, 250)}.{random.randrange(1, 250)}"
    data = Path(tempfile.mkdtemp(prefix="pgdead-"))   # pytest's folders are root's only: postgres cannot enter
    shutil.chown(data, "postgres")

    def sh(*args: str, ns_: str | None = None) -> None:
        subprocess.run([*(["ip", "netns", "exec", ns_] if ns_ else []), *args], check=True, capture_output=True)

    def as_postgres(command: str, ns_: str | None = None) -> None:
        sh("su", "postgres", "-s", "/bin/sh", "-c", command, ns_=ns_)

    try:
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", near, "type", "veth", "peer", "name", far)
        sh("ip", "link", "set", far, "netns", ns)
        sh("ip", "addr", "add", f"{net}.1/24", "dev", near)
        sh("ip", "link", "set", near, "up")
        sh("ip", "addr", "add", f"{net}.2/24", "dev", far, ns_=ns)
        sh("ip", "link", "set", far, "up", ns_=ns)
        as_postgres(f"{bin_dir}/initdb -D {data}/d -U postgres --auth=trust -E UTF8 --locale=C.UTF-8")
        with open(data / "d" / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {net}.0/24 trust\n")
        as_postgres(f"{bin_dir}/pg_ctl -D {data}/d -l {data}/log -w -o \"-h {net}.2 -p 5432 -k {data}\" start", ns_=ns)
        yield (f"postgresql+psycopg://postgres@{net}.2:5432/postgres",
               lambda: sh("ip", "link", "set", far, "down", ns_=ns))
    finally:
        subprocess.run(["ip", "netns", "exec", ns, "su", "postgres", "-s", "/bin/sh", "-c",
                        f"{bin_dir}/pg_ctl -D {data}/d -m immediate stop"], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", near], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_a_statement_to_a_dead_database_host_fails_instead_of_hanging(database_behind_a_link):
    url, cut = database_behind_a_link
    engine = make_engine(url)
    conn = engine.connect()
    conn.execute(text("SELECT 1"))
    cut()
    outcome: list[BaseException | str] = []

    def query() -> None:
        try:
            conn.execute(text("SELECT 2"))
            outcome.append("answered")
        except BaseException as exc:  # collected for the assertion below
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=query, daemon=True)
    worker.start()
    worker.join(timeout=120)   # TCP alone would wait about 15 minutes
    # a hung connection is left as it is (closing it would hang too): the fixture removes the host
    assert not worker.is_alive(), "the statement to a dead host still hangs after two minutes"
    assert len(outcome) == 1 and isinstance(outcome[0], OperationalError), outcome
    print(f"gave up after {time.monotonic() - started:.1f} s")
    conn.invalidate()
    engine.dispose()
