"""The question bank as a retrieval component (常见问题库检索): the published bank questions nearest
to a citizen's question (dense cosine, question to question) vote for the articles a lawyer chose
for them, gated by similarity. Also serves 相似问题 on the 法律问答 page.

The bank is whatever entries the engine is given (the shipped seed for the evaluation CLI, the
published database entries on the page). Question vectors are cached per question text and model
in the learned-artefacts folder (portal/search/learned.py), so a staff addition costs one encoding."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portal.settings import PROJECT_ROOT

SEED_FILE = PROJECT_ROOT / "content" / "qa" / "stard-train.jsonl"


@dataclass(frozen=True)
class BankEntry:
    id: str
    question: str
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class SimilarQuestion:
    entry: BankEntry
    score: float  # cosine between the citizen's question and the bank question


def load_seed(path: Path = SEED_FILE, *, known: Iterable[str] | None = None) -> list[BankEntry]:
    """The shipped seed (JSON lines {"id", "query", "gold"}). With `known` (the library's
    provision ids), an entry citing an article the library does not ship is left out whole."""
    known_ids = set(known) if known is not None else None
    out: list[BankEntry] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        provisions = tuple(str(p) for p in row["gold"])
        if known_ids is not None and not set(provisions) <= known_ids:
            continue
        out.append(BankEntry(id=str(row["id"]), question=str(row["query"]), provisions=provisions))
    return out


def question_key(question: str, model_id: str) -> str:
    return hashlib.sha256(f"{model_id}\n{question}".encode()).hexdigest()[:24]


def bank_hash(entries: Sequence[BankEntry]) -> str:
    """Content hash of a bank (questions and their articles, in order)."""
    digest = hashlib.sha256()
    for e in entries:
        digest.update(json.dumps([e.id, e.question, list(e.provisions)], ensure_ascii=False).encode())
    return digest.hexdigest()


class QuestionBank:
    """Bank entries with their (normalised) question vectors."""

    def __init__(self, entries: Sequence[BankEntry], vectors: np.ndarray) -> None:
        if len(entries) != vectors.shape[0]:
            raise ValueError("one vector per bank entry")
        self.entries = list(entries)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.entries)

    def nearest(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(entry index, cosine) of the k nearest bank questions, best first."""
        if not self.entries or k <= 0:
            return []
        sims = self.vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(i), float(sims[i])) for i in top]

    def vote(self, query_vector: np.ndarray, *, neighbours: int, gate: float,
             row_of: Mapping[str, int]) -> list[int]:
        """Corpus rows ranked by the summed cosine of the nearest bank questions (at most
        `neighbours`, each at least `gate` similar) that cite them."""
        scores: dict[int, float] = {}
        for index, sim in self.nearest(query_vector, neighbours):
            if sim < gate:
                break
            for pid in self.entries[index].provisions:
                row = row_of.get(pid)
                if row is not None:
                    scores[row] = scores.get(row, 0.0) + sim
        return sorted(scores, key=lambda r: (-scores[r], r))

    def vote_shares(self, query_vector: np.ndarray, *, neighbours: int, sharpness: float,
                    row_of: Mapping[str, int]) -> dict[int, float]:
        """Corpus row → share of the weight of the nearest `neighbours` bank questions that cites
        it (each question weighted by max(cosine, 0) ** sharpness, split evenly over its
        articles): the reranker's bank evidence."""
        shares: dict[int, float] = {}
        total = 0.0
        for index, sim in self.nearest(query_vector, neighbours):
            weight = max(sim, 0.0) ** sharpness
            if weight <= 0.0:
                continue
            total += weight
            provisions = self.entries[index].provisions
            for pid in provisions:
                row = row_of.get(pid)
                if row is not None:
                    shares[row] = shares.get(row, 0.0) + weight / len(provisions)
        return {row: v / total for row, v in shares.items()} if total > 0 else {}

    def article_counts(self, row_of: Mapping[str, int], n_rows: int) -> np.ndarray:
        """How many bank questions cite each corpus row (the article prior's evidence: real
        consultation questions concentrate on a few hundred articles)."""
        return citation_counts(self.entries, row_of, n_rows)


def servable(entries: Iterable[BankEntry], known: Container[str]) -> list[BankEntry]:
    """The entries a library can serve: those citing at least one article, all of them in `known`
    (an entry citing an article the library lacks is left out whole, never half-served)."""
    return [e for e in entries if e.provisions and all(p in known for p in e.provisions)]

def citation_counts(entries: Iterable[BankEntry], row_of: Mapping[str, int], n_rows: int) -> np.ndarray:
    counts = np.zeros(n_rows, dtype=np.float32)
    for entry in entries:
        for pid in entry.provisions:
            row = row_of.get(pid)
            if row is not None:
                counts[row] += 1
    return counts


# 相似问题 looks at this many nearest bank questions per one it shows
CANDIDATES = 4


def relevant_similar(near: Sequence[SimilarQuestion], hit_ids: Sequence[str], *, k: int = 3,
                     alone: float | None = None) -> list[SimilarQuestion]:
    """The nearest bank questions that belong beside the answer, nearest first: those citing an
    article the answer shows, or, with `alone` (the cosine `tune` chose for the serving encoder:
    SearchEngine.similar_rule), at least that close to the question."""
    shown = set(hit_ids)
    return [s for s in near
            if (alone is not None and s.score >= alone) or shown.intersection(s.entry.provisions)][:k]


def article_prior(counts: np.ndarray) -> np.ndarray:
    """The article prior, log(1 + citations): added to a fused score as `prior_weight` × this /
    (rrf_k + 1), i.e. in units of a first place in one component."""
    return np.log1p(np.asarray(counts, dtype=np.float32))
