"""Weighted reciprocal-rank fusion."""

import numpy as np

from portal.search.fusion import ranked, rrf, top_rows


def test_document_in_both_lists_beats_one_in_either():
    fused = ranked(rrf({"lexical": [1, 2, 3], "dense": [4, 2, 5]}, {"lexical": 1, "dense": 1}, k=10))
    assert fused[0][0] == 2


def test_weights_tilt_the_result():
    lists = {"lexical": [1, 2], "dense": [2, 1]}
    assert ranked(rrf(lists, {"lexical": 2.0, "dense": 1.0}, k=10))[0][0] == 1
    assert ranked(rrf(lists, {"lexical": 1.0, "dense": 2.0}, k=10))[0][0] == 2


def test_zero_weight_component_is_ignored():
    fused = rrf({"lexical": [1], "dense": [2]}, {"lexical": 1.0, "dense": 0.0})
    assert set(fused) == {1}


def test_exact_rrf_values():
    fused = rrf({"a": [7, 8]}, {"a": 1.0}, k=60)
    assert fused[7] == 1 / 61 and fused[8] == 1 / 62


def test_top_rows_orders_and_filters():
    scores = np.array([0.0, 3.0, 1.0, 2.0], dtype=np.float32)
    assert top_rows(scores, 3).tolist() == [1, 3, 2]
    assert top_rows(scores, 10, min_score=0.0).tolist() == [1, 3, 2]
