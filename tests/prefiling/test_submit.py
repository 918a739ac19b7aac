"""Submitting: encryption at rest, one record per form, concurrency on SQLite and PostgreSQL."""

import os
import stat
import uuid

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from portal.prefiling.crypto import Cipher, get_cipher, write_key_file
from portal.prefiling.models import Prefiling, PrefilingEvent, PrefilingPerson
from portal.prefiling.ratelimit import RateLimited
from portal.prefiling.states import SUBMITTED
from portal.settings import get_settings
from tests.prefiling.factories import client, in_threads, make_form, make_prefiling, valid_id


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_personal_fields_are_not_in_the_database_in_plain(db_engine):
    id_number = valid_id()
    agent = {"name": "代理人李四", "relation": "律师", "phone": "13911112222"}
    with Session(db_engine) as s:
        result = make_prefiling(s, id_number=id_number, phone="13812345678", name="王大妈",
                                address="幸福路88号", agents=[agent])
        assert result.prefiling.state == SUBMITTED
    with db_engine.connect() as conn:
        raw = " ".join(str(v) for table in ("prefiling", "prefiling_person", "prefiling_event")
                       for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row)
    # the complaint text (who is accused, the request, the facts, the reply) is encrypted too
    for secret in (id_number, "13812345678", "王大妈", "幸福路88号", "代理人李四", "13911112222",
                   result.secret, "某物业公司", "修复漏水的屋顶", "多次找物业公司未修", "预登记已收到"):
        assert secret not in raw
    assert "申诉求决" in raw and "历下区" in raw  # what staff filter on stays readable
    with Session(db_engine) as s:
        row = s.exec(select(Prefiling)).one()
        assert get_cipher().decrypt(row.id_number_enc) == id_number


def test_key_file_is_created_private_and_never_overwritten(tmp_path):
    path = tmp_path / "keys" / "portal.key"
    assert write_key_file(path) is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = path.read_text()
    assert write_key_file(path) is False and path.read_text() == first
    cipher = Cipher([first.strip()])
    assert cipher.decrypt(cipher.encrypt("370102196503150012")) == "370102196503150012"


def test_configured_key_file_is_created_on_first_use():
    path = get_settings().encryption_key_file
    get_cipher()
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_rotated_keys_still_read_old_data():
    from portal.prefiling.crypto import new_key

    k1, k2 = new_key(), new_key()
    old = Cipher([k1])
    token, mac = old.encrypt("13812345678"), old.mac("CODE:SECRET")
    new = Cipher([k2, k1])
    assert new.decrypt(token) == "13812345678" and new.mac_matches("CODE:SECRET", mac)


def test_the_same_form_submitted_twice_is_stored_once(db_engine):
    token = uuid.uuid4().hex
    with Session(db_engine) as s:
        first = make_prefiling(s, token=token)
        again = make_prefiling(s, token=token)
        assert not first.duplicate and again.duplicate and again.code == first.code
        assert count(s, Prefiling) == 1 and count(s, PrefilingEvent) == 1


def test_submissions_are_rate_limited_per_session_and_per_address(db_engine):
    with Session(db_engine) as s:
        me = client("same-session")
        for _ in range(3):
            make_prefiling(s, who=me)
        with pytest.raises(RateLimited, match="一小时内最多提交3份"):
            make_prefiling(s, who=me)
        for i in range(20):
            make_prefiling(s, who=client(f"s{i}", ip="10.0.0.9"))
        with pytest.raises(RateLimited):
            make_prefiling(s, who=client("fresh", ip="10.0.0.9"))
        assert count(s, Prefiling) == 23


def test_fifty_concurrent_submissions_are_all_stored_once(db_engine):
    get_cipher()
    ids = [valid_id() for _ in range(50)]
    codes: list[str] = []

    def one(i):
        with Session(db_engine) as s:
            codes.append(make_prefiling(s, id_number=ids[i], who=client(f"c{i}", ip=f"10.1.0.{i}")).code)

    assert in_threads(50, one)[1] == []
    with Session(db_engine) as s:
        rows = s.exec(select(Prefiling)).all()
        stored = sorted(get_cipher().decrypt(r.id_number_enc) for r in rows)
        assert stored == sorted(ids)
        assert len({r.code for r in rows}) == 50 and sorted(codes) == sorted(r.code for r in rows)
        assert count(s, PrefilingEvent) == 50


def test_fifty_concurrent_clicks_on_one_form_make_one_record(db_engine):
    get_cipher()
    token = uuid.uuid4().hex
    results = []

    def one(i):
        with Session(db_engine) as s:
            results.append(make_prefiling(s, token=token, who=client(f"d{i}", ip=f"10.2.0.{i}")))

    assert in_threads(50, one)[1] == []
    with Session(db_engine) as s:
        assert count(s, Prefiling) == 1 and count(s, PrefilingEvent) == 1
    assert len({r.code for r in results}) == 1
    assert sum(1 for r in results if not r.duplicate) == 1


def test_agents_and_representatives_are_kept_in_order(db_engine):
    reps = [{"name": f"代表{i}", "phone": f"1370000000{i}"} for i in range(5)]
    with Session(db_engine) as s:
        make_prefiling(s, representatives=reps)
        rows = s.exec(select(PrefilingPerson).order_by(PrefilingPerson.position)).all()
        assert [r.role for r in rows] == ["代表人"] * 5
        assert [get_cipher().decrypt(r.name_enc) for r in rows] == [f"代表{i}" for i in range(5)]


def test_factory_form_is_valid():
    from portal.prefiling.form import validate_all

    assert validate_all(make_form()) == []


def test_a_form_sent_again_and_again_is_never_refused_as_too_many(db_engine):
    """Reruns and double clicks of one stored form (one token) are not new submissions: the
    citizen who clicked five times gets their one record back, not 一小时内最多提交3份."""
    token, me = uuid.uuid4().hex, client("clicker")
    with Session(db_engine) as s:
        first = make_prefiling(s, token=token, who=me)
        again = [make_prefiling(s, token=token, who=me) for _ in range(5)]
        assert all(r.duplicate and r.code == first.code for r in again)
        assert count(s, Prefiling) == 1
        make_prefiling(s, who=me)   # and two fresh ones are still allowed this hour
        make_prefiling(s, who=me)


def test_a_report_against_officials_is_restricted_and_the_received_day_is_beijings(db_engine, monkeypatch):
    """检举控告 is stored restricted (only authorised staff read it); a form sent at 00:30 on
    6 December in Beijing (16:30 UTC on the 5th) was received on 6 December."""
    import datetime as dt

    from portal.prefiling import service

    monkeypatch.setattr(service, "utcnow", lambda: dt.datetime(2026, 12, 5, 16, 30, tzinfo=dt.UTC))
    with Session(db_engine) as s:
        report = make_prefiling(s, category="检举控告").prefiling
        plain = make_prefiling(s).prefiling
        assert report.restricted and not plain.restricted
        assert report.received_date == dt.date(2026, 12, 6)


def test_submit_checks_the_form_again_whoever_calls_it(db_engine):
    import dataclasses

    from portal.field_errors import ValidationFailed
    from portal.prefiling import form as form_mod
    from portal.prefiling.service import submit

    bad = dataclasses.replace(form_mod.to_create(make_form()), phone="12345")
    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed):
            submit(session=s, data=bad, idempotency_token=uuid.uuid4().hex, client=client())
        assert count(s, Prefiling) == 0
