"""Content import is idempotent and a changed law file updates exactly its provisions."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import Session, func, select

from portal.laws.importer import import_library
from portal.laws.library import load_library
from portal.laws.models import ProvisionRecord

LAWS = Path(__file__).resolve().parents[2] / "content" / "laws"


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_import_then_reimport_changes_nothing(db_engine, library):
    with Session(db_engine) as s:
        first = import_library(session=s, library=library)
        total = len(library.provisions)
        assert len(first.laws_added) == len(library.laws) and first.provisions_added == total
        assert _count(s, ProvisionRecord) == total
    with Session(db_engine) as s:
        again = import_library(session=s, library=library)
        assert not again.changed and again.provisions_added == again.provisions_updated == 0
        assert _count(s, ProvisionRecord) == total
        row = s.get(ProvisionRecord, "xinfang-gongzuo-tiaoli-2022:第三十二条")
        assert row.text == library.provision(row.id).text


def test_changed_law_file_updates_exactly_its_provisions(db_engine, library, tmp_path):
    with Session(db_engine) as s:
        import_library(session=s, library=library)
        before = {r.id: r.text for r in s.exec(select(ProvisionRecord))}
    for path in LAWS.glob("*.md"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "renmin-tiaojie-fa-2010.md"
    original = target.read_text(encoding="utf-8")
    line = next(ln for ln in original.split("\n") if ln.startswith("第四条\u3000"))
    target.write_text(original.replace(line, line + "（测试修改）"), encoding="utf-8")
    changed = load_library(tmp_path)
    with Session(db_engine) as s:
        report = import_library(session=s, library=changed)
        assert report.laws_updated == ["renmin-tiaojie-fa-2010"] and not report.laws_added
        assert (report.provisions_updated, report.provisions_added, report.provisions_removed) == (1, 0, 0)
        after = {r.id: r.text for r in s.exec(select(ProvisionRecord))}
    diff = {k for k in after if after[k] != before[k]}
    assert diff == {"renmin-tiaojie-fa-2010:第四条"}
    assert after["renmin-tiaojie-fa-2010:第四条"].endswith("（测试修改）")


def test_migrations_match_the_models(db_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal.models import metadata

    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata())
    assert diff == [], diff
    assert "provision" in inspect(db_engine).get_table_names()


def test_the_prefiling_model_declares_the_dashboard_date_indexes():
    """Declared on the model itself, not by whichever module happens to be imported (a fresh interpreter)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "from portal.prefiling.models import Prefiling; "
                          "print(sorted(i.name for i in Prefiling.__table__.indexes))"],
                         capture_output=True, text=True, check=True).stdout
    assert "ix_prefiling_received_date" in out and "ix_prefiling_registered_date" in out


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    from portal.db import SQLITE_BUSY_TIMEOUT_MS, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
