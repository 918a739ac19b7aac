"""Factories for pre-filing tests: valid ID numbers, form dicts, submitted records."""

from __future__ import annotations

import itertools
import uuid

from sqlmodel import Session

from portal.prefiling import form as form_mod
from portal.prefiling.idcard import check_digit
from portal.prefiling.ratelimit import ClientInfo
from portal.prefiling.service import SubmitResult, submit

_serial = itertools.count(100)


def valid_id(birth: str = "19650315", area: str = "370102") -> str:
    first17 = f"{area}{birth}{next(_serial) % 1000:03d}"
    return first17 + check_digit(first17)


def make_form(**changes) -> dict:
    data = form_mod.empty_form()
    data.update(consent=True, name="张秀兰", id_number=valid_id(), phone="13812345678",
                address="济南市历下区文化东路1号2单元301室", district="历下区", category="申诉求决",
                subject="某物业公司", request="请求督促物业公司修复漏水的屋顶。",
                facts="2026年6月起屋顶漏水，多次找物业公司未修。", raised_before="否")
    data.update(changes)
    return data


def client(name: str | None = None, ip: str = "") -> ClientInfo:
    return ClientInfo(session_id=name or uuid.uuid4().hex, ip=ip)


def make_prefiling(session: Session, *, token: str | None = None, who: ClientInfo | None = None,
                   **changes) -> SubmitResult:
    data = form_mod.to_create(make_form(**changes))
    return submit(session=session, data=data, idempotency_token=token or uuid.uuid4().hex,
                  client=who or client())


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def make_with_attachment(session: Session, data: bytes = PDF, **changes) -> SubmitResult:
    """A submitted pre-filing carrying one stored (encrypted) attachment."""
    from portal.prefiling.attachments import store
    from portal.prefiling.crypto import get_cipher
    from portal.settings import get_settings

    entry = store(data=data, directory=get_settings().attachments_dir, cipher=get_cipher())
    return make_prefiling(session, attachments=[entry], **changes)


def in_threads(n: int, target) -> tuple[list, list[Exception]]:
    """Run target(0..n-1) on n threads at once; (results, errors) collected for the caller to assert."""
    import threading

    results, errors = [], []

    def wrapped(i):
        try:
            results.append(target(i))
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def days_left_today(period_days: int) -> int:
    """Days a citizen or staff member reads today for a period of `period_days` starting today:
    counted to the real last day (a last day on a rest day moves on, 民法典 第二百零三条)."""
    import datetime as dt

    from portal.clock import last_day
    from portal.timeutil import beijing_today

    today = beijing_today()
    return (last_day(today + dt.timedelta(days=period_days)) - today).days
