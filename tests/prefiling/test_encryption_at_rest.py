"""Complaint text encrypted at rest: the migration encrypts rows written before it, the ORM reads
them back, retention still erases, and the data folder and SQLite file are private."""

from __future__ import annotations

import stat

from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from portal.db import make_engine
from portal.migrate import alembic_config
from portal.prefiling.models import Prefiling, PrefilingEvent

PLAIN = {"subject": "某某局张科长", "request": "请求撤销处罚决定", "facts": "2026年5月被罚款五千元",
         "raised_where": "区人民政府", "rating_comment": "办得很慢",
         "reject_reason": "张秀兰与王建国系民事纠纷，王建国电话13911112222"}   # staff words name people


def _raw(engine, sql: str) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql)))


def test_migration_encrypts_existing_complaint_text(db_engine):
    config = alembic_config(db_engine)
    command.downgrade(config, "0006_question_bank")  # a database from before the hardening
    with db_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO prefiling (id, code, secret_hash, idempotency_token, state, category, restricted,"
            " district, subject, request, facts, raised_before, raised_where, raised_stage, channels,"
            " submitted_at, received_date, official_number, reject_reason, reject_channel, rating,"
            " rating_comment, updated_at) VALUES (1, 'ABCDEFGHJK', 'h', 't', '已办结', '申诉求决', false,"
            " '历下区', :subject, :request, :facts, true, :raised_where, '', '', '2026-06-01 02:00:00',"
            " '2026-06-01', '', :reject_reason, '', '不满意', :rating_comment, '2026-06-01 02:00:00')"), PLAIN)
        conn.execute(text(
            "INSERT INTO prefiling_event (prefiling_id, at, action, from_state, to_state, actor, reply)"
            " VALUES (1, '2026-06-02 02:00:00', 'close', '已登记', '已办结', 'clerk', '经查，处罚决定已撤销。')"))
        conn.execute(text(
            "INSERT INTO prefiling_event (prefiling_id, at, action, from_state, to_state, actor, reply)"
            " VALUES (1, '2026-06-01 02:00:00', 'submit', '草稿', '已提交', '信访人', '')"))
    command.upgrade(config, "head")
    raw = " ".join(str(v) for table in ("prefiling", "prefiling_event")
                   for row in _raw(db_engine, f"SELECT * FROM {table}") for v in row)
    for value in [*PLAIN.values(), "处罚决定已撤销"]:
        assert value not in raw
    assert "历下区" in raw and "申诉求决" in raw  # the columns staff filter on stay as they were
    with Session(db_engine) as s:
        p = s.exec(select(Prefiling)).one()
        assert {k: getattr(p, k) for k in PLAIN} == PLAIN
        replies = sorted(e.reply for e in s.exec(select(PrefilingEvent)))
    assert replies == ["", "经查，处罚决定已撤销。"]  # an empty reply stays empty
    command.downgrade(config, "0006_question_bank")   # and back: the text is readable again
    assert "请求撤销处罚决定 张秀兰与王建国" in " ".join(
        str(v) for row in _raw(db_engine, "SELECT request, reject_reason FROM prefiling") for v in row)
    command.upgrade(config, "head")


def test_sqlite_file_and_data_folder_are_private(tmp_path):
    folder = tmp_path / "data"
    engine = make_engine(f"sqlite:///{folder / 'portal.db'}")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.commit()
    engine.dispose()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "portal.db").stat().st_mode) == 0o600
