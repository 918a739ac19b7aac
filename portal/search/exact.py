"""Exact article references (条文直达): "信访工作条例第三十二条", "民法典1077条",
"刑法第二百七十六条之一", "第三十二条" (no law named → 信访工作条例). Such a query goes straight to
that article."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.laws.catalog import derived_names
from portal.laws.ids import OLD_XINFANG_REGULATION, XINFANG_REGULATION, format_provision_id
from portal.laws.numerals import CN_NUMERAL, FULLWIDTH_DIGITS, NUMBER, article_label, number_value

DEFAULT_LAW = XINFANG_REGULATION
OLD_XINFANG_LAW = OLD_XINFANG_REGULATION
_OLD_MARKERS = ("2005", "旧", "原信访条例", "废止", "老条例")
_NUM = f"({NUMBER})"
_WITH_TIAO = re.compile(f"(?:第{_NUM}|(\\d+))条(?:之{_NUM})?")
# right after a law's name: 第三十二条, 第32条, 32条, 32, and 三十二条 (a Chinese numeral needs 条;
# 两条 is a count, not an article)
_CN_NO_LIANG = CN_NUMERAL.replace("两", "")
_AFTER_ALIAS = re.compile(f"^(?:的)?(?:第{_NUM}条?|(\\d+)条?|({_CN_NO_LIANG})条)(?:之{_NUM})?")
# before a law's name, the whole query being "第32条信访工作条例" or "第一千零七十七条民法典的规定"
_BEFORE_ALIAS = re.compile(f"^(?:第{_NUM}|(\\d+))条(?:之{_NUM})?(?:的)?$")
_TAIL = r"(?:的)?(?:规定|内容|原文|全文)?(?:是什么|说的是什么|讲的是什么|讲了什么|说了什么)?[?？。!！]*"
_REVERSED_TAIL = re.compile(f"^{_TAIL}$")
_NAME_THEN_TAIL = re.compile(f"^(?:的)?(.+?){_TAIL}$")
_HALFWIDTH_PARENS = str.maketrans("()", "（）")  # names are stored with full-width brackets
# the end of a law's name: "电子商务法第二十条" names a law the library does not know, so the
# article number is not the 信访工作条例's
_LAW_NAME_END = re.compile(r"(?:法|条例|规定|办法|细则|解释|决定|通则|总则)(?:（[一二三四五六七八九十]+）)?的?$")
_NOT_IN_A_NAME = set("的之中里和与及按照依据")  # before 规定 / 法 these end a phrase, not a name


@dataclass(frozen=True)
class ArticleRef:
    """A reference found in a query; `provision_id` None when that law has no such article."""

    law_slug: str
    number: int
    sub: int
    provision_id: str | None
    alias: str = ""   # the law's name as the query gave it; "" when none was given (→ 信访工作条例)

    @property
    def label(self) -> str:
        return article_label(self.number, self.sub)


def build_aliases(titles: Mapping[str, str], extra: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """alias → law slug, every name as a query is normalised: the maintained aliases first (the
    law catalogue's: 信访条例 means the current 信访工作条例; find_reference switches to the
    repealed 2005 text when the query says 2005 or 旧), then for each title the names derived
    from it (劳动合同法, 民间借贷规定, 婚姻家庭编解释 …; portal.laws.catalog.derived_names)."""
    aliases: dict[str, str] = {}
    for slug, names in extra.items():
        for name in names:
            if key := normalise_query(name):
                aliases.setdefault(key, slug)
    for slug, title in titles.items():
        for name in derived_names(title):
            if key := normalise_query(name):
                aliases.setdefault(key, slug)
    return aliases


def normalise_query(query: str) -> str:
    """The query as law names are matched: full-width digits, brackets, no spaces or 《》 quotes."""
    text = query.translate(FULLWIDTH_DIGITS).translate(_HALFWIDTH_PARENS)
    return re.sub(r"[\s\u3000《》〈〉<>\"“”]+", "", text)


def find_reference(query: str, aliases: Mapping[str, str], known_ids: Mapping[str, object] | set[str]) -> ArticleRef | None:
    """The article a query names, if it names one."""
    text = normalise_query(query)
    if not text or len(text) > 60:
        return None
    slug, rest, named = None, None, ""
    for alias in sorted(aliases, key=len, reverse=True):
        pos = text.find(alias)
        if pos >= 0:
            slug, rest, named = aliases[alias], text[pos + len(alias):], alias
            if slug == DEFAULT_LAW and "工作" not in alias and any(m in text for m in _OLD_MARKERS):
                slug = OLD_XINFANG_LAW
            break
    if slug is not None:
        m = _AFTER_ALIAS.match(rest or "")
        before = _BEFORE_ALIAS.match(text[:pos]) if not m and _REVERSED_TAIL.match(rest or "") else None
        if before:  # 第32条信访工作条例: the number before the name, nothing but a short tail after it
            number, sub = number_value(before.group(1) or before.group(2)), number_value(before.group(3))
        elif not m:
            m2 = _WITH_TIAO.search(rest or "")
            if not m2 or names_other_law((rest or "")[:m2.start()]):  # 道路交通安全法实施条例第九十一条
                return None
            number, sub = number_value(m2.group(1) or m2.group(2)), number_value(m2.group(3))
        else:
            number, sub = number_value(m.group(1) or m.group(2) or m.group(3)), number_value(m.group(4))
    else:
        m = _WITH_TIAO.search(text)
        if not m or names_other_law(text[:m.start()]) or _names_law_after(text[m.end():]):
            return None
        slug, number, sub = DEFAULT_LAW, number_value(m.group(1) or m.group(2)), number_value(m.group(3))
    if number <= 0 or number >= 10000 or sub >= 100:
        return None
    pid = format_provision_id(slug, article_label(number, sub))
    return ArticleRef(slug, number, sub, pid if pid in known_ids else None, named)


def without_article_numbers(text: str) -> str:
    """The text without its article numbers (第三十二条, 1077条, 第十条之一): what is left of a
    question about a named article for finding the articles beside it (every law has a 第三十二条)."""
    return _WITH_TIAO.sub(" ", text)


def names_other_law(before: str) -> bool:
    """Whether the text before an article number ends with a law's name (婚姻法, 种子法, …条例): with
    no name the library knows, that is a law it does not ship. A bare 规定 or 法 is not a name
    (信访工作条例规定第三十二条, 信访工作条例的规定第三十二条, 依法第十条)."""
    m = _LAW_NAME_END.search(before)
    if m is None or m.start() == 0:
        return False
    last = before[m.start() - 1]
    return "\u4e00" <= last <= "\u9fff" and last not in _NOT_IN_A_NAME


def unknown_law_reference(query: str) -> bool:
    """For a query find_reference found no reference in: it names an article of a law the library
    does not ship ("电子商务法第二十条", "道路交通安全法实施条例第九十一条")."""
    text = normalise_query(query)
    if not text or len(text) > 60:
        return False
    m = _WITH_TIAO.search(text)
    return m is not None and (names_other_law(text[:m.start()]) or _names_law_after(text[m.end():]))


def _names_law_after(after: str) -> bool:
    """Whether the text after an article number is a law's name and nothing more than a short tail
    ("第三十二条婚姻法", "第20条电子商务法的规定"): the reversed order of names_other_law."""
    m = _NAME_THEN_TAIL.match(after)
    return m is not None and names_other_law(m.group(1))
