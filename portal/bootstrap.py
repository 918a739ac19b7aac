"""Bring a fresh or existing installation up to date: schema, then shipped content."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from portal.cases.importer import CaseImportReport, import_cases
from portal.db import session_scope
from portal.laws.importer import ImportReport, import_library
from portal.laws.library import LibraryLoad, load_library_report
from portal.migrate import migrate
from portal.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class BootstrapReport:
    """What start-up did: the law and case imports, and any file refused (law or case)."""

    laws: ImportReport
    refused: list[str] = field(default_factory=list)
    cases: CaseImportReport = field(default_factory=CaseImportReport)


def bootstrap(*, engine: Engine, settings: Settings) -> BootstrapReport:
    """Migrate the schema and import the shipped content; idempotent."""
    migrate(engine=engine)
    loaded: LibraryLoad = load_library_report(settings.laws_dir)
    for error in loaded.errors:
        log.error("law file refused: %s", error)
    with session_scope(engine) as session:
        report = import_library(session=session, library=loaded.library)
    with session_scope(engine) as session:
        cases = import_cases(session=session, directory=settings.cases_dir, library=loaded.library)
    return BootstrapReport(laws=report, refused=[str(e) for e in loaded.errors] + cases.refused,
                           cases=cases)
