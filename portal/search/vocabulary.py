"""The maintained vocabulary: everyday words → statutory terms (同义词), and per-law cue words and
aliases (法律提示词). Both live as YAML under content/search/ so they can be edited without code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from portal import yamlload
from portal.search.tokenizer import resource_dir

MAX_KEY_WORDS = 6  # longest run of jieba words a vocabulary key may span


@dataclass(frozen=True)
class Vocabulary:
    """Synonyms and law hints, as loaded."""

    synonyms: dict[str, tuple[str, ...]]
    law_cues: dict[str, tuple[str, ...]]
    law_aliases: dict[str, tuple[str, ...]]

    def expansions(self, query: str) -> list[str]:
        """Statutory terms for every everyday word of the query, without repeats. A key matches
        only whole jieba words or a run of them (so 抢 never fires inside 抢救), longest keys
        first (拖欠工资 before 工资)."""
        from portal.search.tokenizer import get_tokenizer

        words = get_tokenizer().words(query)
        spans = {"".join(words[i:j]) for i in range(len(words))
                 for j in range(i + 1, min(len(words), i + MAX_KEY_WORDS) + 1)}
        out: list[str] = []
        seen: set[str] = set()
        for word in sorted(self.synonyms, key=len, reverse=True):
            if word in spans:
                for term in self.synonyms[word]:
                    if term not in seen and term not in query:
                        seen.add(term)
                        out.append(term)
        return out


def _load_yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    data = yamlload.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def load_vocabulary(directory: Path) -> Vocabulary:
    synonyms = {str(k): tuple(str(v) for v in (vals or ())) for k, vals in
                _load_yaml(directory / "synonyms.yaml").items()}
    hints = _load_yaml(directory / "law_hints.yaml")
    cues = {slug: tuple(str(c) for c in (h or {}).get("cues", ())) for slug, h in hints.items()}
    aliases = {slug: tuple(str(a) for a in (h or {}).get("aliases", ())) for slug, h in hints.items()}
    return Vocabulary(synonyms=synonyms, law_cues=cues, law_aliases=aliases)


@lru_cache(maxsize=4)
def _vocabulary_for(directory: str) -> Vocabulary:
    return load_vocabulary(Path(directory))


def get_vocabulary() -> Vocabulary:
    return _vocabulary_for(str(resource_dir()))
