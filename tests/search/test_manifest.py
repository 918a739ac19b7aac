"""Index artefacts: reuse, invalidation on content change, corrupt or partial files rebuilt."""

import json

import numpy as np
import pytest

from portal.laws.library import load_library
from portal.search import manifest as manifest_mod
from portal.search.documents import corpus_from_library
from portal.search.embedder import FakeEmbedder
from portal.search.manifest import load_or_build
from portal.search.tokenizer import get_tokenizer


def _build(laws_dir, index_dir, progress=None):
    corpus = corpus_from_library(load_library(laws_dir))
    return load_or_build(corpus, FakeEmbedder(), get_tokenizer(), index_dir, progress)


def test_second_load_reuses_the_index(laws_copy, tmp_path):
    seen = []
    first = _build(laws_copy, tmp_path, lambda done, total: seen.append((done, total)))
    assert first.built and seen and seen[-1][0] == seen[-1][1]
    manifest = json.loads((first.directory / "manifest.json").read_text())
    for key in ("embedder", "model_id", "dim", "content_hash", "code_version", "built_at", "checksums"):
        assert key in manifest
    assert not _build(laws_copy, tmp_path).built


def test_editing_a_law_file_triggers_a_rebuild(laws_copy, tmp_path):
    first = _build(laws_copy, tmp_path)
    law_file = laws_copy / "xinfang-gongzuo-tiaoli-2022.md"
    law_file.write_text(law_file.read_text(encoding="utf-8").replace("信访处理意见书应当载明", "信访处理意见书必须载明"),
                        encoding="utf-8")
    second = _build(laws_copy, tmp_path)
    assert second.built and second.manifest["content_hash"] != first.manifest["content_hash"]


@pytest.mark.parametrize("damage", ["truncate_faiss", "garble_bm25", "delete_ids", "garble_manifest"])
def test_corrupt_or_partial_artefact_is_rebuilt_not_served(laws_copy, tmp_path, damage):
    first = _build(laws_copy, tmp_path)
    d = first.directory
    if damage == "truncate_faiss":
        data = (d / "vectors.faiss").read_bytes()
        (d / "vectors.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "garble_bm25":
        target = next((d / "bm25").glob("data*.npy"))
        target.write_bytes(b"\x00" * 64)
    elif damage == "delete_ids":
        (d / "ids.json").unlink()
    else:
        (d / "manifest.json").write_text("{not json")
    again = _build(laws_copy, tmp_path)
    assert again.built
    assert again.vector.size == len(corpus_from_library(load_library(laws_copy)))


def test_interrupted_build_resumes_from_finished_chunks(laws_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(manifest_mod, "CHUNK", 32)
    monkeypatch.setattr(manifest_mod, "BATCH", 8)
    calls = []

    class Flaky(FakeEmbedder):
        def encode_documents(self, texts):
            calls.append(len(texts))
            if len(calls) == 12:  # dies part-way through the second chunk
                raise KeyboardInterrupt
            return super().encode_documents(texts)

    corpus = corpus_from_library(load_library(laws_copy))
    with pytest.raises(KeyboardInterrupt):
        load_or_build(corpus, Flaky(), get_tokenizer(), tmp_path)
    assert not any(p.name.startswith("library-") for p in tmp_path.iterdir())  # nothing half-served
    assert sum(calls[:8]) == 2 * 32  # two whole chunks were finished before the failure
    calls.clear()

    class Counting(FakeEmbedder):
        def encode_documents(self, texts):
            calls.append(len(texts))
            return super().encode_documents(texts)

    result = load_or_build(corpus, Counting(), get_tokenizer(), tmp_path)
    assert sum(calls) == len(corpus) - 64  # only the unfinished part was encoded again
    assert result.built and result.vector.size == len(corpus)
    fresh = FakeEmbedder().encode_documents([corpus.documents[0].dense_text])
    stored = result.vector.index.reconstruct(0)
    assert np.allclose(stored, fresh[0], atol=1e-6)


def test_code_version_change_rebuilds_without_re_encoding(laws_copy, tmp_path, monkeypatch):
    first = _build(laws_copy, tmp_path)
    monkeypatch.setattr(manifest_mod, "INDEX_FORMAT", "test-next")
    calls = []

    class Counting(FakeEmbedder):
        def encode_documents(self, texts):
            calls.append(len(texts))
            return super().encode_documents(texts)

    corpus = corpus_from_library(load_library(laws_copy))
    again = load_or_build(corpus, Counting(), get_tokenizer(), tmp_path)
    assert again.built and again.manifest["code_version"] != first.manifest["code_version"]
    assert not calls  # the vectors of the same content and model were reused
    assert np.allclose(again.vector.index.reconstruct(3), first.vector.index.reconstruct(3))
