"""Dense retrieval (向量检索): faiss IndexFlatIP over L2-normalised vectors (inner product =
cosine). Row i of the index is document i of the corpus (row → provision id by position)."""

from __future__ import annotations

import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from portal.search.embedder import normalise

# One query at a time is a memory-bound scan; OpenMP threads only add spin-waiting when the two
# cores are shared with the model and other processes (measured: p50 57 ms → 33 ms on 55k docs).
faiss.omp_set_num_threads(1)
# The same for numpy's BLAS (the reranker's cosines over all articles): 2 threads took 1.5 ms a
# question quiet and up to hundreds under load (spin-waiting), 1 thread 0.5 ms.
threadpool_limits(1, user_api="blas")


class VectorIndex:
    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> VectorIndex:
        vectors = normalise(vectors)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return cls(index)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(cosines, rows) of the k nearest documents, best first."""
        k = max(1, min(k, self.size))
        scores, rows = self.index.search(normalise(query_vector), k)
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]

    def vectors(self) -> np.ndarray:
        """All document vectors (rows in corpus order), for training and tuning."""
        return self.index.reconstruct_n(0, self.size)
