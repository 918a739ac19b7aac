"""Exact article references go straight to that article."""

import pytest

from portal.search.exact import build_aliases, find_reference, unknown_law_reference


@pytest.fixture(scope="module")
def aliases(library):
    return build_aliases({s: law.title for s, law in library.laws.items()}, library.catalog.aliases)


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
    # the other ways a citizen says the repealed 2005 text (原…, 已废止的…, 老条例)
    ("原信访条例第十条", "xinfang-tiaoli-2005:第十条"),
    ("已废止的信访条例第十条", "xinfang-tiaoli-2005:第十条"),
    ("信访条例第十条（老条例）", "xinfang-tiaoli-2005:第十条"),
    # naming today's 信访工作条例 keeps it, whatever the question says of the old one
    ("信访工作条例第十条和旧条例有什么不同", "xinfang-gongzuo-tiaoli-2022:第十条"),
    ("宪法第33条规定了什么", "xianfa-2018:第三十三条"),
    ("《行政复议法》第十一条", "xingzheng-fuyi-fa-2023:第十一条"),
    # short names derived from the titles of the 41 laws, and catalogue aliases
    ("劳动合同法第三十条", "laodong-hetong-fa-2012:第三十条"),
    ("劳动合同法实施条例第三条", "laodong-hetong-fa-shishi-tiaoli-2008:第三条"),
    ("民诉法第一百二十二条", "minshi-susong-fa-2023:第一百二十二条"),
    ("刑诉法第三十五条", "xingshi-susong-fa-2018:第三十五条"),
    ("民间借贷规定第二十五条", "minjian-jiedai-guiding-2020:第二十五条"),
    ("民间借贷司法解释第25条", "minjian-jiedai-guiding-2020:第二十五条"),
    ("婚姻家庭编解释（一）第八条", "hunyin-jiating-bian-jieshi-yi-2020:第八条"),
    ("婚姻家庭编解释第8条", "hunyin-jiating-bian-jieshi-yi-2020:第八条"),
    ("劳动争议司法解释(一)第一条", "laodong-zhengyi-jieshi-yi-2020:第一条"),
    ("最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释第二条",
     "danbao-zhidu-jieshi-2020:第二条"),
    ("治安法第五十条", "zhian-guanli-chufa-fa-2025:第五十条"),
    ("土地管理法实施条例第二十六条", "tudi-guanli-fa-shishi-tiaoli-2021:第二十六条"),
    ("土地管理法第四十八条", "tudi-guanli-fa-2019:第四十八条"),
    ("征收补偿条例第十九条", "guoyou-tudi-shang-fangwu-zhengshou-yu-buchang-tiaoli-2011:第十九条"),
    ("政府信息公开条例第三十三条", "zhengfu-xinxi-gongkai-tiaoli-2019:第三十三条"),
    ("山东省信访条例第十条", "shandong-xinfang-tiaoli-2015:第十条"),
    # 规定 after the law's name is not another law
    ("信访工作条例规定第三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    # a Chinese numeral with 条 but without 第, as typed on a phone
    ("民法典一千零七十七条", "minfadian-2020:第一千零七十七条"),
    ("信访工作条例三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("刑法二百七十六条之一", "xingfa-2023:第二百七十六条之一"),
    # 十 with no digit before it, as typed: 一百十 is 110 (it opened 第一百条)
    ("民法典第一百十条", "minfadian-2020:第一百一十条"),
    ("刑法第二百十五条", "xingfa-2023:第二百一十五条"),
    ("信访工作条例的规定第三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    # the number before the law's name
    ("第32条信访工作条例", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("第三十二条 信访工作条例", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("32条信访工作条例是什么", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("第一千零七十七条民法典的规定", "minfadian-2020:第一千零七十七条"),
    ("第276条之一刑法", "xingfa-2023:第二百七十六条之一"),
    ("第十条旧信访条例", "xinfang-tiaoli-2005:第十条"),
])
def test_references_resolve(query, expected, aliases, library):
    ref = find_reference(query, aliases, library.provisions)
    assert ref is not None and ref.provision_id == expected


@pytest.mark.parametrize("query", ["老板拖欠工资一年多了", "我想问一条规定", "我们村十几户人想一起去上访", "",
                                   # a law the library does not ship: not the 信访工作条例's article
                                   "婚姻法第三十二条", "电子商务法第二十条", "《合同法》第五十二条", "民法通则第四条",
                                   # nor the article of the law whose name is inside it
                                   "道路交通安全法实施条例第九十一条",
                                   "劳动合同法两条规定有什么不同",
                                   # nor when that law's name comes after the number
                                   "第三十二条婚姻法", "第20条电子商务法的规定"])
def test_questions_are_not_references(query, aliases, library):
    assert find_reference(query, aliases, library.provisions) is None


@pytest.mark.parametrize("query", ["第三十二条婚姻法", "第20条电子商务法的规定", "电子商务法第二十条"])
def test_an_unshipped_law_named_either_side_of_the_number_is_noticed(query, aliases, library):
    assert find_reference(query, aliases, library.provisions) is None
    assert unknown_law_reference(query)


@pytest.mark.parametrize("query", ["第32条规定的期限是多久", "第三十二条规定", "老板拖欠工资一年多了"])
def test_questions_naming_no_law_are_not_unknown_law_references(query):
    assert not unknown_law_reference(query)


def test_every_law_is_reachable_by_its_short_name(library, aliases):
    for slug in library.laws:
        names = [n for n in library.names(slug) if aliases.get(n.replace("《", "").replace("》", "")) == slug]
        assert names, slug
        short = min(names, key=len)
        ref = find_reference(f"{short}第一条", aliases, library.provisions)
        assert ref is not None and ref.provision_id == f"{slug}:第一条", short


def test_missing_article_is_recognised_but_unresolved(aliases, library):
    ref = find_reference("信访工作条例第999条", aliases, library.provisions)
    assert ref is not None and ref.provision_id is None and ref.label == "第九百九十九条"


@pytest.mark.parametrize(("query", "expected"), [
    ("信访工作条例第三十二条", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
    ("刑法第二百七十六条之一", "xingfa-2023:第二百七十六条之一"),
    ("民法典1077条", "minfadian-2020:第一千零七十七条"),
    ("民诉法第一百二十二条", "minshi-susong-fa-2023:第一百二十二条"),
    ("劳动合同法第三十条", "laodong-hetong-fa-2012:第三十条"),
    ("第32条信访工作条例", "xinfang-gongzuo-tiaoli-2022:第三十二条"),
])
def test_engine_puts_the_referenced_article_first(fake_engine, query, expected):
    response = fake_engine.search(query, k=5)
    assert response.exact and response.confident
    assert response.hits[0].provision_id == expected


@pytest.mark.parametrize(("query", "says"), [
    # no law named: the citizen is told which law the number was read in
    ("第32条", "您没有写法规名称，这里显示的是《信访工作条例》第三十二条。"),
    # 信访条例 is read as today's 信访工作条例, and the way to the 2005 text is given
    ("信访条例第三十二条", "要查它的这一条，请输入“2005年信访条例第三十二条”"),
])
def test_a_reference_says_which_law_it_was_read_in(fake_engine, query, says):
    response = fake_engine.search(query, k=5)
    assert response.exact and response.hits[0].provision_id == "xinfang-gongzuo-tiaoli-2022:第三十二条"
    assert says in response.message


@pytest.mark.parametrize("query", ["信访工作条例第三十二条", "民法典1077条", "2005年信访条例第十条"])
def test_a_reference_naming_its_law_needs_no_note(fake_engine, query):
    response = fake_engine.search(query, k=5)
    assert response.exact and response.message == ""


def test_an_article_past_the_end_of_a_law_names_the_law_and_its_last_article(fake_engine):
    message = fake_engine.search("民法典第1261条", k=5).message
    assert message.startswith("《中华人民共和国民法典》没有第一千二百六十一条，最后一条是第一千二百六十条。")
    assert "仅供参考" in message
