"""Homophone typos typed with a pinyin input method (portal/search/typo.py): 陪偿 is searched as 赔偿
and the answer says so; a question without a typo, an article number and a law name are never
rewritten."""

from __future__ import annotations

import json

import pytest

from portal.search.bank import load_seed
from portal.search.typo import Correction, typo_note
from tests.search.conftest import ROOT

DEV_SETS = sorted((ROOT / "tests" / "search" / "data").glob("dev*-questions.jsonl"))


@pytest.mark.parametrize(("typed", "meant"), [
    ("老板托欠工资三个月了怎么办", "老板拖欠工资三个月了怎么办"),
    ("被车撞了对方不肯陪偿", "被车撞了对方不肯赔偿"),
    ("我想离昏，孩子归谁", "我想离婚，孩子归谁"),
    ("离昏后财产怎么分", "离婚后财产怎么分"),   # the typo glued to the next character
    ("宫司不交社保", "公司不交社保"),
])
def test_a_homophone_typo_is_read_as_the_library_word(fake_engine, typed, meant):
    assert fake_engine.corrected(typed).text == meant


def test_a_typo_into_another_real_word_is_not_noticed(fake_engine):
    # 工商 for 工伤: both are words, and nothing but the context tells them apart
    assert not fake_engine.corrected("在厂里受了工商能赔多少").changed


def test_a_typod_question_finds_what_the_clean_one_finds_and_says_how_it_was_read(fake_engine):
    typed, clean = fake_engine.search("公司托欠工资，能申请劳动仲裁吗？"), fake_engine.search("公司拖欠工资，能申请劳动仲裁吗？")
    assert typed.hits and [h.provision_id for h in typed.hits] == [h.provision_id for h in clean.hits]
    assert [h.matched_terms for h in typed.hits] == [h.matched_terms for h in clean.hits]
    assert typed.message.startswith("问题中的“托欠”可能是错别字，已按“拖欠”查找。")
    assert typed.corrected == ("托欠",) and typed.read_as.startswith("公司拖欠工资")
    assert "错别字" not in clean.message
    assert typed.query == "公司托欠工资，能申请劳动仲裁吗？"   # the citizen's own words are kept


def test_several_typos_are_named_together_and_each_once():
    note = typo_note([Correction("陪偿", "赔偿", 0), Correction("托欠", "拖欠", 5), Correction("陪偿", "赔偿", 9)])
    assert note == "问题中的“陪偿”“托欠”可能是错别字，已按“赔偿”“拖欠”查找。"


@pytest.mark.parametrize("question", [
    "邻居郭家占了我的地", "我老公钟华天天打我", "范伟开车撞了我", "贾强把我打伤了", "龚平骗了我的钱",
    "郑明华欠我三万", "陈淑芬借钱不还", "魏成刚打人", "薛生华欠钱", "谢明华不还钱", "尹家占了我家的地",
    "普集镇的地被征了", "玉符河边的房子"])
def test_a_persons_or_a_places_name_is_not_read_as_a_typo(fake_engine, question):
    """A second reader found these read as 国家, 中华, 范围, 加强, 公平, 证明, 陈述, 未成, 学生, 写明, 姻家,
    普及 and 符合: a name beginning with a common surname, or a place name, is left alone."""
    assert not fake_engine.corrected(question).changed


def test_a_question_searched_as_typed_reads_no_word_as_a_typo(fake_engine):
    corrected, as_typed = fake_engine.search("公司托欠工资"), fake_engine.search("公司托欠工资", as_typed=True)
    assert corrected.corrected == ("托欠",) and "错别字" in corrected.message
    assert as_typed.corrected == () and "错别字" not in as_typed.message and as_typed.read_as == "公司托欠工资"


def _questions() -> list[str]:
    rows = [json.loads(line) for path in DEV_SETS for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r["query"] for r in rows] + [e.question for e in load_seed()]


def test_no_question_of_the_dev_sets_or_the_bank_is_rewritten(fake_engine):
    """1,652 dev questions and the 809 of the bank seed, written without typos: the corrector never
    fires on them (it did on 法援 → 法院 until 法援 became an everyday word of the vocabulary)."""
    questions = _questions()
    assert len(questions) > 2000
    rewritten = [(q, fake_engine.corrected(q).corrections) for q in questions if fake_engine.corrected(q).changed]
    assert rewritten == []


@pytest.mark.parametrize("word", ["微信", "支付宝", "抖音", "拼多多", "外卖", "网约车", "花呗", "二维码", "健康码",
                                  "交强险", "法援", "套路贷", "彩礼", "低保", "老赖", "截访", "讨薪", "五险一金"])
def test_everyday_words_jieba_does_not_know_are_left_alone(fake_engine, word):
    for question in (word, f"我的{word}出了问题找谁", f"{word}的事归哪里管"):
        assert not fake_engine.corrected(question).changed, question


@pytest.mark.parametrize("query", ["劳动合同法第十条", "民法典1077条", "刑法第二百七十六条之一", "第三十二条",
                                   "民间借贷规定第二十五条"])
def test_a_named_article_is_never_rewritten(fake_engine, query):
    assert fake_engine.corrected(query).text == query
    response = fake_engine.search(query)
    assert response.exact and "错别字" not in response.message


def test_a_named_article_with_a_typo_beside_it_keeps_its_number_and_law(fake_engine):
    corrected = fake_engine.corrected("劳动合同法第十条陪偿")
    assert corrected.text == "劳动合同法第十条赔偿"
    response = fake_engine.search("劳动合同法第十条陪偿")
    assert response.exact and response.hits[0].provision_id == "laodong-hetong-fa-2012:第十条"
    assert "已按“赔偿”查找" in response.message


def test_the_pinyin_table_is_what_pypinyin_gives():
    import subprocess
    import sys

    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "pinyin_table.py"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr


def test_similar_questions_read_a_typo_as_the_search_does_and_not_after_as_typed(fake_engine, monkeypatch):
    from portal.search.bank import BankEntry, QuestionBank

    encoded: list[str] = []
    real = fake_engine.plain_vector
    entry = BankEntry("1", "公司拖欠工资", ("laodong-hetong-fa-2012:第三十条",))
    monkeypatch.setattr(fake_engine, "bank", QuestionBank([entry], real(entry.question)))
    monkeypatch.setattr(fake_engine, "plain_vector", lambda text: encoded.append(text) or real(text))
    fake_engine.similar_questions("公司托欠工资", k=1)
    fake_engine.similar_questions("公司托欠工资", k=1, as_typed=True)
    assert encoded == ["公司拖欠工资", "公司托欠工资"]
