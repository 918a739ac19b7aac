"""Anonymous counters (portal.counters): concurrent readers of one case are all counted."""

from __future__ import annotations

from portal.db import session_scope
from portal.search.stats import most_opened, record_open
from portal.stats.reads import most_read, record_read
from tests.prefiling.factories import in_threads


def test_parallel_reads_of_a_new_case_are_all_counted(db_engine):
    def read(_i: int) -> None:
        for _ in range(5):
            with session_scope(db_engine) as session:
                record_read(session=session, slug="new-case")

    _results, errors = in_threads(6, read)
    assert errors == []
    with session_scope(db_engine) as session:
        record_open(session=session, provision_id="xinfang-gongzuo-tiaoli-2022:第三十二条")
    with session_scope(db_engine) as session:
        assert most_read(session=session) == [("new-case", 30)]
        assert most_opened(session=session) == [("xinfang-gongzuo-tiaoli-2022:第三十二条", 1)]
