"""The web app's engine loader: a prebuilt index is served at once (no 索引建立中 phase, no
build); only articles that need encoding put keyword search with a note in front."""

import threading

from portal.laws.library import load_library
from portal.search.bank import BankEntry
from portal.search.documents import corpus_from_library
from portal.search.embedder import FakeEmbedder
from portal.search.loader import BUILDING_NOTE, EngineLoader
from portal.search.manifest import load_or_build
from portal.search.tokenizer import get_tokenizer


class GatedEmbedder(FakeEmbedder):
    """Encodes documents only once the test opens the gate (queries always)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.documents_encoded = 0

    def encode_documents(self, texts):
        assert self.gate.wait(30)
        self.documents_encoded += len(texts)
        return super().encode_documents(texts)


def test_prebuilt_index_is_served_at_once_without_building(laws_copy, tmp_path):
    library = load_library(laws_copy)
    builder = GatedEmbedder()
    builder.gate.set()
    load_or_build(corpus_from_library(library), builder, get_tokenizer(), tmp_path)
    embedder = GatedEmbedder()  # would block any build: none must happen
    loader = EngineLoader(library, index_dir=tmp_path, embedding_model=embedder).start()
    response = loader.searcher().search("信访事项的受理期限", k=3)
    assert loader.ready and loader.pending == 0 and embedder.documents_encoded == 0
    assert response.hits and BUILDING_NOTE not in response.message
    assert not loader.engine.artefacts.built


def test_missing_index_answers_by_keywords_with_a_note_while_encoding(laws_copy, tmp_path):
    library = load_library(laws_copy)
    embedder = GatedEmbedder()
    loader = EngineLoader(library, index_dir=tmp_path, embedding_model=embedder).start()
    response = loader.searcher().search("信访事项的受理期限", k=3)
    assert not loader.ready and loader.pending == len(library.provisions)
    assert response.hits and BUILDING_NOTE in response.message
    embedder.gate.set()
    assert loader.wait(60) and embedder.documents_encoded == len(library.provisions)
    assert BUILDING_NOTE not in loader.searcher().search("信访事项的受理期限", k=3).message


def _loader_serving_a_published_bank(laws_copy, tmp_path, *, refresh_seconds: float):
    """A ready loader whose bank is the list it returns (one published question to start with):
    the test publishes and withdraws by changing the list."""
    embedder = GatedEmbedder()
    embedder.gate.set()
    published = [BankEntry("1", "信访工作条例是为了什么制定的", ("xinfang-gongzuo-tiaoli-2022:第一条",))]
    loader = EngineLoader(load_library(laws_copy), index_dir=tmp_path, embedding_model=embedder,
                          bank=lambda: list(published), bank_refresh_seconds=refresh_seconds).start()
    assert loader.wait(60)
    return loader, published


def test_staff_published_and_withdrawn_bank_questions_are_served_without_a_restart(laws_copy, tmp_path):
    """The web app passes the database's published questions: a question staff publish later is
    served (相似问题, the bank's vote and article prior) at the next refresh; a withdrawn one stops."""
    loader, published = _loader_serving_a_published_bank(laws_copy, tmp_path, refresh_seconds=0.0)
    query = "楼道里的灯坏了好几个月物业一直不修怎么办"
    assert [s.entry.id for s in loader.searcher().similar_questions(query, k=3)] == ["1"]
    published.append(BankEntry("2", "楼道里的灯坏了好几个月物业一直不修怎么办？", ("renmin-tiaojie-fa-2010:第二条",)))
    similar = loader.searcher().similar_questions(query, k=3)
    assert [s.entry.id for s in similar] == ["2", "1"] and similar[0].score > 0.9
    published.pop()
    assert [s.entry.id for s in loader.searcher().similar_questions(query, k=3)] == ["1"]


def test_an_unreachable_bank_source_falls_back_to_the_seed(laws_copy, tmp_path, monkeypatch):
    from portal.search import loader as loader_module
    seed = [BankEntry("s1", "信访事项多久办结", ("xinfang-gongzuo-tiaoli-2022:第三十四条",))]
    monkeypatch.setattr(loader_module, "load_seed", lambda: seed)
    library = load_library(laws_copy)
    embedder = GatedEmbedder()
    embedder.gate.set()

    def broken():
        raise ConnectionError("database down")

    loader = EngineLoader(library, index_dir=tmp_path, embedding_model=embedder, bank=broken).start()
    assert loader.wait(120) and loader.error is None
    assert loader.engine.bank.entries == seed


def test_a_question_staff_publish_in_this_process_is_served_at_the_next_search(laws_copy, tmp_path):
    """With the usual 30-second refresh, `bank_changed()` (called when staff publish here) makes the
    next search read the published questions again at once."""
    loader, published = _loader_serving_a_published_bank(laws_copy, tmp_path, refresh_seconds=3600.0)
    query = "楼道里的灯坏了好几个月物业一直不修怎么办"
    published.append(BankEntry("2", "楼道里的灯坏了好几个月物业一直不修怎么办？", ("renmin-tiaojie-fa-2010:第二条",)))
    assert [s.entry.id for s in loader.searcher().similar_questions(query, k=3)] == ["1"]  # not yet read
    loader.bank_changed()
    assert [s.entry.id for s in loader.searcher().similar_questions(query, k=3)] == ["2", "1"]


class _BrokenEmbedder(FakeEmbedder):
    """An embedding engine that cannot encode the library (a damaged model file, say)."""

    def encode_documents(self, texts):
        raise RuntimeError("the model file is damaged")


def test_an_engine_that_cannot_be_built_answers_by_keywords_without_saying_it_is_building(laws_copy, tmp_path):
    """Failure drill: the page said both 智能检索暂时不可用 and 检索索引正在建立中, though nothing was
    being built. The answers now carry the same words as the page."""
    from portal.search.loader import UNAVAILABLE_NOTE

    library = load_library(laws_copy)
    loader = EngineLoader(library, index_dir=tmp_path, embedding_model=_BrokenEmbedder()).start()
    loader.wait(60)
    assert loader.error and not loader.ready
    response = loader.searcher().search("信访事项的受理期限", k=3)
    assert response.hits and UNAVAILABLE_NOTE in response.message and BUILDING_NOTE not in response.message


def test_a_damaged_index_is_named_in_the_log_with_what_is_wrong(laws_copy, tmp_path, caplog):
    library = load_library(laws_copy)
    embedder = FakeEmbedder()
    built = load_or_build(corpus_from_library(library), embedder, get_tokenizer(), tmp_path)
    vectors = next(built.directory.glob("*.npy"))
    vectors.write_bytes(vectors.read_bytes()[:100])   # cut short
    load_or_build(corpus_from_library(library), embedder, get_tokenizer(), tmp_path)
    assert f"search index {built.directory} not usable" in caplog.text and "checksum mismatch" in caplog.text
