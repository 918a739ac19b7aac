"""Published staff content that cites an article the library no longer ships.

Cases, guide sections and bank questions are checked against the library when they are published.
A later law update can still take an article away (a law re-enacted with new numbering, a file
withdrawn): the content stays published and the citation can no longer be opened. `setup` and the server's
start list such content, and the staff pages say so, so that staff can cite the article again
(README, Content).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from portal.cases.models import TypicalCase
from portal.guide.content import PROVISION_REF
from portal.guide.models import GuideSectionRecord
from portal.laws.library import Library
from portal.lifecycle import PUBLISHED
from portal.qa.models import BankQuestion

CASE, GUIDE, BANK = "典型案例", "信访指南", "常见问题"


@dataclass(frozen=True)
class StaleCitation:
    """One published item (`kind`, its web name or number `ref`, its title) and the article ids it
    cites that the library does not have."""

    kind: str
    ref: str
    title: str
    missing: tuple[str, ...]

    def line(self) -> str:
        return f"{self.kind} {self.ref}（{self.title}）: {', '.join(self.missing)}"


def _missing(ids: list[str], library: Library) -> tuple[str, ...]:
    return tuple(pid for pid in dict.fromkeys(ids) if library.provision(pid) is None)


def stale_citations(*, session: Session, library: Library,
                    kinds: tuple[str, ...] = (CASE, GUIDE, BANK)) -> list[StaleCitation]:
    """Every published case, guide section and bank question (of `kinds`) citing an article not in
    `library`."""
    found: list[StaleCitation] = []
    if CASE in kinds:
        for case in session.exec(select(TypicalCase).where(TypicalCase.state == PUBLISHED)
                                 .order_by(TypicalCase.slug)):
            if missing := _missing([item["id"] for item in json.loads(case.provisions)], library):
                found.append(StaleCitation(CASE, case.slug, case.title, missing))
    if GUIDE in kinds:
        for section in session.exec(select(GuideSectionRecord).where(GuideSectionRecord.state == PUBLISHED)
                                    .order_by(GuideSectionRecord.position)):
            if missing := _missing(PROVISION_REF.findall(section.body), library):
                found.append(StaleCitation(GUIDE, section.slug, section.title, missing))
    if BANK in kinds:
        for question in session.exec(select(BankQuestion).where(BankQuestion.state == PUBLISHED)
                                     .order_by(BankQuestion.id)):
            if missing := _missing(json.loads(question.provisions), library):
                found.append(StaleCitation(BANK, str(question.id), question.question[:30], missing))
    return found
