"""Finding an article within a law the way citizens type it."""

import pytest

from portal.laws.browse import find_in_law, part_index_of, parts
from portal.laws.numerals import parse_article_ref


@pytest.mark.parametrize("text,expected", [
    ("32", (32, 0)), ("第三十二条", (32, 0)), ("三十二", (32, 0)), ("第32条", (32, 0)),
    ("３２", (32, 0)), ("276之一", (276, 1)), ("第二百七十六条之一", (276, 1)), ("第276条之1", (276, 1)),
    ("复查", None), ("", None), ("0", None),
])
def test_parse_article_ref(text, expected):
    assert parse_article_ref(text) == expected


def test_find_by_number_and_words(library):
    law = library.law("xinfang-gongzuo-tiaoli-2022")
    assert [p.label for p in find_in_law(law, "32")] == ["第三十二条"]
    assert [p.label for p in find_in_law(law, "三十二")] == ["第三十二条"]
    hits = find_in_law(law, "复核")
    assert "第三十六条" in [p.label for p in hits]
    assert all("复核" in p.text for p in hits)
    assert find_in_law(law, "999") == []


def test_minfadian_reads_by_chapter(library):
    law = library.law("minfadian-2020")
    law_parts = parts(law)
    assert sum(len(p.provision_ids) for p in law_parts) == 1260
    assert max(len(p.provision_ids) for p in law_parts) < 120
    i = part_index_of(law_parts, "minfadian-2020:第一千零七十七条")
    assert "婚姻家庭" in law_parts[i].title


def test_constitution_preamble_is_a_part(library):
    law_parts = parts(library.law("xianfa-2018"))
    assert law_parts[0].title == "序言"
    assert any(b.kind == "text" for b in law_parts[0].blocks)
