"""Segmentation of legal and 信访 terms."""

import pytest

from portal.search.tokenizer import get_tokenizer


@pytest.mark.parametrize("term", ["信访事项", "复查", "复核", "行政复议", "劳动仲裁", "诉访分离", "用人单位",
                                  "人民调解委员会", "劳动报酬"])
def test_legal_terms_stay_whole(term):
    tokens = get_tokenizer().tokens(f"关于{term}的问题")
    assert term in tokens


def test_han_runs_are_split_into_words_not_one_token():
    tokens = get_tokenizer().tokens("老板拖欠工资一年多了还能申请劳动仲裁吗")
    assert {"老板", "工资", "劳动仲裁", "申请"} <= set(tokens)
    assert "老板拖欠工资一年多了还能申请劳动仲裁吗" not in tokens


def test_stop_words_and_punctuation_are_dropped():
    tokens = get_tokenizer().tokens("我的信访事项怎么办？！")
    assert "的" not in tokens and "我" not in tokens and "？" not in tokens and "怎么办" not in tokens
    assert "信访事项" in tokens


def test_compound_parts_are_also_indexed():
    tokens = get_tokenizer().tokens("劳动争议仲裁委员会")
    assert {"劳动", "争议", "仲裁", "委员会"} <= set(tokens)
