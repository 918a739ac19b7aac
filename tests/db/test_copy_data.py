"""`python -m portal copy-data --to URL`: an installation's data moved into a new database keeps
working there — lookups read the personal data with the same key, new rows get fresh ids, the
audit log stays append-only — and a database that is not empty is refused (ops drill, session 33:
pgloader made tables without sequences or triggers)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from portal.audit.models import AuditEntry
from portal.copydata import CopyRefused, copy_data
from portal.db import make_engine
from portal.identity import Actor
from portal.migrate import migrate
from portal.prefiling import lookup, staff
from portal.roles import HANDLER
from tests.prefiling.factories import client, make_prefiling

CLERK = Actor("clerk", frozenset({HANDLER}))


def _installation(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old' / 'portal.db'}")
    migrate(engine=engine)
    with Session(engine, expire_on_commit=False) as s:
        made = make_prefiling(s, name="张秀兰")
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number="示信2026-00001")
        make_prefiling(s)
    return engine, made


def test_the_copy_works_in_the_new_database(db_engine, tmp_path):
    source, made = _installation(tmp_path)
    report = copy_data(source=source, target=db_engine)
    assert report.rows["prefiling"] == 2 and report.rows["audit_entry"] >= 1
    with Session(db_engine, expire_on_commit=False) as s:
        audits = s.exec(select(func.count()).select_from(AuditEntry)).one()[0]
        view = lookup.lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert view.official_number == "示信2026-00001" and view.state == "已登记"
        assert staff.staff_view(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reveal=True).name == "张秀兰"
        third = make_prefiling(s)                        # ids continue after the copied ones
        assert third.prefiling.id == 3
    assert audits == report.rows["audit_entry"]
    with pytest.raises(Exception, match="append-only"), db_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry"))


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(db_engine, tmp_path):
    source, _ = _installation(tmp_path)
    with Session(db_engine) as s:
        make_prefiling(s)
    with pytest.raises(CopyRefused, match="not empty"):
        copy_data(source=source, target=db_engine)
    with Session(db_engine) as s:
        assert s.exec(text("SELECT COUNT(*) FROM prefiling")).one()[0] == 1


def test_every_row_of_every_table_arrives_however_many_batches_it_takes(db_engine, tmp_path, monkeypatch):
    """Nothing lost: each portal table holds in the new database exactly the rows it held in the
    old one, also when a table is read in several batches (one row at a time here), and the report
    names every table."""
    from portal import copydata
    from portal.models import metadata
    from portal.prefiling import repeats

    source, _ = _installation(tmp_path)
    repeats._WORKER.submit(lambda: None).result(timeout=120)   # the 重复信访 links are written first
    monkeypatch.setattr(copydata, "BATCH", 1)
    tables = [t.name for t in metadata().sorted_tables]

    def counts(engine):
        with engine.connect() as conn:
            return {n: conn.execute(select(func.count()).select_from(text(f'"{n}"'))).scalar() for n in tables}

    before = counts(source)
    assert before["prefiling"] == 2                                  # two batches at BATCH = 1
    report = copy_data(source=source, target=db_engine)
    assert report.rows == before
    assert counts(db_engine) == before
