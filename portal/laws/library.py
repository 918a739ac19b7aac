"""The whole law library in memory: laws by slug, provisions by stable id."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from portal.laws.catalog import CATALOG_FILE, Catalog, CatalogEntry, law_names, load_catalog
from portal.laws.loader import Law, LawFormatError, Provision, law_files, parse_law_file


@dataclass(frozen=True)
class Library:
    """法规库: every published law and its provisions, keyed by `<slug>:<article label>`."""

    laws: dict[str, Law]
    provisions: dict[str, Provision]
    content_hash: str
    catalog: Catalog = field(default_factory=Catalog)

    def law(self, slug: str) -> Law | None:
        return self.laws.get(slug)

    def provision(self, provision_id: str) -> Provision | None:
        return self.provisions.get(provision_id)

    def ordered_laws(self) -> list[Law]:
        """The laws in catalogue order (the 信访 rules first); laws not in it last, by slug."""
        return sorted(self.laws.values(), key=lambda law: (self.catalog.rank(law.slug), law.slug))

    def entry(self, slug: str) -> CatalogEntry | None:
        return self.catalog.entry(slug)

    def names(self, slug: str) -> tuple[str, ...]:
        """Title, short names derived from it and the catalogue aliases of one law."""
        entry = self.catalog.entry(slug)
        return law_names(self.laws[slug].title, entry.aliases if entry else ())

    def law_of(self, provision: Provision) -> Law:
        return self.laws[provision.law_slug]


def build_library(laws: list[Law], catalog: Catalog | None = None) -> Library:
    digest = hashlib.sha256()
    for law in sorted(laws, key=lambda law: law.slug):
        digest.update(f"{law.slug}:{law.content_hash}\n".encode())
    provisions = {p.id: p for law in laws for p in law.provisions}
    return Library(laws={law.slug: law for law in laws}, provisions=provisions,
                   content_hash=digest.hexdigest(), catalog=catalog or Catalog())


def load_library(directory: Path) -> Library:
    """Parse every law file in `directory` and its catalogue; any malformed file raises LawFormatError."""
    return build_library([parse_law_file(path) for path in law_files(directory)], load_catalog(directory))


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
    try:
        catalog = load_catalog(directory)
    except LawFormatError as exc:  # the laws are still published, listed without kind or topic
        errors.append(exc)
        catalog = Catalog()
    return LibraryLoad(library=build_library(laws, catalog), errors=tuple(errors))


_shared: dict[Path, tuple[str, LibraryLoad]] = {}
_shared_lock = threading.Lock()


def _files_digest(directory: Path) -> str:
    """A hash of the law files' and the catalogue's names and bytes (~10 ms for the 41 laws)."""
    digest = hashlib.sha256()
    for path in [*law_files(directory), directory / CATALOG_FILE]:
        if path.is_file():
            digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load_library_shared(directory: Path) -> LibraryLoad:
    """load_library_report, parsed once per process while the files stay the same: the start-up
    import and the pages share one parse. A changed, added or removed file is parsed afresh."""
    key = directory.resolve()
    digest = _files_digest(directory)
    with _shared_lock:
        cached = _shared.get(key)
        if cached is not None and cached[0] == digest:
            return cached[1]
        loaded = load_library_report(directory)
        _shared[key] = (digest, loaded)
        return loaded
