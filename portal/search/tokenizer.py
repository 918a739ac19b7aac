"""Word segmentation (分词) for legal Chinese: jieba with a user dictionary of legal and 信访 terms,
minus stop words. bm25s's own splitter would take a whole run of Han characters as one token, so
the lexical index is always fed these tokens."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

from portal.settings import get_settings

_HAN_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]")
jieba.setLogLevel(logging.WARNING)


def resource_dir() -> Path:
    """content/search: user dictionary, stop words, synonyms, law hints."""
    return get_settings().content_dir / "search"


class LegalTokenizer:
    """Segments text with the legal user dictionary; `tokens()` drops stop words and punctuation.

    Search-mode segmentation also yields the parts of long compounds (劳动争议仲裁委员会 →
    劳动, 争议, 仲裁, 委员会, …), so a question using a shorter word still matches."""

    def __init__(self, userdict: Path | None, stopwords: Path | None) -> None:
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self.userdict_text = userdict.read_text(encoding="utf-8") if userdict and userdict.is_file() else ""
        self.stopwords = frozenset(
            line.strip() for line in (stopwords.read_text(encoding="utf-8").splitlines()
                                      if stopwords and stopwords.is_file() else []) if line.strip())
        self._ready = False
        self._pos = None   # jieba.posseg over self._jieba, made on first use (tagged)

    def _ensure_ready(self) -> None:
        # jieba builds its prefix dictionary lazily; do it once, under a lock, for all threads
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            for line in self.userdict_text.splitlines():
                parts = line.split()
                if parts:
                    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                    self._jieba.add_word(parts[0], freq=freq)
            self._ready = True

    @property
    def version(self) -> str:
        """Changes whenever the segmentation of documents could change (part of the index key)."""
        digest = hashlib.sha256(self.userdict_text.encode())
        digest.update("\n".join(sorted(self.stopwords)).encode())
        return digest.hexdigest()[:16]

    def words(self, text: str) -> list[str]:
        """Every segment, in order, including stop words (for display and phrase checks)."""
        self._ensure_ready()
        return [w for w in self._jieba.cut(text) if w.strip()]

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) of jieba's posseg over the same dictionaries: nr a person's name,
        ns a place name (the typo corrector leaves names alone)."""
        self._ensure_ready()
        if self._pos is None:
            import jieba.posseg

            with self._lock:
                if self._pos is None:
                    self._pos = jieba.posseg.POSTokenizer(self._jieba)
        return [(pair.word, pair.flag) for pair in self._pos.cut(text)]

    def frequency(self, text: str) -> int:
        """How often jieba's dictionary (or the legal user dictionary) counts `text` as a word; 0
        when it is none."""
        self._ensure_ready()
        return int(self._jieba.FREQ.get(text, 0))

    def is_word(self, text: str) -> bool:
        """Whether `text` is a word of jieba's dictionary or of the legal user dictionary."""
        return self.frequency(text) > 0

    def tokens(self, text: str) -> list[str]:
        """Index/query terms: search-mode segments, lower-cased, without stop words or punctuation."""
        self._ensure_ready()
        out: list[str] = []
        for word in self._jieba.cut_for_search(text):
            word = word.strip().lower()
            if word and word not in self.stopwords and _HAN_OR_WORD.search(word):
                out.append(word)
        return out


@lru_cache(maxsize=4)
def _tokenizer_for(directory: str) -> LegalTokenizer:
    base = Path(directory)
    return LegalTokenizer(base / "userdict.txt", base / "stopwords.txt")


def get_tokenizer() -> LegalTokenizer:
    """The process-wide tokenizer for the configured content folder."""
    return _tokenizer_for(str(resource_dir()))
