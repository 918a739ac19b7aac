"""Finding an article within a law the way citizens type it."""

import pytest

from portal.laws.browse import (
    article_by_number,
    display_path,
    find_in_law,
    nothing_found,
    part_index_of,
    parts,
)
from portal.laws.numerals import address_form, parse_article_ref, past_the_end


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


def test_an_article_typed_in_traditional_characters_is_found(library):
    law = library.law("xinfang-gongzuo-tiaoli-2022")
    assert [p.label for p in find_in_law(law, "第三十二條")] == ["第三十二条"]
    assert [p.label for p in find_in_law(law, "復核")] == [p.label for p in find_in_law(law, "复核")] != []


def test_an_article_number_the_law_does_not_have_is_named_with_its_last_article(library):
    """第五千条 in 民法典 said 没有找到含有这些字的条文 (as if words were looked for)."""
    minfadian, xingfa = library.law("minfadian-2020"), library.law("xingfa-2023")
    assert nothing_found(minfadian, "第五千条") == "本法规没有第五千条，最后一条是第一千二百六十条。"
    assert nothing_found(minfadian, "5000") == "本法规没有第五千条，最后一条是第一千二百六十条。"
    # inside the law's range (no 第二百七十六条之二): no last article to name
    assert nothing_found(xingfa, "第二百七十六条之二") == "本法规没有第二百七十六条之二。"
    assert nothing_found(minfadian, "离婚冷静期") == "本法规中没有找到含有这些字的条文。"


def test_past_the_end_names_the_last_article_only_past_it():
    articles = [(3, 0), (276, 0), (276, 1)]
    assert past_the_end((277, 0), articles) == "，最后一条是第二百七十六条之一"
    assert past_the_end((276, 2), articles) == "，最后一条是第二百七十六条之一"
    assert past_the_end((5, 0), articles) == ""    # a gap inside the law: no last article to name
    assert past_the_end((5, 0), []) == ""


def test_minfadian_reads_by_chapter(library):
    law = library.law("minfadian-2020")
    law_parts = parts(law)
    assert sum(len(p.provision_ids) for p in law_parts) == 1260
    assert max(len(p.provision_ids) for p in law_parts) < 120
    i = part_index_of(law_parts, "minfadian-2020:第一千零七十七条")
    assert "婚姻家庭" in law_parts[i].title


def test_a_chapter_in_a_fenbian_names_its_bian(library):
    """民法典 has a 第一分编 通则 in 物权 and in 合同: the 目录 and an article's place tell them apart."""
    law = library.law("minfadian-2020")
    titles = [p.title for p in parts(law)]
    assert "第二编 物权 · 第一分编 通则 · 第一章 一般规定" in titles
    assert "第三编 合同 · 第一分编 通则 · 第一章 一般规定" in titles
    assert len(titles) == len(set(titles))                        # no two chapters read the same
    assert display_path(law, library.provision("minfadian-2020:第五百零九条")) == (
        "第三编 合同", "第一分编 通则", "第四章 合同的履行")
    assert display_path(law, library.provision("minfadian-2020:第一千零七十七条")) == ("第五编 婚姻家庭", "第四章 离婚")
    # a law without 分编 keeps its stored path
    p = library.provision("xinfang-gongzuo-tiaoli-2022:第三十二条")
    assert display_path(library.law("xinfang-gongzuo-tiaoli-2022"), p) == tuple(p.path)


def test_constitution_preamble_is_a_part(library):
    law_parts = parts(library.law("xianfa-2018"))
    assert law_parts[0].title == "序言"
    assert any(b.kind == "text" for b in law_parts[0].blocks)


def test_an_inserted_article_and_its_parent_are_told_apart(library):
    """刑法 第二百七十六条 (破坏生产经营) and 第二百七十六条之一 (拒不支付劳动报酬) are two articles: a
    worker typing 276之一 must land on the unpaid-wages article alone, and 276 on the other."""
    xingfa = library.law("xingfa-2023")
    assert [p.label for p in find_in_law(xingfa, "276之一")] == ["第二百七十六条之一"]
    assert "劳动者的劳动报酬" in find_in_law(xingfa, "第二百七十六条之一")[0].text
    assert [p.label for p in find_in_law(xingfa, "276")] == ["第二百七十六条"]


def test_several_words_must_all_be_in_the_article(library):
    law = library.law("xinfang-gongzuo-tiaoli-2022")
    hits = find_in_law(law, "复核 30日")
    assert hits and all("复核" in p.text and "30日" in p.text for p in hits)
    assert "第三十六条" in [p.label for p in hits]


def test_every_article_is_opened_by_its_ascii_address_form(library):
    """A shared address names an article by number (38, 276-1 for 第二百七十六条之一): each names
    the one article it was made from, in every law of the library."""
    provisions = [p for law in library.laws.values() for p in law.provisions]
    assert any(p.label == "第二百七十六条之一" for p in provisions)
    for law in library.laws.values():
        for provision in law.provisions:
            assert article_by_number(law, address_form(provision.number, provision.sub)) is provision, provision.id
    law = library.law("xingfa-2023")
    assert article_by_number(law, "276-1").label == "第二百七十六条之一"
    assert article_by_number(law, "276之一").label == "第二百七十六条之一"
    assert article_by_number(law, "276-0") is None and article_by_number(law, "0-1") is None
