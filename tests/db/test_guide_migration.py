"""Migration 0013 (信访指南 structure) up and down on SQLite and PostgreSQL: stored sections come
through in the order the page showed them, all still published, and nothing is lost going back."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.migrate import alembic_config, current_revision, head_revision

BEFORE = "0012_guide_sections"


def _insert(conn, slug: str, position: int) -> None:
    conn.execute(text("INSERT INTO guide_section (slug, title, body, show_timeline, position, revision, updated_by,"
                      " updated_at) VALUES (:slug, :slug, '正文', false, :position, 1, '系统导入',"
                      " '2026-06-01 02:00:00')"), {"slug": slug, "position": position})


def _rows(engine, columns: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT {columns} FROM guide_section ORDER BY position, slug"))]


def test_the_guide_migration_keeps_the_order_publishes_all_and_goes_back_without_loss(db_engine):
    config = alembic_config(db_engine)
    command.downgrade(config, BEFORE)
    with db_engine.begin() as conn:   # places as 0012 allowed them: a gap and a shared place
        for slug, position in (("c-jie", 7), ("a-jie", 3), ("b-jie", 3), ("d-jie", 9)):
            _insert(conn, slug, position)
    command.upgrade(config, "head")
    assert current_revision(db_engine) == head_revision()
    assert _rows(db_engine, "slug, position, state") == [
        ("a-jie", 1, "已发布"), ("b-jie", 2, "已发布"), ("c-jie", 3, "已发布"), ("d-jie", 4, "已发布")]
    with pytest.raises(IntegrityError), db_engine.begin() as conn:   # no two sections in one place now
        _insert(conn, "e-jie", 2)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE guide_section SET state = '已撤回' WHERE slug = 'b-jie'"))
    command.downgrade(config, BEFORE)
    assert _rows(db_engine, "slug, position") == [("a-jie", 1), ("b-jie", 2), ("c-jie", 3), ("d-jie", 4)]
    with db_engine.begin() as conn:   # the older schema: places need not be unique
        _insert(conn, "e-jie", 2)
    command.upgrade(config, "head")
    assert [r[0] for r in _rows(db_engine, "slug")] == ["a-jie", "b-jie", "e-jie", "c-jie", "d-jie"]
