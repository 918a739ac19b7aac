"""The law catalogue (法规库目录, content/laws/catalog.yaml): what the portal adds about each law
without touching its verbatim file — its kind, the topics a citizen looks under, short aliases and,
for a repealed law, the law that replaced it. Also the short names of a law derived from its
title (劳动合同法, 民间借贷规定, 婚姻家庭编解释 …), used by exact references and the filter box.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from portal.laws.loader import Law, LawFormatError
from portal.yamlload import YAMLError, compose_and_load

CATALOG_FILE = "catalog.yaml"
KINDS = ("宪法", "法律", "行政法规", "司法解释", "地方性法规")
REPEALED_GROUP = "已废止"  # a repealed law is listed here, whatever its kind
TOPICS = ("信访", "劳动与社保", "土地与房屋", "婚姻家庭", "邻里与物业", "行政执法", "诉讼与仲裁",
          "刑事与治安", "特殊群体")

_PRC = "中华人民共和国"
_SPC = "最高人民法院"
# 最高人民法院关于审理民间借贷案件适用法律若干问题的规定, …关于适用民法典婚姻家庭编的解释（一）
_INTERPRETATION = re.compile(
    r"^最高人民法院关于(?:审理|适用)?(?P<topic>.+?)(?:案件)?(?:适用法律(?:若干)?问题)?"
    r"的(?P<kind>规定|解释)(?P<seq>（[一二三四五六七八九十]+）)?$")


@dataclass(frozen=True)
class CatalogEntry:
    """One law's catalogue entry."""

    kind: str
    topics: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    superseded_by: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Catalog:
    """Entries by law slug, in the order of the file (the order the 法规库 lists laws in)."""

    entries: dict[str, CatalogEntry] = field(default_factory=dict)

    def entry(self, slug: str) -> CatalogEntry | None:
        return self.entries.get(slug)

    @property
    def aliases(self) -> dict[str, tuple[str, ...]]:
        return {slug: e.aliases for slug, e in self.entries.items() if e.aliases}

    def rank(self, slug: str) -> int:
        """Position in the catalogue; laws without an entry come last."""
        try:
            return list(self.entries).index(slug)
        except ValueError:
            return len(self.entries)


def _strings(value: object, path: str, line: int, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise LawFormatError(path, line, f"{key} must be a list of names")
    return tuple(str(v).strip() for v in value if str(v).strip())


def parse_catalog(text: str, *, path: str = CATALOG_FILE) -> Catalog:
    """Parse the catalogue; a malformed entry raises LawFormatError naming the file and line."""
    try:
        root, data = compose_and_load(text)
        data = data or {}
    except YAMLError as exc:
        raise LawFormatError(path, 1, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LawFormatError(path, 1, "the catalogue must map law slugs to entries")
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in root.value} if root is not None else {}
    entries: dict[str, CatalogEntry] = {}
    for slug, raw in data.items():
        slug = str(slug)
        line = lines.get(slug, 1)
        if not isinstance(raw, dict):
            raise LawFormatError(path, line, f"{slug}: entry must have kind and topics")
        unknown = set(raw) - {"kind", "topics", "aliases", "superseded_by"}
        if unknown:
            raise LawFormatError(path, line, f"{slug}: unknown field(s) {', '.join(sorted(unknown))}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise LawFormatError(path, line, f"{slug}: kind {kind!r} is not one of {' '.join(KINDS)}")
        topics = _strings(raw.get("topics"), path, line, "topics")
        if not topics:
            raise LawFormatError(path, line, f"{slug}: needs at least one topic")
        if bad := [t for t in topics if t not in TOPICS]:
            raise LawFormatError(path, line, f"{slug}: unknown topic(s) {' '.join(bad)}")
        superseded_by = raw.get("superseded_by")
        entries[slug] = CatalogEntry(kind=kind, topics=topics,
                                     aliases=_strings(raw.get("aliases"), path, line, "aliases"),
                                     superseded_by=str(superseded_by) if superseded_by else None,
                                     line=line)
    return Catalog(entries=entries)


def load_catalog(directory: Path) -> Catalog:
    """The catalogue next to the law files (an empty one when there is none)."""
    path = directory / CATALOG_FILE
    if not path.is_file():
        return Catalog()
    return parse_catalog(path.read_text(encoding="utf-8"), path=path.name)


def derived_names(title: str) -> tuple[str, ...]:
    """Short names a citizen uses, derived from the title alone: without 中华人民共和国 and
    《》; for a 最高人民法院 interpretation its subject with 规定/解释/司法解释 (民间借贷规定,
    民间借贷司法解释, 婚姻家庭编解释（一）, 劳动争议解释, 担保制度解释 …)."""
    names = [title]
    plain = title.replace("《", "").replace("》", "")
    short = plain.replace(_PRC, "")
    names += [plain, short]
    if m := _INTERPRETATION.match(short):
        topic, kind, seq = m.group("topic"), m.group("kind"), m.group("seq") or ""
        core = topic.removeprefix("民法典").removeprefix("有关")
        names.append(short.removeprefix(_SPC))  # 关于审理民间借贷案件适用法律若干问题的规定
        for base in dict.fromkeys([core, topic]):
            for name in (kind, "司法解释"):
                names.append(base + name)
                if seq:
                    names += [base + name + seq, base + name + seq[1:-1]]
    return tuple(dict.fromkeys(n for n in names if n))


def short_title(title: str) -> str:
    """The name a button or a link can carry: 民法典, 治安管理处罚法, 劳动争议解释（一）, 民间借贷规定,
    担保制度解释 — derived from the title alone, so never an alias two laws share (信访条例)."""
    short = title.replace("《", "").replace("》", "").replace(_PRC, "")
    if m := _INTERPRETATION.match(short):
        core = m.group("topic").removeprefix("民法典").removeprefix("有关")
        return core + m.group("kind") + (m.group("seq") or "")
    return short


def law_names(title: str, aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """Every name of a law: its title, the names derived from it, then the catalogue aliases."""
    return tuple(dict.fromkeys([*derived_names(title), *aliases]))


def catalog_problems(catalog: Catalog, laws: Mapping[str, Law]) -> list[str]:
    """What is wrong between the catalogue and the law files (empty when all is well)."""
    problems = [f"catalog.yaml:{e.line}: {slug} is not a law file" for slug, e in catalog.entries.items()
                if slug not in laws]
    problems += [f"{slug}: no catalogue entry (kind and topics)" for slug in laws if slug not in catalog.entries]
    for slug, entry in catalog.entries.items():
        law = laws.get(slug)
        if entry.superseded_by is not None:
            successor = laws.get(entry.superseded_by)
            if successor is None or successor.is_repealed:
                problems.append(f"catalog.yaml:{entry.line}: {slug} superseded_by {entry.superseded_by} "
                                "is not a current law")
            if law is not None and not law.is_repealed:
                problems.append(f"catalog.yaml:{entry.line}: {slug} is current but has superseded_by")
    owner: dict[str, str] = {}
    for slug, law in laws.items():
        for name in derived_names(law.title):
            owner.setdefault(name, slug)
    for slug, entry in catalog.entries.items():
        for alias in entry.aliases:
            other = owner.get(alias, slug)
            # a repealed law's title may name its successor (信访条例 → 信访工作条例)
            replaced = catalog.entries.get(other)
            if other != slug and not (replaced and replaced.superseded_by == slug):
                problems.append(f"catalog.yaml:{entry.line}: alias {alias} of {slug} already names {other}")
            owner.setdefault(alias, slug)
    return problems
