"""Lexical retrieval (关键词检索): BM25 (bm25s) over jieba tokens of law title, chapter path,
article label and text. The title and heading are repeated so a match there counts more."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np

from portal.search.documents import SearchDocument
from portal.search.tokenizer import LegalTokenizer

TITLE_REPEAT = 1  # field weight of law title + chapter path + label (chosen on the dev set)


def document_tokens(doc: SearchDocument, tokenizer: LegalTokenizer) -> list[str]:
    head = tokenizer.tokens(f"{doc.title} {doc.heading}")
    return head * TITLE_REPEAT + tokenizer.tokens(doc.text)


class LexicalIndex:
    """BM25 scores of every document for a weighted bag of query terms."""

    def __init__(self, bm25: bm25s.BM25) -> None:
        self.bm25 = bm25
        self.size = int(bm25.scores["num_docs"])

    @classmethod
    def build(cls, token_lists: Iterable[list[str]]) -> LexicalIndex:
        corpus = [tokens or [""] for tokens in token_lists]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index(corpus, show_progress=False)
        return cls(bm25)

    def save(self, directory: Path) -> None:
        self.bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), show_progress=False, verbosity=0))

    def known(self, terms: Sequence[str]) -> list[str]:
        vocab = self.bm25.vocab_dict
        return [t for t in terms if t and t in vocab]

    def scores(self, weighted_terms: Sequence[tuple[str, float]]) -> np.ndarray:
        """Σ weight × BM25(term) per document (bm25s sums per-term scores, so terms with the same
        weight are scored together)."""
        total = np.zeros(self.size, dtype=np.float32)
        by_weight: dict[float, list[int]] = {}
        vocab = self.bm25.vocab_dict
        for term, weight in weighted_terms:
            if term in vocab and weight > 0:
                by_weight.setdefault(weight, []).append(vocab[term])
        for weight, ids in by_weight.items():
            total += weight * np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)
        return total
