"""Shipped cases (content/cases/*.md) into the database on start, and published cases back out."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from portal.audit.service import EXPORT, record
from portal.cases import lifecycle
from portal.cases.content import parse_case_text, to_case_text, validate_draft
from portal.cases.models import TypicalCase
from portal.cases.service import draft_of, store_case
from portal.identity import Actor, require
from portal.laws.library import Library
from portal.roles import ADMIN, EDITOR
from portal.timeutil import beijing_today

log = logging.getLogger(__name__)

IMPORTER = "系统导入"
SHIPPED = "shipped"


@dataclass
class CaseImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed file, but staff edited the case: DB wins
    taken: list[str] = field(default_factory=list)  # a different case staff wrote has the file's 网址名
    refused: list[str] = field(default_factory=list)


def case_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.md")) if directory.is_dir() else []


def check_case_file(path: Path, *, library: Library) -> list[str]:
    """Every problem with a case file (format and citations), as text for the log."""
    parsed = parse_case_text(path.read_text(encoding="utf-8"), slug=path.stem)
    problems = list(parsed.errors)
    problems += [f"{e.field}: {e.message}" for e in validate_draft(parsed.draft, library=library)]
    return problems


def import_cases(*, session: Session, directory: Path, library: Library) -> CaseImportReport:
    """Idempotent: an unchanged file changes nothing; a refused file is logged and left out."""
    report = CaseImportReport()
    for path in case_files(directory):
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        parsed = parse_case_text(text, slug=path.stem)
        problems = parsed.errors + [f"{e.field}: {e.message}"
                                    for e in validate_draft(parsed.draft, library=library)]
        if problems:
            report.refused.append(f"{path.name}: {'; '.join(problems)}")
            continue
        existing = session.get(TypicalCase, parsed.slug)
        if existing is not None and existing.source != SHIPPED:
            if draft_of(existing) != parsed.draft:   # not a staff case exported back into the folder
                report.taken.append(parsed.slug)
            continue
        if existing is not None and existing.content_hash == digest:
            continue
        if existing is not None and existing.updated_by != IMPORTER:
            report.kept.append(parsed.slug)
            continue
        state = existing.state if existing else lifecycle.PUBLISHED
        case = store_case(session=session, slug=parsed.slug, draft=parsed.draft, state=state,
                          author=IMPORTER, action="导入", source=SHIPPED, content_hash=digest)
        case.published_on = parsed.published or case.published_on or beijing_today()
        (report.updated if existing else report.added).append(parsed.slug)
    for line in report.refused:
        log.error("case file refused: %s", line)
    return report


def export_cases(*, session: Session, actor: Actor, directory: Path,
                 include_shipped: bool = False) -> list[Path]:
    """Write published cases in the shipped format: those created or edited by staff, or all."""
    require(actor, EDITOR, ADMIN)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    query = select(TypicalCase).where(TypicalCase.state == lifecycle.PUBLISHED).order_by(TypicalCase.slug)
    for case in session.exec(query):
        if not include_shipped and case.source == SHIPPED and case.updated_by == IMPORTER:
            continue
        path = directory / f"{case.slug}.md"
        path.write_text(to_case_text(slug=case.slug, draft=draft_of(case), published=case.published_on),
                        encoding="utf-8")
        written.append(path)
    record(session=session, actor_name=actor.username, action=EXPORT, target=f"cases:{directory}",
           detail=f"导出 {len(written)} 个已发布案例")
    return written
