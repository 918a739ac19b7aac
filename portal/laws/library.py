"""The whole law library in memory: laws by slug, provisions by stable id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from portal.laws.loader import Law, LawFormatError, Provision, law_files, parse_law_file

# Order in which the library lists laws: the 信访 rules first, then by rank.
PREFERRED_ORDER = (
    "xinfang-gongzuo-tiaoli-2022",
    "shandong-xinfang-tiaoli-2015",
    "xianfa-2018",
    "xingzheng-fuyi-fa-2023",
    "xingzheng-susong-fa-2017",
    "renmin-tiaojie-fa-2010",
    "laodong-zhengyi-tiaojie-zhongcai-fa-2007",
    "zhian-guanli-chufa-fa-2025",
    "xingfa-2023",
    "minfadian-2020",
    "xinfang-tiaoli-2005",
)


@dataclass(frozen=True)
class Library:
    """法规库: every published law and its provisions, keyed by `<slug>:<article label>`."""

    laws: dict[str, Law]
    provisions: dict[str, Provision]
    content_hash: str

    def law(self, slug: str) -> Law | None:
        return self.laws.get(slug)

    def provision(self, provision_id: str) -> Provision | None:
        return self.provisions.get(provision_id)

    def ordered_laws(self) -> list[Law]:
        rank = {slug: i for i, slug in enumerate(PREFERRED_ORDER)}
        return sorted(self.laws.values(), key=lambda law: (rank.get(law.slug, len(rank)), law.slug))

    def law_of(self, provision: Provision) -> Law:
        return self.laws[provision.law_slug]


def build_library(laws: list[Law]) -> Library:
    digest = hashlib.sha256()
    for law in sorted(laws, key=lambda law: law.slug):
        digest.update(f"{law.slug}:{law.content_hash}\n".encode())
    provisions = {p.id: p for law in laws for p in law.provisions}
    return Library(laws={law.slug: law for law in laws}, provisions=provisions,
                   content_hash=digest.hexdigest())


def load_library(directory: Path) -> Library:
    """Parse every law file in `directory`; any malformed file raises LawFormatError."""
    return build_library([parse_law_file(path) for path in law_files(directory)])


@dataclass(frozen=True)
class LibraryLoad:
    """A library built from the good files, and the errors of the files refused."""

    library: Library
    errors: tuple[LawFormatError, ...]


def load_library_report(directory: Path) -> LibraryLoad:
    """Like load_library, but a malformed file is left out (whole) and reported, not raised."""
    laws: list[Law] = []
    errors: list[LawFormatError] = []
    for path in law_files(directory):
        try:
            laws.append(parse_law_file(path))
        except LawFormatError as exc:
            errors.append(exc)
    return LibraryLoad(library=build_library(laws), errors=tuple(errors))
