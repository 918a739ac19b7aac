"""Finding a law on the shelves (by kind or topic, or by name) and reading it page by page: its
chapters, which chapter holds an article, finding articles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.laws.catalog import KINDS, REPEALED_GROUP, TOPICS
from portal.laws.library import Library
from portal.laws.loader import Block, Law, Provision
from portal.laws.numerals import article_label, parse_address_form, parse_article_ref, past_the_end
from portal.textinput import to_simplified

UNSORTED = "其他"  # shelf of laws that have no catalogue entry (reported by check-laws)


def shelves(library: Library, *, by: str = "kind") -> list[tuple[str, list[Law]]]:
    """The laws grouped as the 法规库 shows them, in catalogue order within each group.

    by="kind": 宪法 · 法律 · 行政法规 · 司法解释 · 地方性法规, then 已废止 (every repealed law,
    whatever its kind). by="topic": one shelf per topic; a law stands on each of its topics.
    Empty shelves are left out."""
    if by not in ("kind", "topic"):
        raise ValueError(f"shelves by kind or topic, not {by!r}")
    names = (*KINDS, REPEALED_GROUP) if by == "kind" else TOPICS
    groups: dict[str, list[Law]] = {name: [] for name in (*names, UNSORTED)}
    for law in library.ordered_laws():
        entry = library.entry(law.slug)
        if entry is None:
            groups[UNSORTED].append(law)
        elif by == "topic":
            for topic in entry.topics:
                groups[topic].append(law)
        else:
            groups[REPEALED_GROUP if law.is_repealed else entry.kind].append(law)
    return [(name, laws) for name, laws in groups.items() if laws]


def _squeeze(text: str) -> str:
    return "".join(text.split()).replace("《", "").replace("》", "")


def filter_laws(library: Library, query: str) -> list[Law]:
    """Laws whose title, derived short names or catalogue aliases contain the query words
    (e.g. 民诉法, 劳动合同, 征收补偿; 勞動合同 in traditional characters too); every law for an
    empty query."""
    words = [_squeeze(w) for w in to_simplified(query).split() if _squeeze(w)]
    out = []
    for law in library.ordered_laws():
        names = [_squeeze(n) for n in library.names(law.slug)]
        if all(any(w in n for n in names) for w in words):
            out.append(law)
    return out


@dataclass(frozen=True)
class Part:
    """A readable part of a law (a 章, or the whole law when it has no chapters)."""

    title: str
    blocks: tuple[Block, ...]
    provision_ids: tuple[str, ...]


_FENBIAN = re.compile(r"^第[一二三四五六七八九十]+分编 ")


def parts(law: Law) -> list[Part]:
    """Split the body at 编 and 章 headings (and 序言); 节 headings stay inside their chapter. A
    分编's chapters name their 编 too: 民法典 has a 第一分编 通则 in 物权 and in 合同."""
    out: list[Part] = []
    book, bian, title, current = "", "", "", []
    for block in law.blocks:
        if block.kind == "heading" and block.level <= 2:
            if current:
                out.append(_part(title, current))
                current = []
            if block.level == 1:
                if _FENBIAN.match(block.text):
                    book = f"{bian} · {block.text}" if bian else block.text
                else:
                    bian = book = block.text
                title = book
            else:
                title = f"{book} · {block.text}" if book else block.text
        current.append(block)
    if current:
        out.append(_part(title or law.title, current))
    return [p for p in out if p.provision_ids or any(b.kind == "text" for b in p.blocks)]


def _part(title: str, blocks: list[Block]) -> Part:
    ids = tuple(b.provision_id for b in blocks if b.provision_id)
    return Part(title=title, blocks=tuple(blocks), provision_ids=ids)


def part_index_of(law_parts: list[Part], provision_id: str) -> int | None:
    for i, part in enumerate(law_parts):
        if provision_id in part.provision_ids:
            return i
    return None


def find_in_law(law: Law, query: str, *, limit: int = 50) -> list[Provision]:
    """An article number ("32", "第三十二条", "三十二") or words found in the law's articles (typed
    in traditional characters too: 經濟補償 finds 经济补偿)."""
    query = to_simplified(query.strip())
    if not query:
        return []
    ref = parse_article_ref(query)
    if ref is not None:
        return [p for p in law.provisions if (p.number, p.sub) == ref]
    words = [w for w in query.split() if w]
    return [p for p in law.provisions if all(w in p.text for w in words)][:limit]


def article_by_number(law: Law, text: str) -> Provision | None:
    """The article an address names by number rather than by its label: "32", "三十二", "第32条", or
    "276-1" for 第二百七十六条之一 (the ASCII form a shared address uses, numerals.address_form)."""
    ref = parse_address_form(text) or parse_article_ref(text.strip())
    hits = [p for p in law.provisions if (p.number, p.sub) == ref] if ref else []
    return hits[0] if len(hits) == 1 else None


def nothing_found(law: Law, query: str) -> str:
    """Why 查找条文 found nothing: an article number the law does not have (and, past its end, its
    last article, as 法律问答 says it), or words that are in none of its articles."""
    ref = parse_article_ref(query.strip())
    if ref is None:
        return "本法规中没有找到含有这些字的条文。"
    return f"本法规没有{article_label(*ref)}{past_the_end(ref, ((p.number, p.sub) for p in law.provisions))}。"


def display_path(law: Law, provision: Provision) -> tuple[str, ...]:
    """The article's place as a reader needs it: its path, with the 编 before a 分编 (the stored
    path starts at the 分编, and 民法典's 第一分编 通则 is in both 物权 and 合同). The stored path is
    left as it is: the search index is built from it."""
    if not provision.path or not _FENBIAN.match(provision.path[0]):
        return tuple(provision.path)
    bian = ""
    for block in law.blocks:
        if block.kind == "heading" and block.level == 1 and not _FENBIAN.match(block.text):
            bian = block.text
        elif block.provision_id == provision.id:
            return (bian, *provision.path) if bian else tuple(provision.path)
    return tuple(provision.path)
