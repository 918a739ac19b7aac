"""Channel suggestion (诉访分离) and bar warnings, before the citizen submits.

Matters for a court, labour arbitration, administrative reconsideration, a house or land
expropriation remedy, a government-information request or discipline inspection are pointed to
that channel, with the articles that govern it (信访工作条例 第二十二条、第二十八条、第三十一条;
劳动争议调解仲裁法 and 劳动合同法; 国有土地上房屋征收与补偿条例 and 土地管理法; 政府信息公开条例);
legal aid (法律援助法) is offered to whoever cannot afford a lawyer. The citizen may still submit.
Warnings where 第十九条第三款 or 第三十六条第三款 would bar acceptance. After 不予登记, the same
channels say on 进度查询 how to go on (refusal_routes).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.laws.ids import XINFANG_REGULATION
from portal.nextsteps import REVIEW_FIRST, Route

_XF = XINFANG_REGULATION
_SD = "shandong-xinfang-tiaoli-2015"
_LD = "laodong-zhengyi-tiaojie-zhongcai-fa-2007"
_FY = "xingzheng-fuyi-fa-2023"
_SS = "xingzheng-susong-fa-2017"
_HT = "laodong-hetong-fa-2012"
_NMG = "baozhang-nongmingong-gongzi-zhifu-tiaoli-2019"
_ZS = "guoyou-tudi-shang-fangwu-zhengshou-yu-buchang-tiaoli-2011"
_TD = "tudi-guanli-fa-2019"
_XXGK = "zhengfu-xinxi-gongkai-tiaoli-2019"
_FY_AID = "falv-yuanzhu-fa-2021"


@dataclass(frozen=True)
class ChannelRule:
    """A channel (途径) and the words and answers that point to it."""

    key: str
    channel: str
    advice: str
    keywords: tuple[str, ...]
    provision_ids: tuple[str, ...]
    categories: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    rule: ChannelRule
    matched: tuple[str, ...]


@dataclass(frozen=True)
class BarWarning:
    """A reason the matter would not be accepted, with the article."""

    key: str
    message: str
    provision_ids: tuple[str, ...]


RULES: tuple[ChannelRule, ...] = (
    ChannelRule(
        "arbitration", "劳动争议仲裁",
        "拖欠工资、劳动合同、社会保险、工伤待遇等劳动争议，可以先申请调解，或向劳动争议仲裁委员会申请仲裁；"
        "被拖欠工资的，也可以向人力资源社会保障部门（劳动保障监察）投诉。"
        "仲裁时效一般为一年，请留意期限；对仲裁裁决不服的，劳动者一般可以自收到裁决书之日起十五日内向人民法院起诉"
        "（终局裁决的，用人单位不能起诉，只能自收到裁决书之日起三十日内向中级人民法院申请撤销）。",
        ("工资", "欠薪", "讨薪", "劳动报酬", "劳动合同", "辞退", "开除", "社保", "社会保险", "加班",
         "经济补偿", "劳动关系", "工伤待遇", "用人单位", "农民工", "劳动争议", "劳动人事争议", "劳动仲裁"),
        (f"{_LD}:第二条", f"{_LD}:第五条", f"{_LD}:第二十七条", f"{_HT}:第三十条", f"{_HT}:第七十七条",
         f"{_NMG}:第十条", f"{_LD}:第四十七条", f"{_LD}:第四十八条", f"{_LD}:第四十九条", f"{_LD}:第五十条",
         f"{_XF}:第三十一条")),
    ChannelRule(
        "expropriation", "征收补偿（复核评估、行政复议、行政诉讼）",
        "对市、县级人民政府的房屋征收决定或者补偿决定不服的，可以依法申请行政复议，也可以提起行政诉讼；"
        "对评估确定的房屋价值有异议的，可以申请复核评估，再有异议的可以申请鉴定。"
        "征收集体土地的，补偿安置方案应当公告并听取意见，补偿应当公平、合理。",
        ("征收", "拆迁", "补偿决定", "补偿协议", "征地", "安置补偿", "评估价", "强拆"),
        (f"{_ZS}:第十四条", f"{_ZS}:第十九条", f"{_ZS}:第二十六条", f"{_ZS}:第二十七条",
         f"{_TD}:第四十七条", f"{_TD}:第四十八条")),
    ChannelRule(
        "reconsideration", "行政复议",
        "对行政机关的处罚、强制措施、征收补偿、许可等决定不服的，可以自知道或者应当知道该行为之日起六十日内申请行政复议。"
        + REVIEW_FIRST,
        ("行政处罚", "罚款", "吊销", "没收", "查封", "扣押", "行政许可", "不予许可", "工伤认定",
         "强制拆除", "行政拘留"),
        (f"{_FY}:第二条", f"{_FY}:第十一条", f"{_FY}:第二十条", f"{_FY}:第二十三条", f"{_XF}:第三十一条")),
    ChannelRule(
        "information", "政府信息公开申请",
        "想了解政府的文件、批复、补偿方案等信息的，可以向地方各级人民政府或有关政府部门申请政府信息公开；"
        "不能当场答复的，行政机关应当在20个工作日内答复（延长最多20个工作日）。"
        "认为行政机关侵犯您在信息公开中的合法权益的，可以投诉、举报，也可以申请行政复议或提起行政诉讼；"
        "申请公开，行政机关决定不予公开的，必须先申请行政复议，不能直接起诉；对其他答复不服的，也可以申请行政复议。",
        ("信息公开", "政府信息", "公开申请", "申请公开", "不予公开", "公开文件"),
        (f"{_XXGK}:第二十七条", f"{_XXGK}:第三十三条", f"{_XXGK}:第五十一条", f"{_FY}:第二十三条")),
    ChannelRule(
        "court", "人民法院（诉讼）",
        "涉及民事、行政、刑事等诉讼权利救济的事项，依法由法院等政法部门按诉讼程序处理；"
        "已经起诉、判决或正在执行的，请向作出裁判的法院或其上级法院反映。",
        # not 执行 alone: 严格执行规定, 不执行业主大会决议 are no court matters (a spec audit)
        ("法院", "判决", "裁定", "起诉", "诉讼", "强制执行", "申请执行", "执行案件", "执行款", "拒不执行",
         "上诉", "再审", "借款", "欠款", "合同纠纷", "离婚", "继承", "抚养费"),
        (f"{_XF}:第二十二条", f"{_XF}:第二十八条", f"{_XF}:第三十一条", f"{_SS}:第二条",
         f"{_SS}:第四十六条", "minshi-susong-fa-2023:第一百二十二条"),
        stages=("已进入诉讼或仲裁",)),
    ChannelRule(
        "legal_aid", "法律援助",
        "经济困难、请不起律师的，可以向法律援助机构申请免费的法律咨询、代写文书、诉讼或仲裁代理；"
        "进城务工人员申请支付劳动报酬或者请求工伤事故人身损害赔偿的，有材料证明即免予核查经济困难状况。",
        ("法律援助", "请不起律师", "没钱请律师", "免费律师", "找不到律师"),
        (f"{_FY_AID}:第二条", f"{_FY_AID}:第二十二条", f"{_FY_AID}:第三十一条", f"{_FY_AID}:第四十二条")),
    ChannelRule(
        "discipline", "纪检监察机关",
        "检举控告党员干部、公职人员违纪违法的，由纪检监察机关依规依纪依法受理；"
        "您的检举材料不会透露或转给被检举的人员或单位。",
        ("贪污", "受贿", "行贿", "索贿", "腐败", "吃拿卡要", "违纪", "公款", "滥用职权", "玩忽职守",
         "党员干部", "公职人员"),
        (f"{_XF}:第二十二条", f"{_XF}:第三十条", "xianfa-2018:第四十一条"),
        categories=("检举控告",)),
)

BAR_19_3 = BarWarning(
    "art19_3",
    "您填写的进展是“正在办理”。根据《信访工作条例》第十九条第三款，信访事项已经受理或者正在办理的，"
    "在规定期限内向上级机关、单位又提出同一信访事项的，上级机关、单位不予受理。"
    "建议先向正在办理的机关了解进展。",
    (f"{_XF}:第十九条",))
BAR_36_3 = BarWarning(
    "art36_3",
    "您填写的进展是“已复核”。根据《信访工作条例》第三十六条第三款，对复核意见不服，仍然以同一事实和理由"
    "提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。如有新的事实和理由，请在事实与理由中写明。",
    (f"{_XF}:第三十六条",))
HINT_35 = BarWarning(
    "art35",
    "已出处理意见的，如不服，可以自收到书面答复之日起30日内请求原办理机关的上一级机关复查"
    "（《信访工作条例》第三十五条）。",
    (f"{_XF}:第三十五条",))
HINT_36 = BarWarning(
    "art36",
    "已有复查意见的，如不服，可以自收到书面答复之日起30日内向复查机关的上一级机关请求复核"
    "（《信访工作条例》第三十六条）。",
    (f"{_XF}:第三十六条",))


def channel_input(*, subject: str, request: str, facts: str) -> str:
    """The words channel suggestion reads: 被反映对象, 诉求 and 事实与理由 (the same on the 核对 step
    and in the stored record)."""
    return " ".join((subject, request, facts))


SUGGESTION = "建议意见"


def suggest(*, category: str, text: str, stage: str = "") -> list[Suggestion]:
    """Channels the answers point to, most specific first. A 建议意见 is no dispute to be sent
    elsewhere (信访工作条例第二十九条 has it studied and answered), so its words point nowhere: only
    the answers do (已进入诉讼或仲裁)."""
    out: list[Suggestion] = []
    for rule in RULES:
        matched = () if category == SUGGESTION else tuple(w for w in rule.keywords if w in text)
        by_answer = category in rule.categories or (stage and stage in rule.stages)
        if matched or by_answer:
            out.append(Suggestion(rule=rule, matched=matched))
    return out


def warnings(*, raised_before: bool, stage: str) -> list[BarWarning]:
    """Bars (art 19(3), art 36(3)) and the next step's time limit (arts 35, 36)."""
    if not raised_before:
        return []
    return {"正在办理": [BAR_19_3], "已复核": [BAR_36_3], "已出处理意见": [HINT_35],
            "已复查": [HINT_36]}.get(stage, [])


# 告知信访人依法向有关机关或者机构提出 (山东 第三十三条第一款第四项); the procedures 第三十一条 names
REFUSAL_BASIS = (f"{_SD}:第三十三条", f"{_XF}:第三十一条")


def all_provision_ids() -> set[str]:
    ids = {pid for rule in RULES for pid in rule.provision_ids}
    return ids | {pid for w in (BAR_19_3, BAR_36_3, HINT_35, HINT_36) for pid in w.provision_ids} | set(REFUSAL_BASIS)


def channel_rule(channel: str) -> ChannelRule | None:
    """The rule of the channel staff named at 不予登记: by its name as the queue suggests it (kept
    as it is, or written into a sentence: 向区人民法院起诉), else by its words; None for another."""
    for rule in RULES:
        if rule.channel.split("（", 1)[0] in channel:
            return rule
    found = suggest(category="", text=channel)
    return found[0].rule if found else None


def refusal_routes(*, channel: str, phone: str) -> list[Route]:
    """下一步怎么办 after 不予登记 (山东省信访条例 第三十三条第一款第四项: a matter for a court,
    arbitration, 行政复议 … is told to go there; 信访工作条例 第三十一条): go there directly, in time,
    and ask the bureau about the reason; then the advice of the channel staff named, when it is one
    of RULES. Only what the citizen can do: the bureau handles this pre-filing no more."""
    told = Route(
        "refused", "按告知的途径提出",
        ("这份预登记不予登记，不再办理。请按工作人员告知的途径，直接向有关机关或者机构提出。",
         "诉讼、仲裁、行政复议等都有法定期限，请尽早提出，不要等期限过了。",
         f"对不予登记的理由有疑问的，可以拨打来访接待电话 {phone} 询问。"),
        REFUSAL_BASIS)
    rule = channel_rule(channel)
    if rule is None:
        return [told]
    return [told, Route(rule.key, rule.channel, (rule.advice,), rule.provision_ids)]
