"""Parse the law Markdown files (法规文本) into Law and Provision records.

The format is described in content/laws/SOURCES.md (§格式约定). Parsing is strict: a file with a
gap or duplicate in its numbering, a missing front-matter field or an unknown status raises
LawFormatError naming the file and line, and nothing from that file is published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from portal.laws.ids import format_provision_id
from portal.laws.numerals import CN_NUMERAL, cn_to_int
from portal.yamlload import YAMLError, safe_load

REQUIRED_FIELDS = ("title", "issuer", "promulgated", "effective", "status", "source")
STATUS_CURRENT = "现行有效"
STATUS_REPEALED = "已废止"
STATUSES = (STATUS_CURRENT, STATUS_REPEALED)
ARTICLE_SEPARATOR = "\u3000"

_ARTICLE = re.compile(f"^第({CN_NUMERAL})条(?:之({CN_NUMERAL}))?\u3000")
_ARTICLE_LOOSE = re.compile(f"^(?:\\*\\*)?第{CN_NUMERAL}条(?:之{CN_NUMERAL})?(?:\\*\\*)?[ \u3000]")
_HEADING = re.compile(r"^(#{1,3}) (.+)$")
_BIAN = re.compile(f"^第({CN_NUMERAL})编 ")  # chapters run on across 分编 (民法典)
_CHAPTER = re.compile(f"^第({CN_NUMERAL})章 ")
_SECTION = re.compile(f"^第({CN_NUMERAL})节 ")
_PART = re.compile(f"^({CN_NUMERAL})、")  # judicial interpretations: 一、关于一般规定
_SUBPART = re.compile(f"^（({CN_NUMERAL})）")  # and their （一）… sub-headings


class LawFormatError(ValueError):
    """A law file that must not be published, with the file and line at fault."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Provision:
    """One article (条) of a law; `text` is the paragraph exactly as enacted, label included."""

    id: str
    law_slug: str
    label: str
    number: int
    sub: int
    text: str
    path: tuple[str, ...]
    ordinal: int
    line: int

    @property
    def body(self) -> str:
        """The article without its label: its 款 and 项, one per line."""
        return self.text.split(ARTICLE_SEPARATOR, 1)[1]

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.number, self.sub)


@dataclass(frozen=True)
class Block:
    """One element of a law's body in reading order: heading, article, plain text or quote."""

    kind: str  # "heading" | "article" | "text" | "quote"
    text: str
    level: int = 0
    provision_id: str | None = None


@dataclass(frozen=True)
class Law:
    """A law or regulation (法律法规) as published: metadata, body blocks, provisions."""

    slug: str
    title: str
    issuer: str
    promulgated: dt.date
    effective: dt.date
    status: str
    source: str
    meta: dict
    preface: tuple[str, ...]
    blocks: tuple[Block, ...]
    provisions: tuple[Provision, ...]
    content_hash: str
    _by_label: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_repealed(self) -> bool:
        return self.status == STATUS_REPEALED

    @property
    def last_amended(self) -> dt.date | None:
        value = self.meta.get("last_amended")
        return value if isinstance(value, dt.date) else None

    def provision(self, label: str) -> Provision | None:
        return self._by_label.get(label)

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]


def _as_date(value: object, path: str, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LawFormatError(path, 1, f"front matter {key} is not a date: {value!r}") from None


def _split_front_matter(text: str, path: str) -> tuple[dict, str, int]:
    if not text.startswith("---\n"):
        raise LawFormatError(path, 1, "missing YAML front matter (the file must start with ---)")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise LawFormatError(path, 1, "front matter is not closed by ---")
    try:
        meta = safe_load(text[4:end]) or {}
    except YAMLError as exc:
        raise LawFormatError(path, 1, f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise LawFormatError(path, 1, "front matter is not a mapping")
    for key in REQUIRED_FIELDS:
        if not meta.get(key):
            raise LawFormatError(path, 1, f"front matter lacks {key}")
    if meta["status"] not in STATUSES:
        raise LawFormatError(path, 1, f"unknown status {meta['status']!r} (expected 现行有效 or 已废止)")
    body_start_line = text[: end + 5].count("\n") + 1
    return meta, text[end + 5:], body_start_line


def _paragraphs(body: str, first_line: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the line number each starts on."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(body.split("\n")):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line)
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out


class _Numbering:
    """Checks that articles, chapters, sections and parts run on without gap or duplicate.

    Chapter numbers either restart at each 编 (刑法, 刑事诉讼法) or run on across 编 (民事诉讼法);
    the first chapter of the second 编 fixes which, and every later 编 must follow suit. Judicial
    interpretations are divided into parts 一、 二、 … with sub-parts （一） （二） … inside each.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.last = (0, 0)
        self.chapter = 0
        self.section = 0
        self.part = 0
        self.subpart = 0
        self.books = 0
        self.new_book = False
        self.chapters_restart: bool | None = None

    def article(self, number: int, sub: int, label: str, line: int) -> None:
        prev_num, prev_sub = self.last
        if (number, sub) <= self.last:
            raise LawFormatError(self.path, line, f"duplicate or out-of-order article {label}")
        if sub == 0 and number != prev_num + 1:
            raise LawFormatError(self.path, line, f"{label} follows article {prev_num}: numbering gap")
        if sub and (number != prev_num or sub != prev_sub + 1):
            raise LawFormatError(self.path, line, f"{label} is not right after its base article")
        self.last = (number, sub)

    def heading(self, text: str, level: int, line: int) -> None:
        if _BIAN.match(text):
            self.books += 1
            self.new_book = self.books > 1
        elif m := _CHAPTER.match(text):
            self.chapter = self._chapter(cn_to_int(m.group(1)), text, line)
            self.section = 0
        elif m := _SECTION.match(text):
            self.section = self._next(self.section, cn_to_int(m.group(1)), text, line)
        elif level == 2 and (m := _PART.match(text)):
            self.part = self._next(self.part, cn_to_int(m.group(1)), text, line)
            self.subpart = 0
        elif level == 3 and (m := _SUBPART.match(text)):
            self.subpart = self._next(self.subpart, cn_to_int(m.group(1)), text, line)

    def _chapter(self, found: int, text: str, line: int) -> int:
        if not self.new_book:
            return self._next(self.chapter, found, text, line)
        self.new_book = False
        if self.chapters_restart is None and found in (1, self.chapter + 1):
            self.chapters_restart = found == 1 and self.chapter != 0
        expected = 1 if self.chapters_restart else self.chapter + 1
        if found != expected:
            how = "restart at 1" if self.chapters_restart else f"run on from {self.chapter}"
            raise LawFormatError(self.path, line,
                                 f"heading {text!r}: chapter numbers in this law {how} at each 编")
        return found

    def _next(self, current: int, found: int, text: str, line: int) -> int:
        if found != current + 1:
            raise LawFormatError(self.path, line, f"heading {text!r} where number {current + 1} expected")
        return found


def parse_law(text: str, *, slug: str, path: str | None = None) -> Law:
    """Parse one law file's text. Raises LawFormatError (file and line) on any defect."""
    path = path or f"{slug}.md"
    meta, body, body_line = _split_front_matter(text, path)
    numbering = _Numbering(path)
    blocks: list[Block] = []
    provisions: list[Provision] = []
    preface: list[str] = []
    heading_path: dict[int, str] = {}
    title_seen = False
    for line_no, lines in _paragraphs(body, body_line):
        first = lines[0]
        for extra, ln in enumerate(lines[1:], start=1):
            if _ARTICLE_LOOSE.match(ln):
                raise LawFormatError(path, line_no + extra, f"article-like line inside article: {ln[:20]}")
        if h := _HEADING.match(first):
            level, heading = len(h.group(1)), h.group(2).strip()
            if level == 1 and not title_seen:
                if heading != meta["title"]:
                    raise LawFormatError(path, line_no, f"title {heading!r} differs from front matter")
                title_seen = True
                continue
            numbering.heading(heading, level, line_no)
            heading_path = {k: v for k, v in heading_path.items() if k < level}
            heading_path[level] = heading
            blocks.append(Block(kind="heading", text=heading, level=level))
            continue
        if first.startswith(">"):
            quote = [ln[1:].strip() for ln in lines if ln[1:].strip()]
            if not provisions and not blocks:
                preface.extend(quote)
            else:
                blocks.append(Block(kind="quote", text="\n".join(quote)))
            continue
        if m := _ARTICLE.match(first):
            number = cn_to_int(m.group(1))
            sub = cn_to_int(m.group(2)) if m.group(2) else 0
            label = first.split(ARTICLE_SEPARATOR, 1)[0]
            numbering.article(number, sub, label, line_no)
            provision = Provision(
                id=format_provision_id(slug, label), law_slug=slug, label=label, number=number, sub=sub,
                text="\n".join(lines), path=tuple(heading_path[k] for k in sorted(heading_path)),
                ordinal=len(provisions), line=line_no)
            provisions.append(provision)
            blocks.append(Block(kind="article", text=provision.text, provision_id=provision.id))
            continue
        if _ARTICLE_LOOSE.match(first):
            raise LawFormatError(path, line_no, f"article label not followed by a full-width space: {first[:20]}")
        blocks.append(Block(kind="text", text="\n".join(lines)))
    if not title_seen:
        raise LawFormatError(path, body_line, "missing '# 标题' line")
    if not provisions:
        raise LawFormatError(path, body_line, "no articles found")
    plain = [p for p in provisions if p.sub == 0]
    if expected := meta.get("articles"):
        if int(expected) != len(provisions):
            raise LawFormatError(path, 1, f"front matter says {expected} articles, found {len(provisions)}")
    if plain[-1].number != len(plain):
        raise LawFormatError(path, plain[-1].line, "article numbering does not start at 第一条")
    return Law(
        slug=slug, title=meta["title"], issuer=str(meta["issuer"]),
        promulgated=_as_date(meta["promulgated"], path, "promulgated"),
        effective=_as_date(meta["effective"], path, "effective"),
        status=meta["status"], source=str(meta["source"]), meta=meta, preface=tuple(preface),
        blocks=tuple(blocks), provisions=tuple(provisions),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        _by_label={p.label: p for p in provisions},
    )


def parse_law_file(path: Path) -> Law:
    return parse_law(path.read_text(encoding="utf-8"), slug=path.stem, path=path.name)


def law_files(directory: Path) -> list[Path]:
    """The law files of a folder: every *.md but the SOURCES/README notes."""
    return sorted(p for p in directory.glob("*.md") if p.stem.upper() not in {"SOURCES", "README"})
