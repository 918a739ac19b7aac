"""Laws a question names that the 法规库 does not ship (content/search/unshipped_laws.yaml).

A citizen who asks about 婚姻法 or 电子商务法 should learn that the first was repealed (its rules
are in the 民法典 now) and that the second is not in this library, instead of reading other laws'
articles as if they answered. `LawNotes.note` finds such names in a question (longest name first,
so 劳动合同法 is the library's and not 合同法) and says so in one sentence each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portal.laws.catalog import derived_names
from portal.laws.ids import label_of, law_slug_of
from portal.laws.library import Library
from portal.settings import get_settings

UNSHIPPED_FILE = "unshipped_laws.yaml"
MAX_NOTES = 2  # a question naming more laws than this gets the first two
# after a name ending in 法 these make another word (公司法人, 农业法规, 婚姻法律师): not a law's name
_WORD_AFTER_FA = set("人务院官律规定制治医庭警典学理术师")
FLK = "国家法律法规数据库（flk.npc.gov.cn）"
MISSING = ""  # the kind of a law the library lacks (a repealed one's kind says when and by what)


@dataclass(frozen=True)
class UnshippedLaws:
    """The file's content: titles repealed by one article, and titles the library lacks."""

    repealed_titles: tuple[str, ...]
    repealed_by: str  # provision id of the repealing article
    repealed_since: str
    not_in_library: tuple[str, ...]
    # repealed title → where its rules are now: headings of the repealing law, "第二编 物权 >
    # 第四分编 担保物权" for a heading inside another
    repealed_parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> UnshippedLaws:
        path = path or get_settings().content_dir / "search" / UNSHIPPED_FILE
        if not path.is_file():
            return cls((), "", "", ())
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        repealed = data.get("repealed") or {}
        parts = {str(title): tuple(map(str, where or ())) for title, where in (repealed.get("titles") or {}).items()}
        return cls(repealed_titles=tuple(parts), repealed_by=str(repealed.get("by") or ""),
                   repealed_since=str(repealed.get("since") or ""),
                   not_in_library=tuple(data.get("not_in_library") or ()), repealed_parts=parts)

    def notes(self, titles: Mapping[str, str], aliases: Iterable[str] = ()) -> LawNotes:
        """The notes for a library with these law titles (slug → title) and other names of its laws
        (the catalogue's aliases); a listed title the library ships is left out."""
        shipped = {name for title in titles.values() for name in derived_names(title)} | set(aliases)
        successor = titles.get(law_slug_of(self.repealed_by)) if self.repealed_by else None
        kinds = {title: self._repealed_kind(title, successor) for title in self.repealed_titles if title not in shipped}
        kinds.update({title: MISSING for title in self.not_in_library if title not in shipped})
        successors = {title: law_slug_of(self.repealed_by) for title in self.repealed_titles} if successor else {}
        return LawNotes(kinds, shipped, successors)

    def _repealed_kind(self, title: str, successor: str | None) -> str:
        """The words after a repealed law's title: when, by what, and where its rules are now."""
        kind = f"已于{self.repealed_since}废止"
        if successor:
            where = "和".join(part.replace(" > ", " ") for part in self.repealed_parts.get(title, ()))
            kind += f"（《{successor}》{label_of(self.repealed_by)}），相关规定现在在《{successor}》{where}中"
        return kind


class LawNotes:
    """Finds the names of unshipped laws in a question and says what became of them."""

    def __init__(self, kinds: Mapping[str, str], shipped_names: Iterable[str],
                 successors: Mapping[str, str] | None = None) -> None:
        """`kinds`: title → MISSING, or for a repealed law the words after its title
        ("已于2021年1月1日废止（…）…"); `successors`: repealed title → slug of the library's law
        that holds its rules now."""
        self._kinds = dict(kinds)
        self._successors = dict(successors or {})
        names: dict[str, str | None] = {}
        for title in self._kinds:
            for name in derived_names(title):
                names.setdefault(name, title)
        for name in shipped_names:
            names[name] = None  # the library's own: a longer match that is not a note
        self._names_longest_first = sorted(names.items(), key=lambda item: -len(item[0]))

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def named(self, text: str) -> list[str]:
        """Titles of unshipped laws the text names, in the order they appear."""
        taken = [False] * len(text)
        found: list[tuple[int, str]] = []
        for name, title in self._names_longest_first:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]) and not _another_word(name, text[end:end + 2]):
                    taken[start:end] = [True] * len(name)
                    if title is not None:
                        found.append((start, title))
                start = text.find(name, start + 1)
        return list(dict.fromkeys(title for _, title in sorted(found)))

    def successors(self, text: str) -> list[str]:
        """Slugs of the library's laws that replaced the repealed laws the text names (民法典 for
        婚姻法), each once."""
        return list(dict.fromkeys(self._successors[t] for t in self.named(text) if t in self._successors))

    def note(self, text: str, *, answered: bool = True) -> str:
        """What became of the unshipped laws the text names (at most MAX_NOTES), then, when
        articles are shown (`answered`), where they come from; "" when it names none."""
        titles = self.named(text)[:MAX_NOTES]
        if not titles:
            return ""
        parts = []
        for kind in dict.fromkeys(self._kinds[t] for t in titles):
            names = "、".join(f"《{t}》" for t in titles if self._kinds[t] == kind)
            parts.append(f"本网站法规库暂未收录{names}，全文可以在{FLK}查阅。" if kind == MISSING else f"{names}{kind}。")
        return "".join(parts) + ("下面是按您的问题在本网站收录的法规中找到的条文，仅供参考。" if answered else "")


def _another_word(name: str, after: str) -> bool:
    """A name ending in 法 followed by 人, 务, 律, 规 … is part of another word (公司法人, 农业法规),
    except 法 + 规定 (婚姻法规定)."""
    return name.endswith("法") and after[:1] in _WORD_AFTER_FA and not after.startswith("规定")


def law_notes_for(library: Library) -> LawNotes:
    """The notes for this library: its titles, the names derived from them and its aliases."""
    return UnshippedLaws.load().notes({slug: law.title for slug, law in library.laws.items()},
                                      [name for slug in library.laws for name in library.names(slug)])
