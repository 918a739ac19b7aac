"""Fine-tuning the encoder's top layers (portal/search/finetune.py) and the cross-validation split
it shares with `tune` (portal/search/tuning.py): training must move the gold articles up for the
questions it saw, be reproducible from its seed, and each fold's vectors (ten minutes a fold for
real) must be trained once and then read from the cache."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from portal.search.tuning import cv_split

QUESTIONS = 12
OTHERS = 150


def quiet(_: str) -> None:
    pass


# ----------------------------------------------------------------- the split (fast)
def test_cv_split_is_deterministic_and_deals_the_seed_questions_as_tune_did():
    n_seed, n_dev, folds = 47, 13, 5
    split = cv_split(n_seed, n_dev, folds)
    assert np.array_equal(split, cv_split(n_seed, n_dev, folds))
    assert split.shape == (n_seed + n_dev,)
    # the seed part: tune's partition before the split was shared (rng(0) permutation dealt f::folds)
    order = np.random.default_rng(0).permutation(n_seed)
    expected = np.zeros(n_seed, dtype=int)
    for f in range(folds):
        expected[order[f::folds]] = f
    assert np.array_equal(split[:n_seed], expected)
    # every fold holds out seed and dev questions, in near-equal numbers
    for part in (split[:n_seed], split[n_seed:]):
        counts = np.bincount(part, minlength=folds)
        assert len(counts) == folds and counts.min() >= 1 and counts.max() - counts.min() <= 1
    # the dev questions are shuffled too, not dealt in file order
    assert not np.array_equal(split[n_seed:], np.arange(n_dev) % folds)


def test_articles_encoded_in_length_groups_get_the_vectors_and_gradients_of_one_padded_batch():
    import torch

    from portal.search.finetune import _encode, _encode_grouped, _torch_layers
    from portal.search.tuned import LAYER_PARTS, NORM_PARTS

    rng = np.random.default_rng(3)
    h, ff = 16, 32
    weights = {}
    for n in (0, 1):
        for part in LAYER_PARTS:
            rows, cols = {"fi": (ff, h), "fo": (h, ff)}.get(part, (h, h))
            weights[f"l{n}.{part}.w"] = rng.standard_normal((rows, cols)).astype(np.float32) * 0.3
            weights[f"l{n}.{part}.b"] = rng.standard_normal(rows).astype(np.float32) * 0.1
        for part in NORM_PARTS:
            weights[f"l{n}.{part}.w"] = np.ones(h, np.float32)
            weights[f"l{n}.{part}.b"] = np.zeros(h, np.float32)
    model = _torch_layers(weights, [0, 1], heads=2, eps=1e-12)
    states = [rng.standard_normal((n, h)).astype(np.float16) for n in (3, 40, 7, 7, 19, 2, 33, 5)]

    def run(encode):
        model.zero_grad()
        unit, mean = encode(model, states, grad=True)
        (unit[:, 0] * torch.arange(1.0, len(states) + 1)).sum().backward()
        return unit.detach().numpy(), mean.detach().numpy(), model[0].q.weight.grad.clone().numpy()

    padded, grouped = run(_encode), run(lambda m, s, grad: _encode_grouped(m, s, grad=grad, tokens=40))
    for a, b in zip(padded, grouped, strict=True):  # same rows in the same order, same gradient
        assert np.allclose(a, b, atol=1e-5)
    assert not np.allclose(padded[0][0], padded[0][1])  # the rows are distinct: an order mix-up shows


# ----------------------------------------------------------------- training (slow: the model)
@pytest.fixture(scope="module")
def data(library):
    """12 dev questions, their gold articles and 150 other articles of the library."""
    from portal.search.documents import corpus_from_library
    from portal.search.tuning import cv_questions, load_dev

    from .conftest import DEV_QUESTIONS

    documents = corpus_from_library(library).documents
    _, dev, texts, gold = cv_questions(documents, [], load_dev(DEV_QUESTIONS))
    texts, gold = texts[:QUESTIONS], gold[:QUESTIONS]
    assert len(texts) == QUESTIONS
    golds = sorted({g for gg in gold for g in gg})
    others = [r for r in range(0, len(documents), max(1, len(documents) // (2 * OTHERS))) if r not in golds][:OTHERS]
    rows = sorted(set(golds) | set(others))
    at = {r: i for i, r in enumerate(rows)}
    return texts, [[at[g] for g in gg] for gg in gold], [documents[r].dense_text for r in rows], \
        [documents[r].id for r in rows]


@pytest.fixture(scope="module")
def bottom(tmp_path_factory):
    from portal.search.tuned import Bottom

    return Bottom(build_dir=tmp_path_factory.getbasetemp() / "e5q-build")


@pytest.fixture(scope="module")
def prepared(data, bottom):
    import torch

    from portal.search.finetune import FinetuneSettings, prepare

    texts, _, articles, _ = data
    threads = torch.get_num_threads()
    out = prepare(bottom, texts, articles, FinetuneSettings(), log=quiet)
    # prepare asks for 2 torch threads; on cores shared with other work they spin-wait (a step
    # took 5 s instead of 1.4 s here), so the tests train on one
    torch.set_num_threads(1)
    yield out
    torch.set_num_threads(threads)


def gold_ranks(questions: np.ndarray, articles: np.ndarray, gold) -> np.ndarray:
    """Per question, the rank (1 = first) of its best-placed gold article."""
    scores = questions @ articles.T
    return np.array([1 + int((scores[i] > scores[i, g].max()).sum()) for i, g in enumerate(gold)])


@pytest.mark.slow
def test_a_long_question_is_trained_as_it_is_served_cut_to_its_first_characters(bottom):
    from portal.search.embedder import MAX_QUERY_CHARS
    from portal.search.finetune import compute_states

    head = "公司拖欠我三个月工资，老板一直说下个月再发，我该去哪里投诉？"
    long = (head * (1 + 2 * MAX_QUERY_CHARS // len(head)))[:2 * MAX_QUERY_CHARS]
    states = compute_states(bottom, [long, long[:MAX_QUERY_CHARS]], [], cut=2, log=quiet).questions
    assert np.array_equal(states[0], states[1])  # the characters past the cut are never seen, as at serving
    # (the cut is what makes them equal: uncut, the question's first window holds more tokens)
    assert states[0].shape[0] - 2 < len(bottom.windows(long, query=True)[0])


@pytest.mark.slow
def test_fine_tuning_ranks_the_gold_articles_higher(data, prepared):
    from portal.search.finetune import FinetuneSettings, _torch_layers, encode_all, train_on

    texts, gold, articles, _ = data
    config = prepared.config
    base_q, base_d = encode_all(_torch_layers(prepared.base, prepared.layers, config["heads"], config["eps"]),
                                prepared.states)
    before = gold_ranks(base_q, base_d, gold)
    settings = FinetuneSettings(epochs=2, batch=4, learning_rate=1e-4)
    _, model = train_on(prepared, gold, range(len(texts)), [1.0] * len(texts), settings, seed=0, log=quiet)
    after_q, after_d = encode_all(model, prepared.states)
    after = gold_ranks(after_q, after_d, gold)
    assert before.mean() > 2  # the base model leaves room to improve on these questions
    assert after.mean() < 0.5 * before.mean()
    assert (after <= 3).mean() > (before <= 3).mean()


@pytest.mark.slow
def test_the_same_seed_gives_the_same_weights_another_seed_others(data, prepared):
    from portal.search.finetune import FinetuneSettings, train_on

    texts, gold, _, _ = data
    settings = FinetuneSettings(epochs=0.3, batch=4)  # one step

    def run(seed: int) -> dict[str, np.ndarray]:
        weights, _ = train_on(prepared, gold, range(len(texts)), [1.0] * len(texts), settings, seed=seed, log=quiet)
        return weights

    first, again, other = run(0), run(0), run(1)
    assert first.keys() == again.keys() == other.keys() == set(prepared.base)
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert not all(np.array_equal(first[k], other[k]) for k in first)
    assert not all(np.array_equal(first[k], prepared.base[k].reshape(first[k].shape)) for k in first)


@pytest.mark.slow
def test_fold_vectors_are_trained_once_then_read_from_the_cache(data, prepared, tmp_path, monkeypatch):
    from portal.search import finetune

    texts, gold, articles, ids = data
    settings = finetune.FinetuneSettings(epochs=0.3, batch=4)  # one step a fold
    split = np.arange(len(texts)) % 2
    weights = [1.0] * len(texts)
    key = finetune.fold_key(texts, gold, split, ids, articles, settings)
    real = finetune.train_on
    trained: list[list[int]] = []

    def counting(prepared, gold, train, *args, **kwargs):
        trained.append(sorted(int(i) for i in train))
        return real(prepared, gold, train, *args, **kwargs)

    monkeypatch.setattr(finetune, "train_on", counting)
    first = finetune.fold_vectors(prepared, gold, split, weights, settings, tmp_path, key, log=quiet)
    assert trained == [list(range(1, len(texts), 2)), list(range(0, len(texts), 2))]  # fold f held out
    assert len(first) == 2
    for q, d in first:
        assert q.shape == (len(texts), 384) and d.shape == (len(articles), 384)
    assert not np.array_equal(first[0][0], first[1][0])

    def refuse(*args, **kwargs):
        raise AssertionError("a cached fold was trained again")

    monkeypatch.setattr(finetune, "train_on", refuse)
    again = finetune.fold_vectors(prepared, gold, split, weights, settings, tmp_path, key, log=quiet)
    cached = finetune.cached_fold_vectors(tmp_path, key, 2)
    for (q, d), (q2, d2), (q3, d3) in zip(first, again, cached, strict=True):
        assert np.array_equal(q, q2) and np.array_equal(d, d2)
        assert np.array_equal(q, q3) and np.array_equal(d, d3)

    # other settings (or another split, other articles): another key, so every fold is retrained
    other = dataclasses.replace(settings, learning_rate=settings.learning_rate / 2)
    other_key = finetune.fold_key(texts, gold, split, ids, articles, other)
    assert other_key != key
    assert finetune.fold_key(texts, gold, 1 - split, ids, articles, settings) != key
    assert finetune.fold_key(texts, gold, split, ids, [*articles[:-1], "改"], settings) != key
    trained.clear()
    monkeypatch.setattr(finetune, "train_on", counting)
    finetune.fold_vectors(prepared, gold, split, weights, other, tmp_path, other_key, log=quiet)
    assert len(trained) == 2
    assert finetune.cached_fold_vectors(tmp_path, key, 2) is None
    assert finetune.cached_fold_vectors(tmp_path, other_key, 2) is not None
    assert finetune.cached_fold_vectors(tmp_path, other_key, 3) is None  # a fold missing
