"""A question typed in traditional characters (繁体) is searched in simplified ones, the library's
script, and a question in simplified characters is never touched."""

from __future__ import annotations

import json
import unicodedata

import pytest

from portal.search.query import SIMPLIFIED_NOTE, QueryProblem, check_query, to_simplified
from tests.search.conftest import ROOT

DATA = ROOT / "tests" / "search" / "data"


@pytest.mark.parametrize(("typed", "searched"), [
    ("勞動合同到期了公司不續簽，有沒有經濟補償？", "劳动合同到期了公司不续签，有没有经济补偿？"),
    ("信訪答覆支持我了，可村裡就是不落實，誰來督促？", "信访答复支持我了，可村里就是不落实，谁来督促？"),  # 答覆: a word
    ("離婚後孩子的撫養費怎麼算", "离婚后孩子的抚养费怎么算"),
])
def test_a_traditional_question_is_searched_in_simplified_characters(typed, searched):
    checked = check_query(typed)
    searched = unicodedata.normalize("NFKC", searched)  # full-width punctuation, as for every question
    assert (checked.text, checked.simplified, checked.problem) == (searched, True, QueryProblem.NONE)


def test_every_simplified_text_the_portal_knows_is_left_as_it_is(library):
    """No article, law title, bank question or dev question changes: the converter would otherwise
    turn a simplified legal word (显著, 著作) into another one."""
    from portal.search.bank import load_seed

    laws = library.laws.values()
    texts = [p.text for law in laws for p in law.provisions] + [law.title for law in laws]
    texts += [entry.question for entry in load_seed()]
    for path in DATA.glob("*.jsonl"):
        texts += [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 7000
    changed = [t for t in texts if to_simplified(t) != t]
    assert changed == []
    assert not check_query("著作权被侵犯了怎么办").simplified


def test_a_long_traditional_question_is_still_cut_and_says_both():
    checked = check_query("勞動" * 300)
    assert checked.simplified and checked.problem is QueryProblem.TOO_LONG and checked.text == "劳动" * 250


def test_the_answer_to_a_traditional_question_is_the_answer_to_the_simplified_one(fake_engine):
    typed, plain = "單位拖欠工資兩個月了，能申請勞動仲裁嗎？", "单位拖欠工资两个月了，能申请劳动仲裁吗？"
    traditional, simplified = fake_engine.search(typed), fake_engine.search(plain)
    assert traditional.hits and traditional.hits == simplified.hits  # the same articles, the same marked words
    assert traditional.message == SIMPLIFIED_NOTE + simplified.message
    assert SIMPLIFIED_NOTE not in simplified.message


def test_a_traditional_reference_finds_the_article(fake_engine):
    response = fake_engine.search("勞動合同法第十條")
    assert response.exact and response.hits[0].provision_id == "laodong-hetong-fa-2012:第十条"


def test_a_traditional_reference_to_an_article_the_law_lacks_says_both(fake_engine):
    message = fake_engine.search("信訪工作條例第九十九條").message
    assert message.startswith(SIMPLIFIED_NOTE) and "《信访工作条例》没有第九十九条" in message


def test_a_question_pasted_with_invisible_characters_finds_what_the_clean_one_finds(fake_engine):
    """A zero-width space from a chat app inside 拖欠 split the word for the keyword search; a lone
    surrogate (half an emoji) could not be hashed for the question cache."""
    clean = "公司拖欠工资三个月不发怎么办"
    pasted = "公司拖\u200b欠工资\u2060三个月\ufeff不发怎么办\ud83d"
    assert check_query(pasted).text == clean
    found = [h.provision_id for h in fake_engine.search(pasted, k=10).hits]
    assert found and found == [h.provision_id for h in fake_engine.search(clean, k=10).hits]
