"""The seed import: published, idempotent, questions citing articles the library lacks skipped
and counted (never half-imported), malformed lines refused with their line number."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.audit.service import BANK_IMPORT
from portal.qa import service
from portal.qa.importer import SEED_SOURCE, import_seed
from portal.qa.models import BankQuestion
from tests.qa.factories import ARTICLE_22, COUNSEL_ACTOR, WAGES

ROWS = [
    {"id": "s1", "query": "信访事项应当在多长时间内办结？", "gold": [ARTICLE_22]},
    {"id": "s2", "query": "合同违约要承担什么责任？", "gold": [WAGES, ARTICLE_22]},
    # one article the library ships, one it does not (an unknown law; an article past the end)
    {"id": "s3", "query": "劳动合同到期不续签有补偿吗？", "gold": [WAGES, "future-law-2030:第四十六条"]},
    {"id": "s4", "query": "土地承包经营权可以流转吗？", "gold": ["minfadian-2020:第九千条"]},
]


def _seed(tmp_path, rows, extra_lines=()):
    path = tmp_path / "seed.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_publishes_what_the_library_can_answer_and_counts_the_rest(db_engine, library, tmp_path):
    with Session(db_engine) as s:
        report = import_seed(session=s, path=_seed(tmp_path, ROWS), library=library)
        s.commit()
        assert (report.added, report.present, report.skipped, report.refused) == (2, 0, 2, [])
        assert report.missing_laws == {"future-law-2030": 1, "minfadian-2020": 1}
        stored = {q.source_ref: q for q in s.exec(select(BankQuestion))}
        assert set(stored) == {"s1", "s2"}
        assert stored["s2"].state == "已发布" and stored["s2"].source == SEED_SOURCE
        assert stored["s2"].licence == "MIT"
        assert service.provisions_of(stored["s2"]) == (WAGES, ARTICLE_22)
        # 操作日志 says it to the administrator in Chinese (it read "question bank: added 2, …")
        [logged] = [e.detail for e in s.exec(select(AuditEntry)) if e.action == BANK_IMPORT]
        assert logged == "新增 2 条，已有 0 条，跳过 2 条（条文不在法规库中），拒收 0 条"


def test_reimport_changes_nothing_and_keeps_staff_edits(db_engine, library, tmp_path):
    path = _seed(tmp_path, ROWS)
    with Session(db_engine) as s:
        import_seed(session=s, path=path, library=library)
        s.commit()
        s1 = s.exec(select(BankQuestion).where(BankQuestion.source_ref == "s1")).one()
        service.withdraw(session=s, actor=COUNSEL_ACTOR, library=library, question_id=s1.id)
        s.commit()
        again = import_seed(session=s, path=path, library=library)
        s.commit()
        assert (again.added, again.present, again.skipped) == (0, 2, 2)
        assert len(s.exec(select(BankQuestion)).all()) == 2
        assert s.get(BankQuestion, s1.id).state == "已撤回"


def test_a_skipped_question_comes_in_once_the_library_ships_its_article(db_engine, library, tmp_path):
    later = [{"id": "s3", "query": "劳动合同到期不续签有补偿吗？", "gold": [WAGES]}]
    with Session(db_engine) as s:
        assert import_seed(session=s, path=_seed(tmp_path, ROWS[2:3]), library=library).skipped == 1
        assert import_seed(session=s, path=_seed(tmp_path, later), library=library).added == 1


def test_malformed_lines_are_refused_with_their_line_number(db_engine, library, tmp_path):
    bad = ["not json", json.dumps({"id": "x", "query": "问题", "gold": []}),
           json.dumps({"query": "没有编号的问题", "gold": [ARTICLE_22]})]
    with Session(db_engine) as s:
        report = import_seed(session=s, path=_seed(tmp_path, ROWS[:1], bad), library=library)
        assert report.added == 1
        assert [r.split(":")[1] for r in report.refused] == ["2", "3", "4"]


def test_the_shipped_seed_parses_whole(library, tmp_path, db_engine):
    """Every line of content/qa/stard-train.jsonl is well-formed; the import adds or skips each."""
    from tests.conftest import ROOT

    with Session(db_engine) as s:
        report = import_seed(session=s, path=ROOT / "content" / "qa" / "stard-train.jsonl", library=library)
        assert report.refused == []
        assert report.added + report.skipped == 809
        assert report.added > 0
