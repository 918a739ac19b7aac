"""The seed of the question bank (content/qa/stard-train.jsonl) into the database at setup.

Idempotent like the cases: a question already imported (same seed id) is left alone, even if
staff edited or withdrew it; a question citing an article the library does not ship is skipped
and counted — never imported with part of its articles — and comes in on a later run once the
library has it."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from portal.audit.service import BANK_IMPORT, record
from portal.laws.ids import law_slug_of
from portal.laws.library import Library
from portal.qa import lifecycle
from portal.qa.models import BankQuestion
from portal.qa.service import MAX_CHARS, MAX_PROVISIONS, clean_provisions
from portal.timeutil import utcnow

log = logging.getLogger(__name__)

IMPORTER = "系统导入"
SEED_SOURCE = "12348 中国法律服务网 / STARD (MIT)"
SEED_LICENCE = "MIT"
SEED_FILE = "stard-train.jsonl"


@dataclass
class SeedImportReport:
    """What one import run did: added, already there, skipped (article not in the library),
    refused (malformed line, with the line number and why)."""

    added: int = 0
    present: int = 0
    skipped: int = 0
    refused: list[str] = field(default_factory=list)
    missing_laws: dict[str, int] = field(default_factory=dict)  # law slug → questions skipped

    def summary(self) -> str:
        return (f"question bank: added {self.added}, already present {self.present}, "
                f"skipped (article not in the library) {self.skipped}, refused {len(self.refused)}")

    def words(self) -> str:
        """The same, as 操作日志 shows it to the bureau's administrator."""
        return (f"新增 {self.added} 条，已有 {self.present} 条，跳过 {self.skipped} 条（条文不在法规库中），"
                f"拒收 {len(self.refused)} 条")


def _parse(line: str) -> tuple[str, str, list[str]]:
    """(seed id, question, provision ids) of one line, or ValueError saying what is wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    ref, question, gold = row.get("id"), row.get("query"), row.get("gold")
    if not isinstance(ref, str) or not ref.strip() or len(ref) > 80:
        raise ValueError("missing or bad id")
    if not isinstance(question, str) or not 1 <= len(question.strip()) <= MAX_CHARS:
        raise ValueError("missing or overlong query")
    if not isinstance(gold, list) or not gold or not all(isinstance(g, str) for g in gold):
        raise ValueError("gold must be a non-empty list of provision ids")
    ids = clean_provisions(gold)
    if len(ids) > MAX_PROVISIONS:
        raise ValueError(f"more than {MAX_PROVISIONS} provisions")
    return ref.strip(), question.strip(), ids


def import_seed(*, session: Session, path: Path, library: Library) -> SeedImportReport:
    """Import the seed file as 已发布 questions; see the module docstring for the rules."""
    report = SeedImportReport()
    if not path.is_file():
        return report
    known = set(session.exec(select(BankQuestion.source_ref).where(BankQuestion.source_ref != None)))  # noqa: E711
    now = utcnow()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            ref, question, ids = _parse(line)
        except ValueError as exc:
            report.refused.append(f"{path.name}:{number}: {exc}")
            continue
        if ref in known:
            report.present += 1
            continue
        missing = [p for p in ids if library.provision(p) is None]
        if missing:
            report.skipped += 1
            for slug in {law_slug_of(p) for p in missing}:
                report.missing_laws[slug] = report.missing_laws.get(slug, 0) + 1
            continue
        session.add(BankQuestion(question=question, provisions=json.dumps(ids, ensure_ascii=False),
                                 state=lifecycle.PUBLISHED, source=SEED_SOURCE, licence=SEED_LICENCE,
                                 source_ref=ref, created_at=now, created_by=IMPORTER,
                                 updated_at=now, updated_by=IMPORTER))
        known.add(ref)
        report.added += 1
    if report.added:
        record(session=session, actor_name=IMPORTER, action=BANK_IMPORT, target=f"bank:{path.name}",
               detail=report.words())
    for line in report.refused:
        log.error("question bank line refused: %s", line)
    return report
