"""What retrieval learns from the question bank, kept next to the library index in
`<index dir>/learned-<model>/`: the bank's question vectors (cached per question text and model)
and the linear query adapter (384×384, trained by `python -m portal.search train`).

manifest.json keys the adapter by the model id and records the library's content hash (it was
trained against those article vectors) and the bank's content hash it was trained on. No adapter
(or one for another model) means the identity; one trained against another corpus still serves
(it maps questions within the model's space), and a test keeps the shipped one current. The
second encoder's adapter (`second_adapter.npy`, 512×512) is kept the same way. Serving applies
them with numpy; torch is imported only to train."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portal.search.bank import BankEntry, QuestionBank, bank_hash, question_key
from portal.search.embedder import Embedder, normalise

log = logging.getLogger(__name__)

ADAPTER_FILE = "adapter.npy"
SECOND_ADAPTER_FILE = "second_adapter.npy"  # the second encoder's (portal/search/second.py)
BANK_VECTORS = "bank_vectors.npy"
BANK_KEYS = "bank_keys.json"


def learned_directory(base: Path, model_id: str) -> Path:
    return base / f"learned-{re.sub(r'[^A-Za-z0-9._-]+', '_', model_id)[-60:]}"


def read_learned_manifest(directory: Path) -> dict:
    try:
        data = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _cached_bank_vectors(directory: Path) -> dict[str, np.ndarray]:
    try:
        keys = json.loads((directory / BANK_KEYS).read_text(encoding="utf-8"))
        vectors = np.load(directory / BANK_VECTORS, allow_pickle=False)
    except (OSError, ValueError):
        return {}
    if not isinstance(keys, list) or vectors.ndim != 2 or len(keys) != vectors.shape[0]:
        return {}
    return {str(k): vectors[i].astype(np.float32) for i, k in enumerate(keys)}


def question_bank(entries: Sequence[BankEntry], embedder: Embedder, directory: Path) -> QuestionBank:
    """The bank with its question vectors: cached ones reused, the others encoded now (in memory;
    `save_bank_vectors` writes the cache)."""
    cached = _cached_bank_vectors(directory)
    keys = [question_key(e.question, embedder.model_id) for e in entries]
    missing = [i for i, key in enumerate(keys) if key not in cached]
    fresh = embedder.encode_queries([entries[i].question for i in missing]) if missing else None
    vectors = np.zeros((len(entries), embedder.dim), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in cached and cached[key].shape[0] == embedder.dim:
            vectors[i] = cached[key]
    if fresh is not None:
        vectors[missing] = fresh
    return QuestionBank(entries, normalise(vectors) if len(entries) else vectors)


def save_bank_vectors(bank: QuestionBank, model_id: str, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    keys = [question_key(e.question, model_id) for e in bank.entries]
    np.save(directory / BANK_VECTORS, bank.vectors.astype(np.float16), allow_pickle=False)
    (directory / BANK_KEYS).write_text(json.dumps(keys), encoding="utf-8")


@dataclass(frozen=True)
class AdapterSettings:
    penalty: float  # weight of ||W - I||² (pull towards the identity)
    temperature: float  # softmax temperature over all articles
    steps: int
    learning_rate: float
    # weight of a dev question against a bank question (chosen by CV when the dev sets were ~150
    # questions; at 1,074 they outweighed the bank about 4:1 and 0.75 / 1.5 / 3 scored alike by CV,
    # notes/2026-12-01-evidence-limits.md; since dev10, 1,427 questions, about 5:1)
    dev_weight: float = 3.0


# the second encoder's query adapter: the e5 adapter's settings (`train`'s defaults), not tuned apart
SECOND_ADAPTER = AdapterSettings(penalty=0.1, temperature=0.05, steps=60, learning_rate=5e-3, dev_weight=3.0)


def train_adapter(question_vectors: np.ndarray, gold_rows: Sequence[Sequence[int]],
                  document_vectors: np.ndarray, settings: AdapterSettings,
                  weights: Sequence[float] | None = None) -> np.ndarray:
    """W (d×d, from the identity) minimising the (question-weighted) softmax cross-entropy of each
    (question, gold article) pair over all articles, plus penalty·||W − I||². Full-batch Adam on
    CPU, seeded."""
    import torch

    torch.manual_seed(0)
    pairs = [(i, g) for i, rows in enumerate(gold_rows) for g in rows]
    if not pairs:
        return np.eye(document_vectors.shape[1], dtype=np.float32)
    q = torch.tensor(np.asarray(question_vectors, dtype=np.float32))
    d = torch.tensor(np.asarray(document_vectors, dtype=np.float32))
    qi = torch.tensor([p[0] for p in pairs])
    gi = torch.tensor([p[1] for p in pairs])
    wi = torch.tensor([1.0 if weights is None else float(weights[p[0]]) for p in pairs])
    eye = torch.eye(d.shape[1])
    w = eye.clone().requires_grad_(True)
    opt = torch.optim.Adam([w], lr=settings.learning_rate)
    for _ in range(settings.steps):
        z = torch.nn.functional.normalize(q @ w, dim=1)
        logits = (z @ d.T) / settings.temperature
        ce = torch.nn.functional.cross_entropy(logits[qi], gi, reduction="none")
        loss = (ce * wi).sum() / wi.sum() + settings.penalty * ((w - eye) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return w.detach().numpy().astype(np.float32)


def apply_adapter(vectors: np.ndarray, adapter: np.ndarray | None) -> np.ndarray:
    if adapter is None:
        return vectors
    return normalise(np.asarray(vectors, dtype=np.float32) @ adapter)


def _adapter_key(file: str) -> str:
    return "adapter" if file == ADAPTER_FILE else "second_adapter"


def load_adapter(directory: Path, *, model_id: str, corpus_hash: str, dim: int,
                 file: str = ADAPTER_FILE) -> np.ndarray | None:
    """The trained adapter if it was trained for this model, else None (identity). It maps
    questions within the model's space, so it also serves another corpus (an evaluation corpus, or
    the library after a content change: the log then says to retrain; a test keeps the shipped one
    current). `file`: ADAPTER_FILE (the embedding model's) or SECOND_ADAPTER_FILE."""
    manifest = read_learned_manifest(directory)
    adapter = manifest.get(_adapter_key(file)) or {}
    if adapter.get("model_id") != model_id:
        return None
    if adapter.get("corpus_hash") != corpus_hash:
        log.info("search: %s was trained against another corpus (python -m portal.search train retrains it)", file)
    try:
        matrix = np.load(directory / file, allow_pickle=False).astype(np.float32)
    except (OSError, ValueError):
        return None
    return matrix if matrix.shape == (dim, dim) else None


def save_adapter(directory: Path, matrix: np.ndarray, *, model_id: str, corpus_hash: str,
                 entries: Sequence[BankEntry], settings: AdapterSettings, dev_questions: int = 0,
                 file: str = ADAPTER_FILE) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    np.save(directory / file, matrix.astype(np.float32), allow_pickle=False)
    manifest = read_learned_manifest(directory)
    manifest[_adapter_key(file)] = {"model_id": model_id, "corpus_hash": corpus_hash,
                           "bank_hash": bank_hash(entries), "bank_entries": len(entries),
                           "penalty": settings.penalty, "temperature": settings.temperature,
                           "steps": settings.steps, "learning_rate": settings.learning_rate,
                           "dev_questions": dev_questions, "dev_weight": settings.dev_weight}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
