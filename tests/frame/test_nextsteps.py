"""下一步怎么办: the route follows the question's topic and cites only real articles."""

from __future__ import annotations

import pytest

from portal.nextsteps import (
    CRISIS_STEPS,
    DISCLAIMER,
    PSYCHOLOGICAL_HOTLINE,
    ROUTES,
    cued,
    in_crisis,
    next_steps,
)


def keys(question, ids, library):
    return [r.key for r in next_steps(question=question, provision_ids=ids, library=library)]


def test_every_route_cites_articles_that_resolve(library):
    for route in ROUTES:
        assert route.provision_ids and route.steps
        for pid in route.provision_ids:
            assert library.provision(pid) is not None, pid


@pytest.mark.parametrize("question,ids,first", [
    ("老板拖欠工资一年多了，还能申请劳动仲裁吗？", ["laodong-zhengyi-tiaojie-zhongcai-fa-2007:第二十七条"], "labour"),
    ("手机被偷了怎么办", [], "crime"),
    ("有人在网上骗了我两万块钱", ["minfadian-2020:第一百四十八条"], "crime"),
    ("离婚后孩子的抚养费对方不给", ["minfadian-2020:第一千零八十五条"], "family"),
    ("楼上邻居家漏水把我家天花板泡坏了", ["minfadian-2020:第二百八十八条"], "neighbour"),
    ("城管罚款我不服，怎么办", ["xingzheng-chufa-fa-2021:第七条"], "administrative"),
    ("我想去上访反映村干部的问题", ["xinfang-gongzuo-tiaoli-2022:第十七条"], "petition"),
    ("网上买的东西有质量问题，商家不给退款", ["xiaofeizhe-quanyi-baohu-fa-2013:第二十四条"], "consumer"),
    ("被车撞了，对方不肯赔医药费", ["minfadian-2020:第一千二百零八条"], "traffic"),
    ("医院手术出了问题，怎么要求赔偿", ["minfadian-2020:第一千二百一十八条"], "medical"),
])
def test_the_question_topic_chooses_the_route(library, question, ids, first):
    assert keys(question, ids, library)[0] == first


def test_labour_route_names_the_one_year_limit_and_12333(library):
    route = next_steps(question="单位拖欠工资", provision_ids=[], library=library)[0]
    text = "".join(route.steps)
    assert "劳动仲裁" in route.title and "一年" in text and "12333" in text


def test_administrative_route_names_both_time_limits(library):
    route = next_steps(question="对行政处罚决定不服", provision_ids=[], library=library)[0]
    text = "".join(route.steps)
    assert "60 日" in text and "6 个月" in text and "15 日" in text
    # 行政复议法 第二十条, 行政诉讼法 第四十六条: the clock runs from 知道或者应当知道, not only 知道
    assert "自知道或者应当知道该行政行为之日起六十日内" in library.provision("xingzheng-fuyi-fa-2023:第二十条").text
    assert "自知道或者应当知道作出行政行为之日起六个月内" in library.provision("xingzheng-susong-fa-2017:第四十六条").text
    assert "自知道或者应当知道该行政行为之日起 60 日内" in text
    assert "自知道或者应当知道该行政行为之日起 6 个月内" in text


def test_administrative_route_says_when_reconsideration_must_come_first(library):
    """行政复议法 第二十三条: a fine given on the spot, an authority that does not act, a refused
    information request must go to 复议 before a court; "you may sue directly" alone let a citizen
    lose the 60 days (legal review, H1). Petitioning does not stop those periods (H5)."""
    route = next_steps(question="交警当场给我开了罚单罚款200元不服", provision_ids=[], library=library)[0]
    text = "".join(route.steps)
    assert route.key == "administrative" and "xingzheng-fuyi-fa-2023:第二十三条" in route.provision_ids
    assert "必须先申请行政复议" in text and "当场开的罚单" in text and "期限一般不会因此停止计算" in text
    assert "不再受理" not in text   # the 2005 rule; 第三十一条 now says to guide into those procedures


def test_the_review_first_list_keeps_to_the_scope_of_article_23(library):
    """行政复议法 第二十三条（三） sends to 复议 first only 第十一条's 未履行法定职责 cases (保护人身权利、
    财产权利、受教育权利… in 第十一条（十一）, 给付 in （十二）); "any request to act, refused" was wider. The
    route, the 行政复议 suggestion and the guide say the same."""
    from pathlib import Path

    from portal.guide.content import load_guide
    from portal.nextsteps import ADMINISTRATIVE, REVIEW_FIRST
    from portal.prefiling.channels import RULES

    fy = "xingzheng-fuyi-fa-2023"
    assert "本法第十一条规定的未履行法定职责情形" in library.provision(f"{fy}:第二十三条").text
    article_11 = library.provision(f"{fy}:第十一条").text
    assert "保护人身权利、财产权利、受教育权利等合法权益的法定职责" in article_11
    assert "抚恤金、社会保险待遇或者最低生活保障" in article_11
    guide = Path(__file__).resolve().parents[2] / "content" / "guide"
    body = next(s.body for s in load_guide(guide) if "- **必须先申请行政复议的情形**" in s.body)
    point = body[body.index("- **必须先申请行政复议的情形**"):].split("\n- ")[0]   # with its sub-list
    assert point.count("\n  - ") == 5   # the five cases of 第二十三条 are a list, not one long sentence
    assert "法律、行政法规规定应当先向行政复议机关申请行政复议的其他情形" in library.provision(f"{fy}:第二十三条").text
    reconsideration = next(r for r in RULES if r.key == "reconsideration")
    for text in (REVIEW_FIRST, point, reconsideration.advice):
        assert "《行政复议法》第十一条所列的情形" in text
        assert "法律、行政法规规定要先申请行政复议的其他情形" in text   # （五）: the list is not closed
        assert "保护人身权、财产权、受教育权等合法权益" in text and "抚恤金、社会保险待遇、最低生活保障" in text
        assert "申请行政机关履行法定职责，行政机关拒绝履行" not in text
    # the rule first, then the four cases numbered: not a four-item run-on ending in "——这些情形"
    assert REVIEW_FIRST.startswith("下面这些情形必须先申请行政复议") and "——" not in REVIEW_FIRST
    assert [REVIEW_FIRST.index(n) for n in ("（一）", "（二）", "（三）", "（四）")] == sorted(
        REVIEW_FIRST.index(n) for n in ("（一）", "（二）", "（三）", "（四）"))
    for pids in (ADMINISTRATIVE.provision_ids, reconsideration.provision_ids):
        assert f"{fy}:第十一条" in pids and f"{fy}:第二十三条" in pids
    assert f"[[{fy}:第十一条]]" in point


def test_labour_route_names_the_15_days_to_sue_after_an_award(library):
    route = next_steps(question="劳动仲裁裁决不服怎么办", provision_ids=[], library=library)[0]
    text = "".join(route.steps)
    assert "15 日内向人民法院起诉" in text and "裁决书发生法律效力" in text
    assert "laodong-zhengyi-tiaojie-zhongcai-fa-2007:第五十条" in route.provision_ids
    assert "先调解，再" not in route.title   # mediation may be skipped (第五条: 可以)


@pytest.mark.parametrize("question", ["我儿子被公安刑事拘留了怎么办", "老公被刑拘了，家属能做什么", "家人被逮捕了能取保候审吗"])
def test_criminal_detention_is_not_sent_to_administrative_review(library, question):
    """拘留 inside 刑事拘留 is criminal procedure: a lawyer and 变更强制措施, not 行政复议 (legal review, M6)."""
    ids = ["xingshi-susong-fa-2018:第八十二条"]
    got = keys(question, ids, library)
    assert got[0] == "detention" and "administrative" not in got


def test_an_administrative_detention_still_goes_to_review(library):
    assert keys("被行政拘留十天，我不服", [], library)[0] == "administrative"


def test_crime_comes_first_even_when_the_articles_are_about_something_else(library):
    ids = ["laodong-fa-2018:第五十条", "laodong-hetong-fa-2012:第三十条"]
    assert keys("老板欠我工资还打人", ids, library)[0] == "crime"
    assert "labour" in keys("老板欠我工资还打人", ids, library)


def test_topics_of_the_articles_decide_when_the_words_do_not(library):
    ids = ["laodong-zhengyi-tiaojie-zhongcai-fa-2007:第二十七条", "laodong-fa-2018:第五十条",
           "laodong-hetong-fa-2012:第三十条"]
    assert keys("这种情况该怎么处理", ids, library)[0] == "labour"


def test_nothing_fits_gives_legal_advice_and_petition(library):
    assert keys("天气", [], library) == ["legal_aid", "petition"]
    assert "12348" in DISCLAIMER and "不是法律意见" in DISCLAIMER


def test_a_police_fine_is_contested_not_reported_to_110(library):
    """治安管理处罚法 is filed under 刑事与治安: its articles alone called up 立即报警 (and 邻里和物业
    纠纷, its other topic) for someone fined by the police. The question's words point to contesting
    a decision, and only the routes its words point to are offered."""
    ids = ["zhian-guanli-chufa-fa-2025:第二十三条", "zhian-guanli-chufa-fa-2025:第九十五条",
           "zhian-guanli-chufa-fa-2025:第一百零二条", "zhian-guanli-chufa-fa-2025:第一百一十七条"]
    assert keys("警察罚了我五百块钱，我觉得不公平", ids, library) == ["administrative"]
    assert "crime" in keys("有人偷了我的电动车", ids, library)        # a theft still is one


def test_consumer_traffic_and_medical_disputes_have_their_own_ways(library):
    """A refund, a collision and a hospital dispute each name their own bodies and numbers, not the
    generic 12348 and 信访 (a compensation claim is not a petition) nor 行政复议."""
    refund = next_steps(question="商家不给退款", provision_ids=["xiaofeizhe-quanyi-baohu-fa-2013:第二十四条"],
                        library=library)
    assert [r.key for r in refund] == ["consumer"] and "12315" in "".join(refund[0].steps)
    crash = next_steps(question="出了交通事故，对方不赔", provision_ids=[], library=library)
    assert [r.key for r in crash] == ["traffic"] and "交警" in "".join(crash[0].steps)
    assert keys("追尾了，对方不赔修车钱", [], library) == ["traffic"]


@pytest.mark.parametrize("question", ["交警当场给我开了罚单罚款200元不服", "交警罚了我两百块，我觉得罚错了"])
def test_a_fine_from_traffic_police_is_not_offered_the_accident_route(library, question):
    """交警 names who fined, not an accident: the citizen contesting a 罚单 was also told how to claim
    compensation after a collision (交警调解, 民事诉讼)."""
    assert keys(question, [], library) == ["administrative"]
    # the articles' law decides where the words are silent
    assert keys("这种情况该怎么办", ["yiliao-jiufen-yufang-he-chuli-tiaoli-2018:第二十二条"] * 3,
                library) == ["medical"]


XINGFA = [f"xingfa-2023:{a}" for a in ("第二百三十四条", "第二百六十四条", "第二百六十六条", "第二百七十四条",
                                       "第二百九十三条")]
MINSU = "minshi-susong-fa-2023:第一百二十二条"   # 民事诉讼法: 诉讼与仲裁 only, a topic with no route


def test_a_fine_is_contested_even_when_every_article_is_from_the_criminal_law(library):
    """Five 刑法 articles (刑事与治安 only) weigh 1 + 1 + 1 + 0.5 + 0.5 = 4 for 立即报警, well above
    what a route needs; the question's words speak only of a fine (罚款, 被罚), so only contesting
    the decision is offered, not 110."""
    assert tuple(library.entry("xingfa-2023").topics) == ("刑事与治安",)
    assert all(library.provision(pid) is not None for pid in [*XINGFA, MINSU])
    assert keys("我被罚款了，觉得罚得不对", XINGFA, library) == ["administrative"]
    # the same articles with words that say nothing choose 立即报警 themselves
    assert keys("这种情况该怎么处理", XINGFA, library)[0] == "crime"


@pytest.mark.parametrize(("ids", "expected"), [
    ([XINGFA[0]], ["legal_aid", "petition"]),                              # 1: too weak alone
    ([XINGFA[0], MINSU, MINSU, XINGFA[1]], ["legal_aid", "petition"]),     # 1 + 0.5 = 1.5: still too weak
    ([XINGFA[0], MINSU, MINSU, XINGFA[1], XINGFA[2]], ["crime"]),          # 1 + 0.5 + 0.5 = 2: enough
    ([XINGFA[0], XINGFA[1]], ["crime"]),                                   # 1 + 1 = 2: enough
])
def test_a_weak_article_signal_alone_does_not_add_a_route(library, ids, expected):
    """With words that point nowhere, the top articles choose (the first three weigh 1, the 4th and
    5th 0.5), and a route needs a weight of 2 — one 刑法 article among unrelated ones is no reason
    to tell someone to call 110."""
    assert keys("这种情况该怎么处理", ids, library) == expected


@pytest.mark.parametrize("question", ["工资要不回来，我不想活了，准备去跳楼", "被逼得活不下去了，想一死了之",
                                      "再不解决我就喝农药", "我老公说要和我同归于尽", "逼得我想死你知道吗",
                                      "我想死你们都不管我", "我想去死", "我想结束自己的生命", "我要从楼顶跳下去",
                                      "活着还有什么意思", "想寻短见", "家里有老鼠药，我也不想撑了", "我要杀了他"])
def test_words_of_self_harm_are_recognised(question):
    assert in_crisis(question)


@pytest.mark.parametrize("question", ["商场跳楼价甩卖，买到的是假货", "老人每天要喝药，药费谁出", "想死你了，什么时候回来",
                                      "老板拖欠工资三个月", "孩子从滑梯上跳下去摔伤了，幼儿园要赔吗"])
def test_everyday_phrases_with_the_same_characters_are_not(question):
    assert not in_crisis(question)


def test_the_crisis_notice_names_the_numbers_to_call():
    text = "".join(CRISIS_STEPS)
    assert "110" in text and "120" in text and PSYCHOLOGICAL_HOTLINE in text


@pytest.mark.parametrize(("question", "is_crime"), [
    ("老公经常打我怎么办", True), ("他动手打了我，还把我打伤了", True), ("他打了我一顿", True), ("被他打了", True),
    ("公司打我卡上的工资少了五百", False), ("领导打我电话让我周末加班", False), ("老板只打了我一半工资", False),
    ("公司打了我三千块补偿合理吗", False), ("他打了我好几个电话", False), ("单位把我打发走了不给补偿", False),
    ("把我打入黑名单", False), ("物业动手打扫楼道", False)])
def test_being_hit_is_a_police_matter_but_money_paid_into_a_card_is_not(question, is_crime):
    assert ("crime" in cued(question)) is is_crime
