"""Idempotent import of the law library into the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from portal.laws.library import Library
from portal.laws.loader import Law, Provision
from portal.laws.models import LawRecord, ProvisionRecord
from portal.timeutil import utcnow


@dataclass
class ImportReport:
    """What an import changed; all zero on a re-run over unchanged files."""

    laws_added: list[str] = field(default_factory=list)
    laws_updated: list[str] = field(default_factory=list)
    provisions_added: int = 0
    provisions_updated: int = 0
    provisions_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.laws_added or self.laws_updated)


def _provision_values(p: Provision) -> dict:
    return dict(law_slug=p.law_slug, label=p.label, number=p.number, sub=p.sub,
                ordinal=p.ordinal, path=" / ".join(p.path), text=p.text)


def _law_values(law: Law, now: dt.datetime) -> dict:
    return dict(title=law.title, issuer=law.issuer, status=law.status, promulgated=law.promulgated,
                effective=law.effective, source=law.source, content_hash=law.content_hash,
                imported_at=now)


def _sync_provisions(session: Session, law: Law, report: ImportReport) -> None:
    existing = {r.id: r for r in session.exec(
        select(ProvisionRecord).where(ProvisionRecord.law_slug == law.slug))}
    for p in law.provisions:
        values = _provision_values(p)
        record = existing.pop(p.id, None)
        if record is None:
            session.add(ProvisionRecord(id=p.id, **values))
            report.provisions_added += 1
        elif any(getattr(record, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(record, k, v)
            session.add(record)
            report.provisions_updated += 1
    for record in existing.values():
        session.delete(record)
        report.provisions_removed += 1


def import_library(*, session: Session, library: Library) -> ImportReport:
    """Bring the law and provision tables in line with `library`; unchanged laws are skipped."""
    report = ImportReport()
    now = utcnow()
    for law in library.ordered_laws():
        record = session.get(LawRecord, law.slug)
        if record is not None and record.content_hash == law.content_hash:
            continue
        if record is None:
            session.add(LawRecord(slug=law.slug, **_law_values(law, now)))
            report.laws_added.append(law.slug)
        else:
            for k, v in _law_values(law, now).items():
                setattr(record, k, v)
            session.add(record)
            report.laws_updated.append(law.slug)
        session.flush()
        _sync_provisions(session, law, report)
    session.commit()
    return report
