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


def test_a_target_missing_a_table_is_refused_by_name_and_left_empty(db_engine, tmp_path):
    """A target at the newest schema version but without one of its tables (dropped by hand, or a
    tool that made only some tables) is refused with the table's name, before anything is written."""
    source, _ = _installation(tmp_path)
    with db_engine.begin() as conn:
        conn.execute(text("DROP TABLE prefiling_repeat"))
    with pytest.raises(CopyRefused, match="missing.*prefiling_repeat"):
        copy_data(source=source, target=db_engine)
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM prefiling")).scalar() == 0


def test_an_installation_on_an_older_schema_is_brought_up_to_date_and_copied(db_engine, tmp_path):
    """An installation not yet upgraded (here: before the 重复信访 tables) is migrated first, so
    its rows arrive in the new database and are read there as before."""
    from alembic import command

    from portal.migrate import alembic_config
    from portal.prefiling import repeats

    source, made = _installation(tmp_path)
    repeats._WORKER.submit(lambda: None).result(timeout=120)
    command.downgrade(alembic_config(source), "0009_bulletin")
    report = copy_data(source=source, target=db_engine)
    assert report.rows["prefiling"] == 2
    assert report.rows["prefiling_signature"] == 2        # the upgrade's backfill, copied too
    with Session(db_engine) as s:
        view = lookup.lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert view.official_number == "示信2026-00001"
