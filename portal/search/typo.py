"""Homophone typos (同音错字) in a citizen's question: 陪偿 for 赔偿, 托欠 for 拖欠, typed with a pinyin
input method that offered the wrong character.

Where jieba finds no word — its HMM glues the characters into a token that is in no dictionary
(陪偿) — the token becomes the one library word that differs from it in one character read the
same (tones ignored; each character under its usual reading, as an input method lists it first).
Nothing changes when no such word or more than one is found, when the word is in fewer than
`min_documents` articles, when the token occurs as it is in the library's text (质物 is no typo of
植物), or when the character to change or the one kept is a function word (不亮 is not 不良, 有物
not 有无). A typo that makes another real word (工伤 → 工商) is not noticed: without context
nothing tells it from what the citizen meant. Article numbers (第十条, 1077条) and law names are
never rewritten, nor a word jieba tags as a place name or as a person's name that begins with a
common surname (邻居郭家 is no 国家, 钟华 no 中华, 范伟 no 范围); the page offers to search the words
as typed whenever it corrected one.

Pinyin readings: content/search/pinyin.txt, written from pypinyin's tables (MIT) by
scripts/pinyin_table.py, so serving does not load pypinyin. Figures: notes/2026-12-07-typo-study.md."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# a piece of an article number (第一千零七十七条, 第32条, 二百七十六条之一): never rewritten
ARTICLE_NUMBER = re.compile(r"第?[0-9零〇一二两三四五六七八九十百千万]+[条款项](?:之[一二三四五六七八九十]+)?")
MIN_LENGTH, MAX_LENGTH = 2, 4  # words corrected: 赔偿 … 用人单位
MIN_DOCUMENTS = 10  # the corrected word is in at least this many articles (chosen on the typo'd dev sets)
FUNCTION_CHAR_COUNT = 50_000  # a character jieba's dictionary counts this often alone is a function word
# the hundred most common surnames (about 85 % of people): a name jieba tags nr that begins with one
# is a name, not a typo (郭家, 钟华, 贾强, 龚平, 范伟, 陈淑芬); rarer ones (劳东 for 劳动) are read as typos
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施")
PERSON_TAGS, PLACE_TAGS = frozenset({"nr", "nrt", "nrfg"}), frozenset({"ns"})


@dataclass(frozen=True)
class Correction:
    typed: str
    corrected: str
    start: int  # where `typed` starts in the question


@dataclass(frozen=True)
class Corrected:
    text: str
    corrections: tuple[Correction, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.corrections)


def load_readings(path: Path) -> dict[str, str]:
    """content/search/pinyin.txt: character → its usual toneless reading."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, reading = line.split()
            out[ch] = reading
    return out


class HomophoneCorrector:
    """Corrects one-character homophone typos to library words. Read-only after construction, so
    safe to share between threads."""

    def __init__(self, *, known: Mapping[str, int], readings: Mapping[str, str], is_word: Callable[[str], bool],
                 segment: Callable[[str], Sequence[str]], in_library: Callable[[str], bool],
                 function_char: Callable[[str], bool], everyday: Collection[str] = (),
                 tagged: Callable[[str], Sequence[tuple[str, str]]] = lambda _text: (),
                 min_documents: int = MIN_DOCUMENTS) -> None:
        """`known`: the library's words with the number of articles holding each; `readings`: each
        character's usual toneless pinyin (load_readings); `is_word`: a dictionary's test (jieba's
        with the legal user dictionary); `segment`: jieba's words of a
        text (precise mode with its HMM, which glues unknown characters into a non-word);
        `in_library`: whether a text occurs in the library's articles; `function_char`: whether a
        character is a function word (不, 有, 中 …); `everyday`: the vocabulary's everyday words
        (酒驾, 老板 …), never rewritten nor cut into; `tagged`: (word, part of speech) of a text
        (jieba's posseg), for the names never rewritten."""
        self.known = known
        self.is_word = is_word
        self.segment = segment
        self.in_library = in_library
        self.function_char = function_char
        self.everyday = frozenset(everyday)
        self.tagged = tagged
        # (word with one position blanked, position, reading) → library words fitting there: real
        # words (jieba's HMM leaves non-words in the keyword index too) in enough articles
        self._slots: dict[tuple[str, int, str], list[str]] = {}
        for word, count in known.items():
            if (MIN_LENGTH <= len(word) <= MAX_LENGTH and _HAN_RUN.fullmatch(word)
                    and count >= min_documents and is_word(word)):
                # each character under its usual reading, as an input method lists it first (还 under
                # hai; 附, rarely read bu, is no typo of 不; 干 is not read an): heteronyms made
                # misfires, and only cost 长期 typed as 常期 (长 is listed under zhang)
                for i, ch in enumerate(word):
                    if ch in readings:
                        self._slots.setdefault((word[:i] + "_" + word[i + 1:], i, readings[ch]), []).append(word)
        self._readings = readings

    def candidates(self, typed: str) -> list[str]:
        """Library words differing from `typed` in one character, read the same, where neither that
        character nor the ones kept are function words."""
        if any(self.function_char(ch) for ch in typed):
            return []
        found: set[str] = set()
        for i, ch in enumerate(typed):
            found.update(self._slots.get((typed[:i] + "_" + typed[i + 1:], i, self._readings.get(ch, "")), ()))
        found.discard(typed)
        return sorted(found)

    def correct(self, *, text: str, protected: Sequence[str] = ()) -> Corrected:
        """`text` with its typos corrected (the same object when there is none). `protected`: names
        (of laws) never rewritten, besides article numbers."""
        blocked = [False] * len(text)
        for pattern in (ARTICLE_NUMBER, *(re.compile(re.escape(p)) for p in protected if p)):
            for m in pattern.finditer(text):
                blocked[m.start():m.end()] = [True] * (m.end() - m.start())
        found: list[Correction] = []
        tokens = self.segment(text)
        for i, start in _located(text, tokens):
            token = tokens[i]
            end = start + len(token)
            if (not MIN_LENGTH <= len(token) <= MAX_LENGTH or not _HAN_RUN.fullmatch(token)
                    or any(blocked[start:end]) or self.is_word(token) or token in self.known
                    or token in self.everyday):
                continue
            if self._crossed(text, start, end):
                continue
            options = self._options(token, start)
            if len(options) == 1:
                at, typed, word = options.pop()
                if not self.in_library(typed):
                    found.append(Correction(typed, word, at))
        if found and (names := self._names(text)):
            found = [c for c in found if not any(c.start < end and start < c.start + len(c.typed)
                                                 for start, end in names)]
        if not found:
            return Corrected(text)
        out = list(text)
        for c in found:
            out[c.start:c.start + len(c.typed)] = c.corrected
        return Corrected("".join(out), tuple(found))

    def _names(self, text: str) -> list[tuple[int, int]]:
        """Where `text` holds a place name or a person's name beginning with a common surname (only
        looked for once a correction is found: tagging costs more than segmenting)."""
        tagged = self.tagged(text)
        spans = []
        for i, start in _located(text, [word for word, _ in tagged]):
            word, flag = tagged[i]
            if flag in PLACE_TAGS or (flag in PERSON_TAGS and word[0] in SURNAMES):
                spans.append((start, start + len(word)))
        return spans

    def _options(self, token: str, start: int) -> set[tuple[int, str, str]]:
        """(where, typed, library word) for a non-word token: the token itself, or else a piece of it
        (离昏后: a typo glued to the next character)."""
        options = {(start, token, w) for w in self.candidates(token)}
        if options or len(token) == MIN_LENGTH:
            return options
        return {(start + i, token[i:j], w)
                for i in range(len(token)) for j in range(i + MIN_LENGTH, len(token) + 1)
                if (i, j) != (0, len(token)) and not self.is_word(token[i:j]) and token[i:j] not in self.known
                for w in self.candidates(token[i:j])}

    def _crossed(self, text: str, start: int, end: int) -> bool:
        """Whether an everyday word runs across an end of text[start:end] (因酒驾: 酒驾 runs past
        因酒, which is no typo of 饮酒)."""
        for i in range(max(0, start - MAX_LENGTH + 1), end):
            for j in range(max(i + MIN_LENGTH, start + 1), min(len(text), i + MAX_LENGTH) + 1):
                if (i < start < j or i < end < j) and text[i:j] in self.everyday:
                    return True
        return False


def _located(text: str, words: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(index, where it starts in `text`) of each of `words`, a segmentation of `text` in order."""
    pos = 0
    for i, word in enumerate(words):
        start = text.find(word, pos)
        if start < 0:
            continue
        pos = start + len(word)
        yield i, start


@cache
def _readings(path: Path) -> dict[str, str]:
    return load_readings(path)


def corrector_for(*, texts: Iterable[str], lexical, tokenizer, everyday: Collection[str],
                  min_documents: int = MIN_DOCUMENTS) -> HomophoneCorrector:
    """The corrector over a corpus: `texts` its articles' text, `lexical` its keyword index
    (portal.search.lexical.LexicalIndex), `tokenizer` the LegalTokenizer it was made with,
    `everyday` the vocabulary's everyday words."""
    from portal.search.tokenizer import resource_dir

    library_text = "\n".join(texts)
    return HomophoneCorrector(
        known=library_words(lexical), readings=_readings(resource_dir() / "pinyin.txt"),
        is_word=tokenizer.is_word, segment=tokenizer.words,
        in_library=lambda text: text in library_text, everyday=everyday, min_documents=min_documents,
        tagged=tokenizer.tagged,
        function_char=lambda ch: ch in tokenizer.stopwords or tokenizer.frequency(ch) >= FUNCTION_CHAR_COUNT)


def typo_note(corrections: Sequence[Correction]) -> str:
    """What the page says above the answer: which words were read as which, each pair once (not
    您输入的, since a question in 繁体 is named in simplified characters)."""
    pairs = list(dict.fromkeys((c.typed, c.corrected) for c in corrections))
    typed = "".join(f"“{t}”" for t, _ in pairs)
    meant = "".join(f"“{m}”" for _, m in pairs)
    return f"问题中的{typed}可能是错别字，已按{meant}查找。"


def library_words(lexical) -> dict[str, int]:
    """The keyword index's Han words of 2–4 characters with the number of articles holding each
    (`lexical`: a portal.search.lexical.LexicalIndex)."""
    import numpy as np

    counts = np.diff(np.asarray(lexical.bm25.scores["indptr"]))
    return {word: int(counts[column]) for word, column in lexical.bm25.vocab_dict.items()
            if MIN_LENGTH <= len(word) <= MAX_LENGTH and _HAN_RUN.fullmatch(word) and column < len(counts)}
