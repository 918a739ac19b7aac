"""下一步怎么办: where to go after an answer, chosen from the question's words and the topics (law
catalogue) of the articles that answer it. Every route cites real articles (a test resolves them)
and names its time limits and telephone numbers in words.

Pure domain logic: no Streamlit; the 法律问答 page only draws what `next_steps` returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.laws.ids import law_slug_of
from portal.laws.library import Library

DISCLAIMER = ("以上内容帮助您了解相关规定和办事途径，不是法律意见，也不代替有关机关的决定。"
              "具体情况可以拨打 12348 公共法律服务热线咨询，经济困难的可以申请法律援助。")


# 行政复议法 第二十三条, item by item: where 复议 comes before any court (also said by the 诉访分离
# suggestion, portal.prefiling.channels, and the guide's 诉访分离 page)
REVIEW_FIRST = ("下面这些情形必须先申请行政复议，对复议决定不服的再起诉，不能直接起诉（作出决定的行政机关应当告诉您先申请复议）："
                "（一）当场作出的行政处罚（例如当场开的罚单）；"
                "（二）侵犯您已经依法取得的土地、林地等自然资源所有权或者使用权的决定；"
                "（三）行政机关不履行法定职责（《行政复议法》第十一条所列的情形），例如您申请行政机关保护人身权、财产权、"
                "受教育权等合法权益，或者申请依法发给抚恤金、社会保险待遇、最低生活保障，行政机关拒绝履行、未依法履行、"
                "不予答复或者没有依法发给；"
                "（四）申请政府信息公开，行政机关决定不予公开；"
                "（五）法律、行政法规规定要先申请行政复议的其他情形。")


@dataclass(frozen=True)
class Route:
    """One way forward: what to do, by when, whom to call, on which articles."""

    key: str
    title: str
    steps: tuple[str, ...]
    provision_ids: tuple[str, ...]
    pages: tuple[tuple[str, str], ...] = ()   # (page file, link label)
    urgent: bool = False


LABOUR = Route(
    "labour", "劳动争议：可以调解，也可以申请劳动仲裁",
    ("可以先和单位协商，或者向企业劳动争议调解委员会、基层人民调解组织申请调解（调解不是必经的）。",
     "不愿调解或调解不成的，向劳动争议仲裁委员会申请劳动仲裁。对仲裁裁决不服的，劳动者可以自收到仲裁裁决书之日起"
     " 15 日内向人民法院起诉；追索劳动报酬、工伤医疗费、经济补偿或者赔偿金不超过当地月最低工资标准十二个月金额的争议，"
     "以及因执行国家劳动标准在工作时间、休息休假、社会保险等方面发生的争议，是终局裁决，用人单位不能起诉，有法定情形的可以自收到裁决书之日起 30 日内向中级人民法院申请撤销；其他案件 15 日内不起诉的，裁决书发生法律效力。",
     "申请劳动仲裁的时效一般为一年，从知道或者应当知道权利被侵害之日起计算，不要拖延。",
     "拖欠工资、不缴社保等，也可以拨打 12333 人力资源社会保障服务热线，向劳动保障监察部门投诉。"),
    ("laodong-zhengyi-tiaojie-zhongcai-fa-2007:第五条", "laodong-zhengyi-tiaojie-zhongcai-fa-2007:第二十七条",
     "laodong-zhengyi-tiaojie-zhongcai-fa-2007:第四十七条", "laodong-zhengyi-tiaojie-zhongcai-fa-2007:第四十八条",
     "laodong-zhengyi-tiaojie-zhongcai-fa-2007:第四十九条", "laodong-zhengyi-tiaojie-zhongcai-fa-2007:第五十条"))
FAMILY = Route(
    "family", "家庭纠纷：人民调解，或者向人民法院起诉",
    ("可以向村（居）民委员会的人民调解委员会申请调解，调解不收费。",
     "调解不成或者不愿调解的，可以向人民法院起诉（离婚、抚养费、赡养费、继承等）。",
     "遭受家庭暴力的，可以向公安机关报案，或者向人民法院申请人身安全保护令；正在发生危险请拨打 110。"),
    ("renmin-tiaojie-fa-2010:第十七条", "renmin-tiaojie-fa-2010:第四条", "minshi-susong-fa-2023:第一百二十二条"))
NEIGHBOUR = Route(
    "neighbour", "邻里和物业纠纷：人民调解，或者向人民法院起诉",
    ("可以先和对方或物业服务企业协商，也可以请村（居）民委员会的人民调解委员会调解，调解不收费。",
     "调解不成或者不愿调解的，可以向人民法院起诉。"),
    ("renmin-tiaojie-fa-2010:第十七条", "renmin-tiaojie-fa-2010:第四条", "minshi-susong-fa-2023:第一百二十二条"))
CRIME = Route(
    "crime", "可能涉及违法犯罪：立即报警",
    ("正在发生危险或者刚刚发生的，请立即拨打 110 报警。",
     "也可以到公安机关当面报案或者控告；公安机关、人民检察院、人民法院都应当接受。",
     "保留好证据：聊天记录、转账记录、照片、视频、证人姓名和电话。"),
    ("xingshi-susong-fa-2018:第一百一十条",), urgent=True)
DETENTION = Route(
    "detention", "家人被刑事拘留、逮捕：委托律师，申请变更强制措施",
    ("公安机关刑事拘留或者逮捕人后，除无法通知等法定情形外，应当在二十四小时以内通知其家属。",
     "犯罪嫌疑人自被第一次讯问或者被采取强制措施之日起，有权委托律师作为辩护人；在押的，也可以由其监护人、近亲属"
     "（夫、妻、父、母、子、女、同胞兄弟姊妹）代为委托。因经济困难没有委托的，本人及其近亲属可以申请法律援助。",
     "犯罪嫌疑人本人及其法定代理人、近亲属或者辩护人可以申请变更强制措施（例如取保候审）；办案机关收到申请后"
     "应当在三日以内作出决定，不同意的应当说明理由。",
     "刑事拘留、逮捕是刑事诉讼程序，不能申请行政复议、提起行政诉讼；如果是公安机关的行政拘留（治安管理处罚），"
     "可以申请行政复议或者提起行政诉讼。"),
    ("xingshi-susong-fa-2018:第八十五条", "xingshi-susong-fa-2018:第九十三条", "xingshi-susong-fa-2018:第三十四条",
     "xingshi-susong-fa-2018:第三十五条", "xingshi-susong-fa-2018:第九十七条",
     "zhian-guanli-chufa-fa-2025:第一百二十一条"))
ADMINISTRATIVE = Route(
    "administrative", "不服行政机关的决定：行政复议或者行政诉讼",
    ("对罚款、拆除、不予许可等行政行为不服的，可以申请行政复议，一般应当自知道或者应当知道该行政行为之日起 60 日内提出。",
     REVIEW_FIRST + "复议机关不予受理、驳回申请或者逾期不答复的，可以自收到决定书或者复议期限届满之日起 15 日内起诉。",
     "其他情形也可以直接向人民法院提起行政诉讼，一般应当自知道或者应当知道该行政行为之日起 6 个月内提出；"
     "不服复议决定的，自收到复议决定书之日起 15 日内起诉。",
     "这些是法定途径：信访部门会告知或者引导您通过复议、诉讼解决。向信访部门反映不等于申请复议或者起诉，复议、诉讼的期限一般不会因此停止计算或者延长，请直接在期限内提出。"),
    ("xingzheng-fuyi-fa-2023:第二十条", "xingzheng-fuyi-fa-2023:第十一条", "xingzheng-fuyi-fa-2023:第二十三条",
     "xingzheng-fuyi-fa-2023:第三十四条",
     "xingzheng-susong-fa-2017:第四十六条", "xingzheng-susong-fa-2017:第四十五条", "xingzheng-susong-fa-2017:第四十八条",
     "xinfang-gongzuo-tiaoli-2022:第三十一条"))
PETITION = Route(
    "petition", "向有关机关反映：信访",
    ("不属于诉讼、仲裁、复议等法定途径的事项，可以通过网上、书信、电话、走访等形式向有关机关反映。",
     "先看看信访指南，了解到哪里反映、办理时限；也可以在本网站网上预登记，获得查询码和查询密码，查询办理进度。"),
    ("xinfang-gongzuo-tiaoli-2022:第十七条",),
    pages=(("pages/guide.py", "阅读信访指南"), ("pages/prefile.py", "网上预登记"),
           ("pages/schedule.py", "看看接访日程")))
CONSUMER = Route(
    "consumer", "消费纠纷：协商、投诉、调解，或者向人民法院起诉",
    ("先和商家协商，要求退货、更换、修理或者赔偿；在网络平台上买的，也可以要求平台提供商家的真实名称、地址和联系方式。",
     "协商不成的，可以拨打 12315 向市场监督管理部门投诉，或者请消费者协会调解。",
     "也可以按和商家的仲裁协议申请仲裁，或者向人民法院起诉。请保留好购物凭证、聊天记录和商品照片。"),
    ("xiaofeizhe-quanyi-baohu-fa-2013:第三十九条", "xiaofeizhe-quanyi-baohu-fa-2013:第四十四条"))
TRAFFIC = Route(
    "traffic", "交通事故赔偿：交警调解，或者向人民法院起诉",
    ("刚发生事故的，立即停车、保护现场；有人受伤的先抢救，并拨打 122 或者 110 报警。",
     "对赔偿有争议的，可以请求公安机关交通管理部门（交警）调解，也可以直接向人民法院提起民事诉讼。",
     "交警调解达不成协议，或者调解书生效后对方不履行的，可以向人民法院起诉。"),
    ("daolu-jiaotong-anquan-fa-2021:第七十条", "daolu-jiaotong-anquan-fa-2021:第七十四条"))
MEDICAL = Route(
    "medical", "医疗纠纷：协商、调解，或者向人民法院起诉",
    ("可以和医院协商，也可以申请医疗纠纷人民调解（不收费）或者向卫生主管部门申请行政调解；还可以向人民法院起诉。",
     "您有权查阅、复制病历资料；需要封存病历的，应当在医患双方都在场时进行。"),
    ("yiliao-jiufen-yufang-he-chuli-tiaoli-2018:第二十二条", "yiliao-jiufen-yufang-he-chuli-tiaoli-2018:第三十二条",
     "yiliao-jiufen-yufang-he-chuli-tiaoli-2018:第十六条", "yiliao-jiufen-yufang-he-chuli-tiaoli-2018:第二十四条"))
LEGAL_AID = Route(
    "legal_aid", "不知道找谁：法律咨询和法律援助",
    ("拨打 12348 公共法律服务热线，可以免费咨询法律问题。",
     "经济困难的，可以向法律援助机构申请免费的法律咨询、代理等法律援助。"),
    ("falv-yuanzhu-fa-2021:第二条",))

ROUTES = (CRIME, DETENTION, LABOUR, FAMILY, NEIGHBOUR, CONSUMER, TRAFFIC, MEDICAL, ADMINISTRATIVE, PETITION, LEGAL_AID)

# everyday words that point to a route (the question is matched as typed)
CUES: dict[str, tuple[str, ...]] = {
    # being hit, in words that say so: not 打我 / 打了我 alone (打了我一半工资, 打了我卡上, 打了我几个电话,
    # 把我打发走了, 动手打扫)
    "crime": ("偷", "被盗", "盗窃", "抢", "诈骗", "被骗", "骗了", "打人", "殴打", "被打", "被他打", "被她打", "被人打", "打我了", "打了我一顿",
              "打了我几下", "打了我一巴掌", "打了我耳光", "经常打我", "总是打我", "老是打我", "动手打我", "动手打人",
              "把我打伤", "把我打成", "把我打了", "打伤", "砍", "威胁",
              "敲诈", "勒索", "报警", "绑架", "强奸", "猥亵", "传销"),
    "detention": ("刑事拘留", "刑拘", "逮捕", "取保候审", "看守所"),
    "labour": ("工资", "老板", "欠薪", "讨薪", "加班", "辞退", "开除", "解雇", "劳动", "工伤", "社保",
               "经济补偿", "试用期", "用人单位", "包工头", "农民工", "上班", "公司不"),
    "family": ("离婚", "抚养", "赡养", "家暴", "家庭暴力", "孩子", "老人", "父母", "丈夫", "妻子", "老公",
               "老婆", "继承", "遗产", "彩礼", "结婚", "子女"),
    "neighbour": ("邻居", "楼上", "楼下", "噪音", "漏水", "物业", "业主", "停车", "占道", "相邻", "宅基地"),
    "administrative": ("罚款", "罚了", "罚我", "被罚", "罚单", "处罚", "拆除", "强拆", "吊销", "行政", "城管",
                       "执法", "许可", "不作为", "复议", "征收", "拘留", "政府"),
    "consumer": ("商家", "卖家", "店家", "网购", "退款", "退货", "假货", "售后", "消费者"),
    # 交警 alone is no cue: a 罚单 from 交警 is a fine to contest, not an accident to be compensated
    "traffic": ("车祸", "交通事故", "撞了", "被撞", "撞伤", "撞车", "追尾", "剐蹭", "肇事"),
    "medical": ("医院", "医生", "医疗", "手术", "误诊", "病历"),
    "petition": ("信访", "上访", "反映", "走访", "投诉", "来访", "信访件"),
}
# Words of someone who may harm themselves (or others) right now. Whatever the search finds, the
# answer then opens with CRISIS. Matched on the words as searched (simplified, typos read).
CRISIS_CUES = ("不想活", "活不下去", "活着没意思", "活着没有意思", "活着还有什么意思", "活够了", "生不如死",
               "不如死了", "轻生", "自杀", "寻死", "寻短见", "想死", "想去死", "一死了之", "死了算了", "自残",
               "结束自己的生命", "结束生命", "跳楼", "跳河", "跳江", "跳桥", "喝农药", "服毒", "敌敌畏",
               "百草枯", "老鼠药", "安眠药", "割腕", "割脉", "烧炭", "开煤气", "上吊", "卧轨", "自焚",
               # harm to others, the same number to call
               "同归于尽", "杀了他", "报复社会")
# the same characters in everyday phrases that say nothing of the kind (跳楼价: a clearance price;
# 想死你了: I miss you) — whole idioms only: 我想死你们都不管我 is not one
NOT_CRISIS = ("跳楼价", "跳楼甩卖", "跳楼大甩卖", "想死你了", "想死我了")
PSYCHOLOGICAL_HOTLINE = "12356"   # 全国统一心理援助热线 (国家卫生健康委, from 2025-01-01)
CRISIS_TITLE = "您的安全最要紧"
CRISIS_STEPS = ("如果您或者身边的人现在有生命危险，请立即拨打 110 或者 120。",
                f"心里很难受、想找人说说的，可以拨打心理援助热线 {PSYCHOLOGICAL_HOTLINE}，有专业人员倾听和帮助。",
                "您遇到的问题，也可以试试通过法律途径解决：拨打 12348 公共法律服务热线，请律师帮您分析。")
# 从楼顶跳下去, 到桥上跳下去 (not 从滑梯上跳下去摔伤了)
CRISIS_JUMP = re.compile(r"(?:楼|天台|窗|桥|河|江)[^，。！？,.!?]{0,4}跳下去")
# what a screen reader hears first (the one live region: said together with what the search found)
CRISIS_SAID = "如果您或者身边的人现在有生命危险，请立即拨打 110 或者 120。心理援助热线 12356。"


def in_crisis(question: str) -> bool:
    """Whether the question has words of someone who may harm themselves or others (不想活了, 跳楼)."""
    rest = question
    for phrase in NOT_CRISIS:
        rest = rest.replace(phrase, "\0")
    return any(cue in rest for cue in CRISIS_CUES) or bool(CRISIS_JUMP.search(rest))


# catalogue topics (content/laws/catalog.yaml) -> route
TOPIC_ROUTE = {"劳动与社保": "labour", "婚姻家庭": "family", "邻里与物业": "neighbour",
               "刑事与治安": "crime", "行政执法": "administrative", "土地与房屋": "administrative",
               "信访": "petition"}
# laws whose own disputes have a route of their own (instead of their catalogue topics)
LAW_ROUTE = {"xiaofeizhe-quanyi-baohu-fa-2013": "consumer", "daolu-jiaotong-anquan-fa-2021": "traffic",
             "yiliao-jiufen-yufang-he-chuli-tiaoli-2018": "medical"}
CUE_WEIGHT = 2.0
MIN_SCORE = 2.0
MAX_ROUTES = 2


def route_scores(*, question: str, provision_ids: list[str], library: Library) -> dict[str, float]:
    """How strongly the question (its words) and its top articles (their laws' topics) point to each route."""
    scores = {r.key: 0.0 for r in ROUTES}
    for key, count in _cue_counts(question).items():
        scores[key] += CUE_WEIGHT * min(2, count)
    for rank, pid in enumerate(provision_ids[:5]):
        weight = 1.0 if rank < 3 else 0.5
        if (own := LAW_ROUTE.get(law_slug_of(pid))) is not None:
            scores[own] += weight
            continue
        entry = library.entry(law_slug_of(pid))
        if entry is None:
            continue
        for topic in entry.topics:
            if topic in TOPIC_ROUTE:
                scores[TOPIC_ROUTE[topic]] += weight / len(entry.topics)
    return scores


def _cue_counts(question: str) -> dict[str, int]:
    """How many cue words of each route the question has, the longest first: a word inside a longer
    cue of another route is that cue's (刑事拘留 is criminal procedure, not the 拘留 of an
    administrative penalty)."""
    counts: dict[str, int] = {}
    rest = question
    for word, key in sorted(((w, k) for k, ws in CUES.items() for w in ws), key=lambda x: -len(x[0])):
        if word in rest:
            counts[key] = counts.get(key, 0) + 1
            rest = rest.replace(word, "\0" * len(word))
    return counts


def cued(question: str) -> set[str]:
    """The routes the question's own words point to."""
    return set(_cue_counts(question))


def next_steps(*, question: str, provision_ids: list[str], library: Library) -> list[Route]:
    """At most two routes for this question, the most fitting first (an urgent one always first).
    Where the question's own words point to routes, only those are offered and the articles' topics
    weigh among them (警察罚了我 is a fine to contest, not a case for 110 because 治安管理处罚法 is
    filed under 刑事与治安); where they point nowhere, the articles' topics choose; when nothing fits
    well, 法律咨询/法律援助 and 信访."""
    scores = route_scores(question=question, provision_ids=provision_ids, library=library)
    words = cued(question)
    fitting = [r for r in ROUTES if scores[r.key] >= MIN_SCORE and (not words or r.key in words)]
    chosen = sorted(fitting, key=lambda r: (not r.urgent, -scores[r.key]))[:MAX_ROUTES]
    if not chosen:
        return [LEGAL_AID, PETITION]
    return chosen
