"""A question naming a law the library does not ship is told so, and never gets another law's
article as "the article you asked for" (婚姻法第三十二条 used to open 信访工作条例第三十二条)."""

import re

import pytest

from portal.search.exact import normalise_query
from portal.search.unshipped import UnshippedLaws, law_notes_for

LAW_TITLE = re.compile(r"^[\u4e00-\u9fff]+(?:法|条例|规定|办法|通则|总则)$")


@pytest.fixture(scope="module")
def listed():
    return UnshippedLaws.load()


@pytest.fixture(scope="module")
def notes(library):
    return law_notes_for(library)


def test_every_repealed_title_is_named_by_the_repealing_article(listed, library):
    article = library.provision(listed.repealed_by)
    assert article is not None and listed.repealed_since in article.text
    assert len(listed.repealed_titles) == 9
    for title in listed.repealed_titles:
        assert f"《{title}》" in article.text, title


def test_every_part_named_for_a_repealed_law_is_a_heading_of_the_repealing_law(listed, library):
    law = library.laws[listed.repealed_by.split(":")[0]]
    headings = [b.text for b in law.blocks if b.kind == "heading"]
    for title in listed.repealed_titles:
        assert listed.repealed_parts[title], title
        for part in listed.repealed_parts[title]:
            outer, _, inner = part.partition(" > ")
            assert outer in headings, (title, outer)
            if inner:   # inside the outer heading: after it, before the next heading of its rank
                start = headings.index(outer)
                rank = outer.split(" ")[0][-1]          # 编
                end = next((i for i in range(start + 1, len(headings))
                            if headings[i].split(" ")[0].endswith(rank) and "分" not in headings[i].split(" ")[0]),
                           len(headings))
                assert inner in headings[start + 1:end], (title, part)


def test_the_list_names_no_law_the_library_ships(listed, library):
    shipped = {name for slug in library.laws for name in library.names(slug)}
    titles = [*listed.repealed_titles, *listed.not_in_library]
    assert len(titles) == len(set(titles)) > 100
    assert [t for t in titles if t in shipped] == []   # added to the library: remove it from the list
    assert [t for t in titles if not LAW_TITLE.match(t)] == []


def test_no_name_of_a_shipped_law_gets_a_note(notes, library):
    for slug in library.laws:
        for name in library.names(slug):
            assert notes.named(normalise_query(name)) == [], (slug, name)
            assert notes.named(normalise_query(f"{name}第一条怎么理解")) == [], (slug, name)


@pytest.mark.parametrize(("question", "titles"), [
    ("按婚姻法规定离婚后财产怎么分", ["中华人民共和国婚姻法"]),
    ("《合同法》第五十二条", ["中华人民共和国合同法"]),
    ("物权法和合同法有什么区别", ["中华人民共和国物权法", "中华人民共和国合同法"]),
    ("网购七天无理由退货是电子商务法规定的吗", ["中华人民共和国电子商务法"]),
    ("道路交通安全法实施条例第九十一条", ["中华人民共和国道路交通安全法实施条例"]),
    ("中华人民共和国个人信息保护法", ["中华人民共和国个人信息保护法"]),
    # the library's own names are longer matches: never a note
    ("劳动合同法第三十条", []), ("劳动争议调解仲裁法", []), ("社会保险法", []), ("婚姻法解释第八条", []),
    # 法 followed by 人 / 务 / 律 / 规 makes another word
    ("公司法人变更要去哪里", []), ("我是公司法务", []), ("婚姻法律问题咨询", []), ("农业法规有哪些", []),
])
def test_named_laws(notes, question, titles):
    assert notes.named(normalise_query(question)) == titles


def test_a_repealed_law_says_where_its_rules_are_now(notes):
    assert "相关规定现在在《中华人民共和国民法典》第五编 婚姻家庭中。" in notes.note("婚姻法")
    assert "《中华人民共和国民法典》第二编 物权 第四分编 担保物权和第三编 合同 第十三章 保证合同中" in notes.note("担保法")


def test_a_title_the_library_ships_is_left_out():
    listed = UnshippedLaws(("中华人民共和国合同法",), "minfadian-2020:第一千二百六十条", "2021年1月1日",
                           ("中华人民共和国刑法", "中华人民共和国公司法"))
    notes = listed.notes({"xingfa-2023": "中华人民共和国刑法"})
    assert notes.titles == ("中华人民共和国合同法", "中华人民共和国公司法")
    # without the repealing law in the library the note says only that it was repealed
    assert notes.note("合同法") == ("《中华人民共和国合同法》已于2021年1月1日废止。"
                                    "下面是按您的问题在本网站收录的法规中找到的条文，仅供参考。")
    assert notes.note("公司法", answered=False).startswith("本网站法规库暂未收录《中华人民共和国公司法》")
    assert "下面是" not in notes.note("公司法", answered=False)


@pytest.mark.parametrize(("question", "says"), [
    ("婚姻法第三十二条", "《中华人民共和国婚姻法》已于2021年1月1日废止（《中华人民共和国民法典》第一千二百六十条），"
                         "相关规定现在在《中华人民共和国民法典》第五编 婚姻家庭中。"),
    ("电子商务法第二十条", "本网站法规库暂未收录《中华人民共和国电子商务法》，全文可以在国家法律法规数据库（flk.npc.gov.cn）查阅。"),
    ("道路交通安全法实施条例第九十一条", "暂未收录《中华人民共和国道路交通安全法实施条例》"),
    ("气象法第二十条", "法规库中没有找到您说的这部法规。"),   # a law not on the list either
    # the number before the name
    ("第三十二条婚姻法", "相关规定现在在《中华人民共和国民法典》第五编 婚姻家庭中。"),
    ("第20条气象法的规定", "法规库中没有找到您说的这部法规。"),
])
def test_an_article_of_a_law_the_library_lacks_is_not_taken_for_another(fake_engine, question, says):
    response = fake_engine.search(question, k=5)
    assert not response.exact
    assert says in response.message
    if response.confident:   # articles shown: the note says where they come from
        assert "仅供参考" in response.message


@pytest.mark.parametrize("question", ["劳动合同法第三十条", "第三十二条", "公司法人变更要去哪里", "老板拖欠工资怎么办"])
def test_no_note_where_nothing_is_missing(fake_engine, question):
    message = fake_engine.search(question, k=5).message
    assert "废止" not in message and "收录" not in message and "没有找到您说的" not in message


def test_a_repealed_law_points_to_the_law_that_holds_its_rules_now(notes):
    assert notes.successors("婚姻法和合同法有什么不同") == ["minfadian-2020"]
    assert notes.successors("电子商务法") == [] and notes.successors("劳动合同法") == []


def test_a_question_naming_three_unshipped_laws_gets_notes_for_the_first_two(notes):
    note = notes.note("婚姻法、继承法和收养法现在还有效吗")
    assert "《中华人民共和国婚姻法》" in note and "《中华人民共和国继承法》" in note
    assert "收养法" not in note
