"""Index artefacts (索引文件) under settings.index_dir and their manifest.

One folder per (corpus, embedder), e.g. `index/library-<model>/`:

- `vectors.npy` — the document vectors, float16, row i = document i of the corpus;
- `rows.json` — per row the provision id and a hash of its indexed text and the model id;
- `bm25/` — the bm25s arrays (loading them takes milliseconds; re-tokenising takes seconds);
- `manifest.json` — format, embedder, model id, dimension, content hash, code version, counts,
  build time and the sha256 of every other file.

An index is served only when its manifest matches what would be built now and every checksum
holds; otherwise it is rebuilt. Loading only reads, so the folder may be shared read-only between
replicas (a stale index in a read-only folder is rebuilt in memory, never written). A build
re-encodes only the documents whose text hash is not in the previous index of the same folder,
so changing or adding a law encodes just its changed articles. Builds are written to a temporary
folder and moved into place; encoded chunks are saved as they finish, so an interrupted build
resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
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

INDEX_FORMAT = "3"  # bump when the document text or artefact layout changes
CHUNK = 256  # documents per resumable chunk
BATCH = 32  # documents per encoder call (progress granularity)
VECTOR_DTYPE = np.float16  # stored precision (cosines move by < 1e-3; halves the committed size)
REBUILD_HINT = "run `python -m portal.search build`"
Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)


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
    encoded: int = 0  # documents encoded by this call (0 when every vector was reused)
    saved: bool = True  # False when built in memory only (read-only index folder)


def code_version(tokenizer: LegalTokenizer) -> str:
    return f"{INDEX_FORMAT}-{tokenizer.version}"


def index_directory(base: Path, corpus: Corpus, model_id: str) -> Path:
    """library-<model> for the portal's library (rebuilt in place when content changes);
    corpus-<hash>-<model> for an evaluation corpus (one cache per corpus and model)."""
    model = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)[-60:]
    if corpus.name == "library":
        return base / f"library-{model}"
    return base / f"corpus-{corpus.content_hash[:16]}-{model}"


def text_hashes(corpus: Corpus, model_id: str) -> list[str]:
    """Per document: a hash of the text the embedder sees and the model id (the reuse key)."""
    return [hashlib.sha256(f"{model_id}\n{d.dense_text}".encode()).hexdigest()[:24] for d in corpus.documents]


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


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"no readable manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise IndexError_("no readable manifest")
    return manifest


def verify_checksums(directory: Path, manifest: dict, names: list[str] | None = None) -> None:
    """Every file listed (or the given ones) is present and unchanged; with `names` None, no file
    is missing or unexpected either."""
    checksums = manifest.get("checksums") or {}
    if names is None:
        present = {p.relative_to(directory).as_posix() for p in _files(directory)}
        if not checksums or set(checksums) != present:
            raise IndexError_("artefact files missing or unexpected")
        names = list(checksums)
    for name in names:
        if name not in checksums or not (directory / name).is_file() or _sha256(directory / name) != checksums[name]:
            raise IndexError_(f"checksum mismatch in {name}")


def _load_vectors(directory: Path) -> np.ndarray:
    vectors = np.load(directory / "vectors.npy", allow_pickle=False)
    if vectors.ndim != 2:
        raise ValueError("vectors.npy is not a matrix")
    return vectors


def _load_rows(directory: Path) -> tuple[list[str], list[str]]:
    rows = json.loads((directory / "rows.json").read_text(encoding="utf-8"))
    return list(rows["ids"]), list(rows["text_hashes"])


def load_index(directory: Path, expected: dict, corpus: Corpus) -> IndexArtefacts:
    """Load a verified index or raise IndexError_ saying why it cannot be served. Reads only."""
    manifest = read_manifest(directory)
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise IndexError_(f"manifest {key} differs")
    verify_checksums(directory, manifest)
    try:
        ids, hashes = _load_rows(directory)
        vectors = _load_vectors(directory)
        lexical = LexicalIndex.load(directory / "bm25")
    except Exception as exc:  # any unreadable artefact means rebuild, never serve
        raise IndexError_(f"unreadable artefact: {exc}") from None
    if ids != [d.id for d in corpus.documents] or hashes != text_hashes(corpus, expected["model_id"]) \
            or vectors.shape[0] != len(corpus) or lexical.size != len(corpus):
        raise IndexError_("artefact sizes do not match the corpus")
    if vectors.shape[1] != expected["dim"]:
        raise IndexError_("vector dimension differs")
    return IndexArtefacts(lexical, VectorIndex.build(vectors), manifest, directory, False,
                          float(manifest.get("build_seconds", 0)))


def reusable_vectors(directory: Path, model_id: str, dim: int) -> dict[str, np.ndarray]:
    """text hash → vector from an existing index folder of the same model (any content, any code
    version): an unchanged article is never encoded again. Unverifiable files give nothing."""
    try:
        manifest = read_manifest(directory)
        if manifest.get("model_id") != model_id or manifest.get("dim") != dim:
            return {}
        verify_checksums(directory, manifest, ["vectors.npy", "rows.json"])
        _, hashes = _load_rows(directory)
        vectors = _load_vectors(directory)
    except Exception:  # anything unreadable: encode afresh
        return {}
    if vectors.shape != (len(hashes), dim):
        return {}
    return dict(zip(hashes, vectors, strict=True))


def sibling_indexes(base: Path, directory: Path) -> list[Path]:
    """The other index folders in `base` (the library's first): their vectors may be reused by text
    hash."""
    try:
        folders = [p for p in base.iterdir() if p.is_dir() and p != directory
                   and p.name.startswith(("library-", "corpus-"))]
    except OSError:
        return []
    return sorted(folders, key=lambda p: (not p.name.startswith("library-"), p.name))


def pending_documents(corpus: Corpus, embedder: Embedder, base: Path) -> int:
    """How many documents a build would have to encode now (0: the index loads or rebuilds in
    seconds without the model doing any work)."""
    directory = index_directory(base, corpus, embedder.model_id)
    known = reusable_vectors(directory, embedder.model_id, embedder.dim)
    return sum(1 for h in text_hashes(corpus, embedder.model_id) if h not in known)


def _encode_resumable(texts: list[str], embedder: Embedder, work: Path | None,
                      progress: Progress | None) -> np.ndarray:
    """Vectors of `texts`, chunk by chunk; finished chunks in `work` are reused (no `work`: in
    memory only)."""
    total = len(texts)
    chunks: list[np.ndarray] = []
    for start in range(0, total, CHUNK):
        path = work / f"chunk-{start:08d}.npy" if work is not None else None
        part = None
        if path is not None and path.is_file():
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
            if path is not None:
                tmp = work / f".chunk-{start:08d}.{os.getpid()}.npy"
                np.save(tmp, part)
                os.replace(tmp, path)
        chunks.append(part)
        if progress:
            progress(start + part.shape[0], total)
    return np.concatenate(chunks) if chunks else np.zeros((0, embedder.dim), np.float32)


def _prepare_work(work: Path, stamp: dict) -> None:
    stamp_file = work / "building.json"
    if work.is_dir():
        try:
            if json.loads(stamp_file.read_text(encoding="utf-8")) != stamp:
                shutil.rmtree(work)
        except (OSError, ValueError):
            shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")


def build_index(directory: Path, expected: dict, corpus: Corpus, embedder: Embedder,
                tokenizer: LegalTokenizer, progress: Progress | None, *, save: bool = True) -> IndexArtefacts:
    """Build the index, encoding only documents whose text hash the previous index lacks; with
    `save` False nothing is written (a read-only folder)."""
    started = time.perf_counter()
    base = directory.parent
    hashes = text_hashes(corpus, embedder.model_id)
    known = reusable_vectors(directory, embedder.model_id, embedder.dim)
    missing = [i for i, h in enumerate(hashes) if h not in known]
    if missing:  # the same text in another index of this model (an eval corpus of library articles)
        for other in sibling_indexes(base, directory):
            known |= reusable_vectors(other, embedder.model_id, embedder.dim)
        missing = [i for i, h in enumerate(hashes) if h not in known]
    work = None
    if save and missing:
        work = base / f".{directory.name}.building"
        _prepare_work(work, {k: expected[k] for k in ("model_id", "content_hash")} | {"format": INDEX_FORMAT})
    fresh = _encode_resumable([corpus.documents[i].dense_text for i in missing], embedder, work, progress)
    vectors = np.zeros((len(corpus), embedder.dim), dtype=VECTOR_DTYPE)
    for row, h in enumerate(hashes):
        if h in known:
            vectors[row] = known[h]
    if missing:
        vectors[missing] = fresh.astype(VECTOR_DTYPE)
    elif progress:
        progress(len(corpus), len(corpus))
    lexical = LexicalIndex.build(document_tokens(d, tokenizer) for d in corpus.documents)
    vector = VectorIndex.build(vectors)
    seconds = time.perf_counter() - started
    summary = dict(expected, format=INDEX_FORMAT, dtype=np.dtype(VECTOR_DTYPE).name,
                   built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   build_seconds=round(seconds, 2), encoded=len(missing), reused=len(corpus) - len(missing))
    if not save:
        return IndexArtefacts(lexical, vector, summary, directory, True, seconds, len(missing), saved=False)

    tmp = base / f".{directory.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.save(tmp / "vectors.npy", vectors)
    lexical.save(tmp / "bm25")
    rows = {"ids": [d.id for d in corpus.documents], "text_hashes": hashes}
    (tmp / "rows.json").write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")
    manifest = dict(summary, checksums={p.relative_to(tmp).as_posix(): _sha256(p) for p in _files(tmp)})
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    old = base / f".{directory.name}.old-{os.getpid()}"
    if directory.exists():
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    return IndexArtefacts(lexical, vector, manifest, directory, True, seconds, len(missing))


def _writable(base: Path) -> bool:
    with contextlib.suppress(OSError):
        base.mkdir(parents=True, exist_ok=True)
    return base.is_dir() and os.access(base, os.W_OK)


def load_or_build(corpus: Corpus, embedder: Embedder, tokenizer: LegalTokenizer, base: Path,
                  progress: Progress | None = None) -> IndexArtefacts:
    """The verified index for this corpus and embedder, building it (under a file lock, so two
    processes never build the same index at once) when it is missing, stale or corrupt. A
    read-only index folder is never written: a stale index there is rebuilt in memory."""
    directory = index_directory(base, corpus, embedder.model_id)
    expected = expected_manifest(corpus, embedder, tokenizer)
    try:
        return load_index(directory, expected, corpus)
    except IndexError_ as exc:   # missing, stale or damaged: say which and why before rebuilding
        log.warning("search index %s not usable (%s): building it", directory, exc)
    if not _writable(base):
        return build_index(directory, expected, corpus, embedder, tokenizer, progress, save=False)
    with open(base / f".{directory.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with contextlib.suppress(IndexError_):
                return load_index(directory, expected, corpus)  # another process built it meanwhile
            return build_index(directory, expected, corpus, embedder, tokenizer, progress)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
