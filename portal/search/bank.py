"""What search knows of the question bank (常见问题库): a published question and its articles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankEntry:
    """A published bank question: `id` names it (the database id as text), `provisions` are the
    provision ids a lawyer chose for it, in order."""

    id: str
    question: str
    provisions: tuple[str, ...]


@dataclass(frozen=True)
class SimilarQuestion:
    """A published bank question close to a citizen's question, with how close (higher = closer).

    What `SearchEngine.similar_questions(query, *, k)` returns, nearest first."""

    entry: BankEntry
    score: float

