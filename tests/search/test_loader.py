"""The web app's engine loader: a prebuilt index is served at once (no 索引建立中 phase, no
build); only articles that need encoding put keyword search with a note in front."""

import threading

from portal.laws.library import load_library
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
