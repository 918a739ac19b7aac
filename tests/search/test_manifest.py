"""Index artefacts: reuse, invalidation on content change, corrupt or partial files rebuilt."""

import json
import shutil

import numpy as np
import pytest

from portal.laws.library import load_library
from portal.search import manifest as manifest_mod
from portal.search.documents import corpus_from_library
from portal.search.embedder import FakeEmbedder
from portal.search.manifest import load_or_build
from portal.search.tokenizer import get_tokenizer
from tests.search.conftest import ROOT


def _amend_one_article(laws_dir):
    """Change one word of one article (信访工作条例 第三十二条) in the law copy."""
    law_file = laws_dir / "xinfang-gongzuo-tiaoli-2022.md"
    text = law_file.read_text(encoding="utf-8")
    assert text.count("信访处理意见书应当载明") == 1
    law_file.write_text(text.replace("信访处理意见书应当载明", "信访处理意见书必须载明"), encoding="utf-8")


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
    _amend_one_article(laws_copy)
    second = _build(laws_copy, tmp_path)
    assert second.built and second.manifest["content_hash"] != first.manifest["content_hash"]


@pytest.mark.parametrize("damage", ["truncate_vectors", "garble_bm25", "delete_rows", "garble_manifest"])
def test_corrupt_or_partial_artefact_is_rebuilt_not_served(laws_copy, tmp_path, damage):
    first = _build(laws_copy, tmp_path)
    d = first.directory
    if damage == "truncate_vectors":
        data = (d / "vectors.npy").read_bytes()
        (d / "vectors.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garble_bm25":
        target = next((d / "bm25").glob("data*.npy"))
        target.write_bytes(b"\x00" * 64)
    elif damage == "delete_rows":
        (d / "rows.json").unlink()
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
    assert np.allclose(stored, fresh[0], atol=2e-3)  # stored as float16


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


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, recording every text it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode_documents(self, texts):
        self.texts.extend(texts)
        return super().encode_documents(texts)


def _counted_build(laws_dir, index_dir):
    embedder = CountingEmbedder()
    corpus = corpus_from_library(load_library(laws_dir))
    return load_or_build(corpus, embedder, get_tokenizer(), index_dir), embedder


def test_changed_article_is_the_only_one_encoded_again(laws_copy, tmp_path):
    first, embedder = _counted_build(laws_copy, tmp_path)
    assert len(embedder.texts) == first.vector.size  # a first build encodes everything
    _amend_one_article(laws_copy)
    second, embedder = _counted_build(laws_copy, tmp_path)
    assert second.built and second.encoded == 1 and second.manifest["reused"] == second.vector.size - 1
    assert len(embedder.texts) == 1 and "信访处理意见书必须载明" in embedder.texts[0]
    # the stored vector of the changed article is the new text's, the others are unchanged
    row = next(i for i, d in enumerate(corpus_from_library(load_library(laws_copy)).documents)
               if "信访处理意见书必须载明" in d.text)
    assert np.allclose(second.vector.index.reconstruct(row),
                       FakeEmbedder().encode_documents(embedder.texts)[0], atol=2e-3)
    assert not np.allclose(second.vector.index.reconstruct(row), first.vector.index.reconstruct(row), atol=2e-3)
    other = (row + 5) % second.vector.size
    assert np.array_equal(second.vector.index.reconstruct(other), first.vector.index.reconstruct(other))
    assert not _counted_build(laws_copy, tmp_path)[0].built  # and then it is fresh


def test_added_law_encodes_only_its_own_articles(laws_copy, tmp_path):
    _counted_build(laws_copy, tmp_path)
    shutil.copy(ROOT / "content" / "laws" / "xingzheng-fuyi-fa-2023.md", laws_copy)
    added = load_library(laws_copy).laws["xingzheng-fuyi-fa-2023"]
    again, embedder = _counted_build(laws_copy, tmp_path)
    assert again.built and again.encoded == len(added.provisions) == len(embedder.texts)
    assert all("行政复议法" in text for text in embedder.texts)


def _snapshot(base):
    return {p.relative_to(base).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size) for p in base.rglob("*")}


def test_loading_a_fresh_index_writes_nothing(laws_copy, tmp_path):
    _build(laws_copy, tmp_path)
    before = _snapshot(tmp_path)
    assert not _build(laws_copy, tmp_path).built
    assert _snapshot(tmp_path) == before


def test_stale_index_in_a_read_only_folder_is_rebuilt_in_memory(laws_copy, tmp_path, monkeypatch):
    first = _build(laws_copy, tmp_path)
    _amend_one_article(laws_copy)
    before = _snapshot(tmp_path)
    monkeypatch.setattr(manifest_mod.os, "access", lambda path, mode: False)  # as on a read-only mount
    again, embedder = _counted_build(laws_copy, tmp_path)
    assert again.built and not again.saved and len(embedder.texts) == 1
    assert again.vector.size == first.vector.size
    assert _snapshot(tmp_path) == before  # nothing written, not even a lock file


def test_an_eval_corpus_of_library_articles_reuses_the_library_vectors(laws_copy, tmp_path):
    """`eval --corpus` with some of the library's articles (and one other): only the other one is
    encoded; the library's vectors are found by text hash in its own index folder."""
    from portal.search.documents import Corpus, SearchDocument, hash_documents

    library = corpus_from_library(load_library(laws_copy))
    _counted_build(laws_copy, tmp_path)
    docs = (*library.documents[:40], SearchDocument("x:第一条", "别的法", "", "别的法律条文", law_slug="x"))
    corpus = Corpus("corpus", docs, hash_documents(docs))
    embedder = CountingEmbedder()
    built = load_or_build(corpus, embedder, get_tokenizer(), tmp_path)
    assert built.built and built.encoded == 1 and embedder.texts == [docs[-1].dense_text]
    assert np.array_equal(built.vector.index.reconstruct(3), _build(laws_copy, tmp_path).vector.index.reconstruct(3))


def test_a_renamed_chapter_re_encodes_the_articles_under_it(laws_copy, tmp_path):
    """The encoder reads an article as 《law title》chapter label：text, so renaming 人民调解法's
    第一章 总则 changes what it reads for that chapter's six articles (第一条 … 第六条): those six
    are encoded again, with the new chapter name, and nothing else is."""
    _counted_build(laws_copy, tmp_path)
    law_file = laws_copy / "renmin-tiaojie-fa-2010.md"
    text = law_file.read_text(encoding="utf-8")
    assert text.count("## 第一章 总则\n") == 1
    law_file.write_text(text.replace("## 第一章 总则\n", "## 第一章 一般规定\n"), encoding="utf-8")
    again, embedder = _counted_build(laws_copy, tmp_path)
    assert again.built and again.encoded == 6 and len(embedder.texts) == 6
    assert all("人民调解法" in t and "第一章 一般规定" in t for t in embedder.texts)
    assert sorted(t.split("：", 1)[0].rsplit(" ", 1)[-1] for t in embedder.texts) == sorted(
        ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"])


@pytest.mark.parametrize("changed", ["userdict", "stopwords"])
def test_a_changed_word_list_rebuilds_the_keyword_index_without_re_encoding(laws_copy, tmp_path, changed):
    """The BM25 arrays hold the tokenizer's words: a word added to the user dictionary or to the
    stop words changes them, so the index is rebuilt (the vectors, which do not depend on the
    word lists, are reused)."""
    from portal.search.tokenizer import LegalTokenizer

    words = tmp_path / "words"
    words.mkdir()
    for name in ("userdict.txt", "stopwords.txt"):
        shutil.copy(ROOT / "content" / "search" / name, words / name)
    corpus = corpus_from_library(load_library(laws_copy))
    index = tmp_path / "index"
    first = load_or_build(corpus, FakeEmbedder(), LegalTokenizer(words / "userdict.txt", words / "stopwords.txt"), index)
    assert first.built
    with (words / f"{changed}.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n调解协议书\n" if changed == "userdict" else "\n调解\n")
    embedder = CountingEmbedder()
    again = load_or_build(corpus, embedder, LegalTokenizer(words / "userdict.txt", words / "stopwords.txt"), index)
    assert again.built and again.encoded == 0 and not embedder.texts
    assert again.manifest["code_version"] != first.manifest["code_version"]
