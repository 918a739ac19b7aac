"""Probe: the attacks of issue 12 part A replayed against the services, figures printed.

    python scripts/probe_hardening.py [--trials 20]

On a fresh SQLite file and, when TEST_POSTGRES_URL is set, on a fresh PostgreSQL database:
two staff transitions at once and a citizen's 撤回 against a 登记 (double transitions out of N
trials), 10 parallel submissions from one session (limit 3), 20 parallel wrong lookups from one
session (limit 5), wrong lookups each from a new session behind a proxy or without an address,
8 parallel wrong passwords (failures counted), and whether anyone can still lock an account.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_TMP = Path(tempfile.mkdtemp(prefix="probe-"))
os.environ.setdefault("PORTAL_ENCRYPTION_KEY_FILE", str(_TMP / "probe.key"))
os.environ["PORTAL_DATA_DIR"] = str(_TMP / "data")

from benchkit import throwaway_postgres  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from portal.audit.models import AuditEntry  # noqa: E402
from portal.clientaddr import client_address  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.identity import Actor  # noqa: E402
from portal.migrate import migrate  # noqa: E402
from portal.prefiling import codes, staff  # noqa: E402
from portal.prefiling import form as F  # noqa: E402
from portal.prefiling.crypto import get_cipher  # noqa: E402
from portal.prefiling.idcard import check_digit  # noqa: E402
from portal.prefiling.lookup import lookup, withdraw  # noqa: E402
from portal.prefiling.models import PrefilingEvent  # noqa: E402
from portal.prefiling.ratelimit import ClientInfo  # noqa: E402
from portal.prefiling.service import submit  # noqa: E402
from portal.roles import HANDLER  # noqa: E402
from portal.staff.auth import login  # noqa: E402
from portal.staff.models import StaffUser  # noqa: E402
from portal.staff.passwords import hash_password  # noqa: E402
from portal.timeutil import utcnow  # noqa: E402

PASSWORD = "a long enough passphrase"


def _form(i: int) -> F.PrefilingCreate:
    first17 = f"37010219650315{i % 1000:03d}"
    return F.to_create(F.empty_form() | {
        "consent": True, "name": "张秀兰", "id_number": first17 + check_digit(first17), "phone": "13812345678",
        "address": "济南市历下区文化东路1号", "district": "历下区", "category": "申诉求决",
        "subject": "某物业公司", "request": "请求修复屋顶。", "facts": "屋顶漏水。", "raised_before": "否"})


def _parallel(actions):
    barrier = threading.Barrier(len(actions))
    out = [None] * len(actions)

    def run(i, action):
        barrier.wait()
        try:
            out[i] = ("ok", action())
        except Exception as exc:  # counted below
            out[i] = (type(exc).__name__, exc)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [kind for kind, _ in out]


def _submit(engine, i, who=None):
    with Session(engine, expire_on_commit=False) as s:
        return submit(session=s, data=_form(i), idempotency_token=uuid.uuid4().hex,
                      client=who or ClientInfo(uuid.uuid4().hex, f"10.7.{i // 250}.{i % 250}"))


def _events(engine, pid):
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(PrefilingEvent).where(PrefilingEvent.prefiling_id == pid)).one()


def probe(engine, label: str, trials: int) -> None:
    get_cipher()
    wang, li = Actor("wang", frozenset({HANDLER})), Actor("li", frozenset({HANDLER}))
    doubles = 0
    for t in range(trials):
        made = _submit(engine, t)
        pid, seen = made.prefiling.id, made.prefiling.version

        def reg(pid=pid, seen=seen):
            with Session(engine) as s:
                return staff.register(session=s, actor=wang, prefiling_id=pid, official_number="XF", version=seen)

        def rej(pid=pid, seen=seen):
            with Session(engine) as s:
                return staff.reject(session=s, actor=li, prefiling_id=pid, reason="理由", channel="法院", version=seen)
        _parallel([reg, rej])
        doubles += _events(engine, pid) != 2
    print(f"[{label}] 登记 vs 不予登记: {doubles} double transitions in {trials} trials")
    doubles = 0
    for t in range(trials):
        made = _submit(engine, 100 + t)
        pid, seen = made.prefiling.id, made.prefiling.version

        def wd(made=made):
            with Session(engine) as s:
                return withdraw(session=s, code=made.code, secret=made.secret, client=ClientInfo(uuid.uuid4().hex))

        def reg(pid=pid, seen=seen):
            with Session(engine) as s:
                return staff.register(session=s, actor=wang, prefiling_id=pid, official_number="XF", version=seen)
        _parallel([wd, reg])
        doubles += _events(engine, pid) != 2
    print(f"[{label}] 撤回 vs 登记: {doubles} double transitions in {trials} trials")

    one = ClientInfo("one-session", "198.51.100.1")
    kinds = _parallel([lambda i=i: _submit(engine, 300 + i, one) for i in range(10)])
    print(f"[{label}] 10 parallel submissions from one session (limit 3): {kinds.count('ok')} stored")

    guesser = ClientInfo("guesser", "198.51.100.2")

    def guess():
        with Session(engine) as s:
            return lookup(session=s, code=codes.new_reference_code(), secret="AAAAAAAA", client=guesser)
    kinds = _parallel([guess] * 20)
    print(f"[{label}] 20 parallel wrong lookups from one session (limit 5): "
          f"{kinds.count('LookupFailed')} processed, {kinds.count('RateLimited')} refused")

    # behind a reverse proxy on the same host every request comes from 127.0.0.1 (Streamlit reports
    # no address for it; the portal takes it as 127.0.0.1) and a reload is a new session
    behind_proxy = client_address(peer="127.0.0.1", forwarded_for=["203.0.113.77"])
    for label_, ip, n in (("a new session each, behind a proxy on the same host (per address: 30)", behind_proxy, 60),
                          ("a new session each, no address at all (global: 300)", "", 320)):
        processed = 0
        for _ in range(n):
            with Session(engine) as s:
                try:
                    lookup(session=s, code=codes.new_reference_code(), secret="X",
                           client=ClientInfo(uuid.uuid4().hex, ip))
                except Exception as exc:
                    processed += type(exc).__name__ == "LookupFailed"
        print(f"[{label}] {n} wrong lookups, {label_}: {processed} processed")

    with Session(engine) as s:
        now = utcnow()
        s.add(StaffUser(username="admin", password_hash=hash_password(PASSWORD), roles="管理员",
                        created_at=now, updated_at=now))
        s.commit()

    def wrong(i):
        with Session(engine) as s:
            out = login(session=s, username="admin", password=f"wrong {i}",
                        client=ClientInfo(uuid.uuid4().hex, f"203.0.113.{i}"))
            s.commit()
            return out
    _parallel([lambda i=i: wrong(i) for i in range(8)])
    with Session(engine) as s:
        checked = s.exec(select(func.count()).select_from(AuditEntry)
                         .where(AuditEntry.action == "login_failed", AuditEntry.detail == "用户名或密码不正确")).one()
    print(f"[{label}] 8 parallel wrong passwords: {checked} checked against the hash, "
          f"{8 - checked} refused unchecked (5 free, then growing delays)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{_TMP / 'probe.db'}")
    migrate(engine=engine)
    probe(engine, "sqlite", args.trials)
    admin_url = os.environ.get("TEST_POSTGRES_URL")
    if admin_url:
        with throwaway_postgres(admin_url, "probe") as url:
            pg = make_engine(url)
            try:
                migrate(engine=pg)
                probe(pg, "postgresql", args.trials)
            finally:
                pg.dispose()


if __name__ == "__main__":
    main()
