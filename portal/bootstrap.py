"""Bring a fresh or existing installation up to date: schema, then shipped content."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from portal.cases.importer import CaseImportReport, import_cases
from portal.citations import StaleCitation, stale_citations
from portal.clock import calendar_in
from portal.db import session_scope
from portal.filemodes import Exposed, exposed
from portal.guide.service import GuideImportReport, import_guide
from portal.holidays import HolidayFileError
from portal.laws.importer import ImportReport, import_library
from portal.laws.library import LibraryLoad, load_library_shared
from portal.migrate import SchemaUpgrade, one_at_a_time, upgrade_schema
from portal.prefiling.keycheck import key_problem
from portal.qa.importer import SEED_FILE, SeedImportReport, import_seed
from portal.schedule.service import import_schedule, load_schedule_file
from portal.settings import Settings
from portal.timeutil import beijing_today

log = logging.getLogger(__name__)


@dataclass
class BootstrapReport:
    """What start-up did: the law and case imports, and any file refused (law or case)."""

    laws: ImportReport
    refused: list[str] = field(default_factory=list)
    cases: CaseImportReport = field(default_factory=CaseImportReport)
    schedule_added: int = 0
    bank: SeedImportReport = field(default_factory=SeedImportReport)
    guide: GuideImportReport = field(default_factory=GuideImportReport)
    key_problem: str = ""   # the key cannot read the stored personal data (keycheck): nothing was done
    schema: SchemaUpgrade | None = None   # None: stopped before the schema was touched (key_problem)
    holiday_years: list[int] = field(default_factory=list)   # the years content/holidays.yaml lists
    holidays_missing: list[int] = field(default_factory=list)  # years a deadline can fall in, not listed
    exposed: list[Exposed] = field(default_factory=list)   # private files others may open (filemodes)
    stale: list[StaleCitation] = field(default_factory=list)   # published content citing articles now gone


def bootstrap(*, engine: Engine, settings: Settings) -> BootstrapReport:
    """Migrate the schema and import the shipped content; idempotent. The encryption key is checked
    first: a schema upgrade re-encrypts stored text (0007), so a missing or wrong key stops here,
    before anything is changed. MigrationFailed when the upgrade fails (portal.migrate)."""
    if problem := key_problem(engine=engine, settings=settings):
        return BootstrapReport(laws=ImportReport(), key_problem=problem)
    with one_at_a_time(engine):   # replicas started together: one imports, the others then find it done
        return _migrate_and_import(engine=engine, settings=settings)


def _migrate_and_import(*, engine: Engine, settings: Settings) -> BootstrapReport:
    schema = upgrade_schema(engine=engine)
    loaded: LibraryLoad = load_library_shared(settings.laws_dir)
    for error in loaded.errors:
        log.error("law file refused: %s", error)
    with session_scope(engine) as session:
        report = import_library(session=session, library=loaded.library)
    with session_scope(engine) as session:
        cases = import_cases(session=session, directory=settings.cases_dir, library=loaded.library)
    schedule_added = 0
    schedule_path = settings.content_dir / "schedule.yaml"
    if schedule_path.exists():
        with session_scope(engine) as session:
            schedule_added = import_schedule(session=session, schedule=load_schedule_file(schedule_path))
    with session_scope(engine) as session:   # files seed new sections; stored ones stay as staff left them
        guide = import_guide(session=session, directory=settings.content_dir / "guide")
    holidays_refused, years, missing = _holidays(settings)
    with session_scope(engine) as session:
        bank = import_seed(session=session, path=settings.content_dir / "qa" / SEED_FILE,
                           library=loaded.library)
    with session_scope(engine) as session:
        stale = stale_citations(session=session, library=loaded.library)
    for item in stale:
        log.warning("published content citing articles a law update overtook: %s", item.line())
    return BootstrapReport(laws=report, refused=[str(e) for e in loaded.errors] + cases.refused + bank.refused
                           + guide.refused + holidays_refused, cases=cases, guide=guide, schedule_added=schedule_added, bank=bank,
                           schema=schema,
                           holiday_years=years, holidays_missing=missing, exposed=exposed(settings),
                           stale=stale)


def _holidays(settings: Settings) -> tuple[list[str], list[int], list[int]]:
    """(refusal, years listed, years a deadline can fall in that are not listed) of the rest-day
    calendar: a malformed one is refused like a law file, so the server does not start counting
    deadlines without it."""
    try:
        calendar = calendar_in(settings.content_dir)   # the one the pages then count with
    except HolidayFileError as exc:
        log.error("holiday calendar refused: %s", exc)
        return [str(exc)], [], []
    return [], sorted(calendar.notices), calendar.uncovered_years(beijing_today())


_done: dict[tuple[str, str], BootstrapReport] = {}
_done_lock = threading.Lock()


def bootstrap_once(*, engine: Engine, settings: Settings) -> BootstrapReport:
    """bootstrap(), once per process for a database and content folder: the server runs it before it
    serves (`python -m ui.serve`), so the first page finds the work done instead of repeating it."""
    key = (engine.url.render_as_string(hide_password=False), str(settings.content_dir.resolve()))
    with _done_lock:
        if key not in _done:
            _done[key] = bootstrap(engine=engine, settings=settings)
        return _done[key]
