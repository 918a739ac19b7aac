"""Exact article references go straight to that article."""

import pytest

from portal.search.exact import build_aliases, find_reference
from portal.search.vocabulary import get_vocabulary


@pytest.fixture(scope="module")
def aliases(library):
    return build_aliases({s: law.title for s, law in library.laws.items()}, get_vocabulary().law_aliases)


@pytest.mark.parametrize(("query", "expected"), [
    ("信访工作条例第三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("民法典1077条", "minfadian-2020:第一千零七十七条"),
    ("民法典 第 1077 条", "minfadian-2020:第一千零七十七条"),
    ("刑法第二百七十六条之一", "xingfa-2023:第二百七十六条之一"),
    ("刑法276条之1", "xingfa-2023:第二百七十六条之一"),
    ("中华人民共和国刑法第２７６条之一", "xingfa-2023:第二百七十六条之一"),
    ("第三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("32条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("信访条例第十条", "xinfang-gongzuo-tiaoli-2022:第十条"),
    ("2005年信访条例第十条", "xinfang-tiaoli-2005:第十条"),
    ("旧信访条例第3条", "xinfang-tiaoli-2005:第三条"),
    ("宪法第33条规定了什么", "xianfa-2018:第三十三条"),
    ("《行政复议法》第十一条", "xingzheng-fuyi-fa-2023:第十一条"),
])
def test_references_resolve(query, expected, aliases, library):
    ref = find_reference(query, aliases, library.provisions)
    assert ref is not None and ref.provision_id == expected


@pytest.mark.parametrize("query", ["老板拖欠工资一年多了", "我想问一条规定", "我们村十几户人想一起去上访", ""])
def test_questions_are_not_references(query, aliases, library):
    assert find_reference(query, aliases, library.provisions) is None


def test_missing_article_is_recognised_but_unresolved(aliases, library):
    ref = find_reference("信访工作条例第999条", aliases, library.provisions)
    assert ref is not None and ref.provision_id is None and ref.label == "第九百九十九条"


@pytest.mark.parametrize(("query", "expected"), [
    ("信访工作条例第三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("刑法第二百七十六条之一", "xingfa-2023:第二百七十六条之一"),
    ("民法典1077条", "minfadian-2020:第一千零七十七条"),
])
def test_engine_puts_the_referenced_article_first(fake_engine, query, expected):
    response = fake_engine.search(query, k=5)
    assert response.exact and response.confident
    assert response.hits[0].provision_id == expected
