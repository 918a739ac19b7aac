"""A failed statement's error reaches the server's log (an uncaught page error, a storage failure):
it must not carry the values written, which are a citizen's words or a staff member's reasons."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError


def test_a_failed_write_names_no_values_in_its_error(db_engine):
    reason = "张秀兰与王建国系民事纠纷，王建国电话13911112222"
    with db_engine.begin() as c:
        c.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, note VARCHAR(200) NOT NULL)"))
        c.execute(text("INSERT INTO probe (id, note) VALUES (1, :note)"), {"note": "first"})
    with pytest.raises(IntegrityError) as failed, db_engine.begin() as c:
        c.execute(text("INSERT INTO probe (id, note) VALUES (1, :note)"), {"note": reason})
    message = str(failed.value)
    assert "INSERT INTO probe" in message          # still says which statement failed
    assert "13911112222" not in message and "王建国" not in message
