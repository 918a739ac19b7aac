"""What gets indexed: one SearchDocument per provision (or per line of an evaluation corpus)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from portal.laws.ids import law_slug_of
from portal.laws.library import Library
from portal.laws.numerals import NUMBER
from portal.search.jsonl import read_jsonl


@dataclass(frozen=True)
class SearchDocument:
    """One retrievable unit. `title` is the law title (or the corpus title); `heading` the chapter
    path and article label; `text` the article verbatim."""

    id: str
    title: str
    heading: str
    text: str
    law_slug: str = ""
    repealed: bool = False

    @property
    def lexical_text(self) -> str:
        return f"{self.title}\n{self.heading}\n{self.text}"

    @property
    def dense_text(self) -> str:
        return f"《{self.title}》{self.heading}：{self.text}" if self.title else self.text


@dataclass(frozen=True)
class Corpus:
    """The documents in index order and a hash of everything that was indexed."""

    name: str
    documents: tuple[SearchDocument, ...]
    content_hash: str

    def __len__(self) -> int:
        return len(self.documents)


def hash_documents(documents: tuple[SearchDocument, ...]) -> str:
    digest = hashlib.sha256()
    for d in documents:
        digest.update(json.dumps([d.id, d.title, d.heading, d.text, d.law_slug, d.repealed],
                                 ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def corpus_from_library(library: Library) -> Corpus:
    """Every provision of the library, law by law in the library's order."""
    docs: list[SearchDocument] = []
    for law in library.ordered_laws():
        for p in law.provisions:
            heading = " ".join((*p.path, p.label))
            docs.append(SearchDocument(id=p.id, title=law.title, heading=heading, text=p.text,
                                       law_slug=law.slug, repealed=law.is_repealed))
    documents = tuple(docs)
    return Corpus(name="library", documents=documents, content_hash=hash_documents(documents))


_LABEL = re.compile(f"^第{NUMBER}条(?:之{NUMBER})?")  # a leading article label, 第十二条 or 第12条之一
# keys a corpus line may carry its text / its title under (the first present wins)
TEXT_KEYS = ("text", "content", "contents", "article")
TITLE_KEYS = ("title", "name", "law")


def _letters(text: str) -> str:
    """The text without white space or its leading article label: what makes two copies the same."""
    return _LABEL.sub("", re.sub(r"\s+", "", text))


def _first(row: dict, keys: tuple[str, ...]) -> str:
    return next((str(row[k]) for k in keys if row.get(k)), "")


def corpus_from_jsonl(path: Path, library: Corpus | None = None) -> Corpus:
    """An evaluation corpus: {"id", "title", "text"} per line (the text may also be under "content",
    "contents" or "article", the title under "name" or "law"). Ids of the form `<slug>:<label>`
    keep their slug as the law (so law-level hints still apply).

    With `library` (the portal's own corpus): a line that is one of the library's articles (same
    id, same text but for white space) is indexed as the library indexes it (law title, chapter
    path, repealed), so its vector is the library's, reused rather than encoded again; a file
    holding exactly the library's articles is the library corpus (its committed index, adapter
    and all). Other lines are indexed as given."""
    own = {d.id: d for d in library.documents} if library is not None else {}
    docs: list[SearchDocument] = []
    seen: set[str] = set()
    all_library = True
    for lineno, row in read_jsonl(path, what="a corpus line"):
        if "id" not in row:
            raise ValueError(f"{path}:{lineno}: not a corpus line (no id)")
        doc_id = str(row["id"])
        if doc_id in seen:
            raise ValueError(f"{path}:{lineno}: duplicate id {doc_id}")
        seen.add(doc_id)
        if not any(k in row for k in TEXT_KEYS):
            raise ValueError(f"{path}:{lineno}: corpus line {doc_id} has no article text "
                             f"(expected under one of {', '.join(TEXT_KEYS)})")
        text = _first(row, TEXT_KEYS)
        known = own.get(doc_id)
        if known is not None and _letters(known.text) == _letters(text):
            docs.append(known)
            continue
        all_library = False
        slug = law_slug_of(doc_id)
        docs.append(SearchDocument(id=doc_id, title=_first(row, TITLE_KEYS), heading="",
                                   text=text, law_slug=slug))
    if library is not None and all_library and seen == own.keys():
        return library
    documents = tuple(docs)
    return Corpus(name="corpus", documents=documents, content_hash=hash_documents(documents))
