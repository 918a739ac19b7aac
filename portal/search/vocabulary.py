"""The maintained vocabulary: everyday words → statutory terms (同义词), and per-law cue words and
aliases (法律提示词). Both live as YAML under content/search/ so they can be edited without code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from portal.search.tokenizer import resource_dir


@dataclass(frozen=True)
class Vocabulary:
    """Synonyms and law hints, as loaded."""

    synonyms: dict[str, tuple[str, ...]]
    law_cues: dict[str, tuple[str, ...]]
    law_aliases: dict[str, tuple[str, ...]]

    def expansions(self, query: str) -> list[str]:
        """Statutory terms for every everyday word that occurs in the query (substring match,
        longest words first so 拖欠工资 is preferred over 工资), without repeats."""
        out: list[str] = []
        seen: set[str] = set()
        for word in sorted(self.synonyms, key=len, reverse=True):
            if word in query:
                for term in self.synonyms[word]:
                    if term not in seen and term not in query:
                        seen.add(term)
                        out.append(term)
        return out

    def cued_laws(self, query: str) -> dict[str, int]:
        """Law slug → number of its cue words found in the query."""
        hits: dict[str, int] = {}
        for slug, cues in self.law_cues.items():
            n = sum(1 for cue in cues if cue in query)
            if n:
                hits[slug] = n
        return hits


def _load_yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
