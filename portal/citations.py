"""Published staff content whose citations a law update has overtaken.

Cases, guide sections and bank questions are checked against the library when they are published.
A later law update can still take an article away (a law re-enacted with new numbering, a file
withdrawn), or mark its law 已废止 (a new version shipped as its own file, the old one kept as
history): the content stays published, and the citation can no longer be opened, or opens as
已废止. `setup` and the server's start list such content, and the staff pages say so, so that staff
can cite the article again (README, Content). Citing a repealed law on purpose (to explain the
rule of the time) stays possible: it is named, not refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from portal.cases.models import TypicalCase
from portal.cases.service import citations_of
from portal.guide.models import GuideSectionRecord
from portal.guide.service import section_of
from portal.laws.library import Library
from portal.lifecycle import PUBLISHED
from portal.qa.models import BankQuestion
from portal.qa.service import provisions_of

CASE, GUIDE, BANK = "典型案例", "信访指南", "常见问题"


@dataclass(frozen=True)
class StaleCitation:
    """One published item (`kind`, its web name or number `ref`, its title), the article ids it
    cites that the library does not have (`missing`) and those of a repealed law (`repealed`)."""

    kind: str
    ref: str
    title: str
    missing: tuple[str, ...]
    repealed: tuple[str, ...] = ()

    def line(self) -> str:
        parts = ([f"not in the library {', '.join(self.missing)}"] if self.missing else []) + (
            [f"of a repealed law {', '.join(self.repealed)}"] if self.repealed else [])
        return f"{self.kind} {self.ref}（{self.title}）: {'; '.join(parts)}"


def _check(kind: str, ref: str, title: str, ids: Iterable[str], library: Library) -> StaleCitation | None:
    cited = {pid: library.provision(pid) for pid in ids}
    missing = tuple(pid for pid, p in cited.items() if p is None)
    repealed = tuple(pid for pid, p in cited.items() if p is not None and library.law_of(p).is_repealed)
    return StaleCitation(kind, ref, title, missing, repealed) if missing or repealed else None


def stale_citations(*, session: Session, library: Library,
                    kinds: tuple[str, ...] = (CASE, GUIDE, BANK)) -> list[StaleCitation]:
    """Every published case, guide section and bank question (of `kinds`) citing an article not in
    `library` or of a repealed law."""
    found: list[StaleCitation] = []
    if CASE in kinds:
        for case in session.exec(select(TypicalCase).where(TypicalCase.state == PUBLISHED)
                                 .order_by(TypicalCase.slug)):
            if item := _check(CASE, case.slug, case.title, (c.id for c in citations_of(case)), library):
                found.append(item)
    if GUIDE in kinds:
        for section in session.exec(select(GuideSectionRecord).where(GuideSectionRecord.state == PUBLISHED)
                                    .order_by(GuideSectionRecord.position)):
            if item := _check(GUIDE, section.slug, section.title, section_of(section).provision_ids, library):
                found.append(item)
    if BANK in kinds:
        for question in session.exec(select(BankQuestion).where(BankQuestion.state == PUBLISHED)
                                     .order_by(BankQuestion.id)):
            if item := _check(BANK, str(question.id), question.question[:30], provisions_of(question), library):
                found.append(item)
    return found
