"""Index artefacts (索引文件) under settings.index_dir and their manifest.

One folder per (corpus, embedder): `vectors.faiss`, `bm25/` (the bm25s arrays), `ids.json` and
`manifest.json` (embedder, model id, dimension, content hash, code version, build time, sha256 of
every file). An index is served only when its manifest matches what would be built now and every
checksum holds; otherwise it is rebuilt. A build is written to a temporary folder and moved into
place, so a crash leaves no half-written index behind. Document vectors are encoded in chunks
saved as they finish, so an interrupted build of a large corpus resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portal.search.documents import Corpus
from portal.search.embedder import Embedder
from portal.search.lexical import LexicalIndex, document_tokens
from portal.search.tokenizer import LegalTokenizer
from portal.search.vector import VectorIndex

INDEX_FORMAT = "2"  # bump when the document text or artefact layout changes
CHUNK = 256  # documents per resumable chunk
BATCH = 32  # documents per encoder call (progress granularity)
Progress = Callable[[int, int], None]


class IndexError_(RuntimeError):
    """An artefact that must not be served (stale, partial or corrupt)."""


@dataclass
class IndexArtefacts:
    lexical: LexicalIndex
    vector: VectorIndex
    manifest: dict
    directory: Path
    built: bool  # True when this call built it (False: loaded from disk)
    build_seconds: float


def code_version(tokenizer: LegalTokenizer) -> str:
    return f"{INDEX_FORMAT}-{tokenizer.version}"


def index_directory(base: Path, corpus: Corpus, embedder: Embedder) -> Path:
    """library-<model> for the portal's library (rebuilt in place when content changes);
    corpus-<hash>-<model> for an evaluation corpus (one cache per corpus and model)."""
    model = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder.model_id)[-60:]
    if corpus.name == "library":
        return base / f"library-{model}"
    return base / f"corpus-{corpus.content_hash[:16]}-{model}"


def expected_manifest(corpus: Corpus, embedder: Embedder, tokenizer: LegalTokenizer) -> dict:
    return {"embedder": type(embedder).__name__, "model_id": embedder.model_id, "dim": embedder.dim,
            "content_hash": corpus.content_hash, "code_version": code_version(tokenizer),
            "documents": len(corpus)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name != "manifest.json")


def load_index(directory: Path, expected: dict, corpus: Corpus) -> IndexArtefacts:
    """Load a verified index or raise IndexError_ saying why it cannot be served."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"no readable manifest: {exc}") from None
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise IndexError_(f"manifest {key} differs")
    checksums = manifest.get("checksums") or {}
    present = {str(p.relative_to(directory)) for p in _files(directory)}
    if not checksums or set(checksums) != present:
        raise IndexError_("artefact files missing or unexpected")
    for name, digest in checksums.items():
        if _sha256(directory / name) != digest:
            raise IndexError_(f"checksum mismatch in {name}")
    try:
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        vector = VectorIndex.load(directory / "vectors.faiss")
        lexical = LexicalIndex.load(directory / "bm25")
    except Exception as exc:  # any unreadable artefact means rebuild, never serve
        raise IndexError_(f"unreadable artefact: {exc}") from None
    if ids != [d.id for d in corpus.documents] or vector.size != len(corpus) or lexical.size != len(corpus):
        raise IndexError_("artefact sizes do not match the corpus")
    if vector.dim != expected["dim"]:
        raise IndexError_("vector dimension differs")
    return IndexArtefacts(lexical, vector, manifest, directory, False, float(manifest.get("build_seconds", 0)))


def _encode_resumable(corpus: Corpus, embedder: Embedder, work: Path, progress: Progress | None) -> np.ndarray:
    """Document vectors, chunk by chunk; finished chunks in `work` are reused."""
    texts = [d.dense_text for d in corpus.documents]
    total = len(texts)
    chunks: list[np.ndarray] = []
    done = 0
    for start in range(0, total, CHUNK):
        path = work / f"chunk-{start:08d}.npy"
        part = None
        if path.is_file():
            with contextlib.suppress(Exception):
                part = np.load(path, allow_pickle=False)
            if part is not None and part.shape != (min(CHUNK, total - start), embedder.dim):
                part = None
        if part is None:
            pieces = []
            for b in range(start, min(start + CHUNK, total), BATCH):
                pieces.append(embedder.encode_documents(texts[b:min(b + BATCH, start + CHUNK, total)]))
                if progress:
                    progress(min(b + BATCH, start + CHUNK, total), total)
            part = np.concatenate(pieces).astype(np.float32)
            tmp = work / f".chunk-{start:08d}.{os.getpid()}.npy"
            np.save(tmp, part)
            os.replace(tmp, path)
        chunks.append(part)
        done = start + part.shape[0]
        if progress:
            progress(done, total)
    return np.concatenate(chunks) if chunks else np.zeros((0, embedder.dim), np.float32)


def _reusable_vectors(directory: Path, expected: dict) -> np.ndarray | None:
    """The document vectors of an existing index of the same content and model (a change of
    tokenizer or code version alone does not need the slow re-encoding)."""
    try:
        old = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if any(old.get(k) != expected[k] for k in ("model_id", "dim", "content_hash", "documents")):
            return None
        if _sha256(directory / "vectors.faiss") != old["checksums"]["vectors.faiss"]:
            return None
        vector = VectorIndex.load(directory / "vectors.faiss")
        vectors = vector.index.reconstruct_n(0, vector.size)
        return vectors if vectors.shape == (expected["documents"], expected["dim"]) else None
    except Exception:  # anything unreadable: encode afresh
        return None


def build_index(directory: Path, expected: dict, corpus: Corpus, embedder: Embedder,
                tokenizer: LegalTokenizer, progress: Progress | None) -> IndexArtefacts:
    started = time.perf_counter()
    base = directory.parent
    work = base / f".{directory.name}.building"
    stamp = {k: expected[k] for k in ("model_id", "content_hash", "code_version")}
    stamp_file = work / "building.json"
    if work.is_dir():
        try:
            if json.loads(stamp_file.read_text(encoding="utf-8")) != stamp:
                shutil.rmtree(work)
        except (OSError, ValueError):
            shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")

    vectors = _reusable_vectors(directory, expected)
    if vectors is None:
        vectors = _encode_resumable(corpus, embedder, work, progress)
    elif progress:
        progress(len(corpus), len(corpus))
    lexical = LexicalIndex.build(document_tokens(d, tokenizer) for d in corpus.documents)
    vector = VectorIndex.build(vectors) if len(corpus) else VectorIndex.build(np.zeros((0, embedder.dim)))

    tmp = base / f".{directory.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    vector.save(tmp / "vectors.faiss")
    lexical.save(tmp / "bm25")
    (tmp / "ids.json").write_text(json.dumps([d.id for d in corpus.documents], ensure_ascii=False), encoding="utf-8")
    seconds = time.perf_counter() - started
    manifest = dict(expected, built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    build_seconds=round(seconds, 2),
                    checksums={str(p.relative_to(tmp)): _sha256(p) for p in _files(tmp)})
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    old = base / f".{directory.name}.old-{os.getpid()}"
    if directory.exists():
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return IndexArtefacts(lexical, vector, manifest, directory, True, seconds)


def load_or_build(corpus: Corpus, embedder: Embedder, tokenizer: LegalTokenizer, base: Path,
                  progress: Progress | None = None) -> IndexArtefacts:
    """The verified index for this corpus and embedder, building it (under a file lock, so two
    processes never build the same index at once) when it is missing, stale or corrupt."""
    directory = index_directory(base, corpus, embedder)
    expected = expected_manifest(corpus, embedder, tokenizer)
    with contextlib.suppress(IndexError_):
        return load_index(directory, expected, corpus)
    base.mkdir(parents=True, exist_ok=True)
    with open(base / f".{directory.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with contextlib.suppress(IndexError_):
                return load_index(directory, expected, corpus)  # another process built it meanwhile
            return build_index(directory, expected, corpus, embedder, tokenizer, progress)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
