"""The pre-filing form (预登记表单), validated stage by stage.

The form travels as a plain dict (what the widgets hold, JSON-safe for the draft); each stage has
a validator returning FieldError values, and `to_create` turns a fully valid dict into the typed
PrefilingCreate the submit service takes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from portal.field_errors import ValidationFailed
from portal.prefiling import idcard
from portal.prefiling.fields import (
    FieldError,
    check_line,
    check_phone,
    check_plain,
    invisible_only,
    normalise_phone,
)
from portal.textinput import multi_line, only_invisible, single_line
from portal.timeutil import beijing_today

STAGES: tuple[str, ...] = ("consent", "petitioner", "matter", "history", "check")
STAGE_TITLES = {"consent": "须知与授权", "petitioner": "信访人", "matter": "信访事项",
                "history": "是否已反映", "check": "核对"}

CATEGORIES: tuple[str, ...] = ("建议意见", "检举控告", "申诉求决", "其他")
RESTRICTED_CATEGORY = "检举控告"
STAGES_RAISED: tuple[str, ...] = ("正在办理", "已出处理意见", "已复查", "已复核", "已进入诉讼或仲裁")
AGENT_RELATIONS: tuple[str, ...] = (
    "近亲属", "工作人员", "居委会、村委会、单位或社会团体推荐的公民", "律师", "基层法律服务工作者", "监护人")
# how a stored relation reads: 山东省信访条例第二十八条（一）'s 工作人员 are the petitioner's own
# (a unit that petitions), not the bureau's 工作人员 the rest of the site speaks of. The stored
# value stays "工作人员" (filings already made hold it); only what is shown says whose.
RELATION_LABELS = {"工作人员": "信访人单位的工作人员（信访人是单位时）"}
# the question the relation answers, of the agent to the petitioner: "与您的关系" read two ways, since
# the form asks whoever fills it in for someone else to enter themselves as 代理人 (您 was then the
# agent too, and 监护人 could be either's); a field's name in the error summary
RELATION_QUESTION = "是信访人的什么人"
RELATION_FIELD = "与信访人的关系"
# the consent box's words: its error quotes them as the citizen sees them
CONSENT_LABEL = "我已阅读以上须知，同意按上述方式处理我的个人信息"
MAX_AGENTS = 2            # 山东省信访条例 第二十八条
MAX_REPRESENTATIVES = 5   # 信访工作条例 第二十条
# 问题属地 when the district is not among PORTAL_DISTRICTS or the citizen does not know it
OTHER_DISTRICT = "其他地方或不清楚"
LIMITS = {"name": 30, "address": 100, "district": 60, "subject": 100, "request": 1000,
          "facts": 5000, "raised_where": 100}

FIELD_LABELS = {
    "consent": "须知与授权", "name": "姓名", "id_number": "身份证号码", "phone": "联系电话",
    "address": "住址", "agents": "代理人", "representatives": "代表人", "district": "问题属地",
    "category": "类别", "subject": "被反映对象", "request": "诉求", "facts": "事实与理由",
    "attachments": "附件", "raised_before": "是否已向其他机关反映", "raised_where": "向哪个机关反映过",
    "raised_stage": "目前进展",
}


def empty_form() -> dict[str, Any]:
    return {"consent": False, "name": "", "id_number": "", "phone": "", "address": "",
            "agents": [], "representatives": [], "district": "", "category": "", "subject": "",
            "request": "", "facts": "", "attachments": [], "raised_before": "",
            "raised_where": "", "raised_stage": ""}


def relation_label(relation: str, *, short: bool = False) -> str:
    """An agent's relation (a stored AGENT_RELATIONS value) as the citizen reads it; `short`: without
    the hint when it applies, as staff read it inside a line's parentheses."""
    label = RELATION_LABELS.get(relation, relation)
    return label.split("（", 1)[0] if short else label


def label_of(field_name: str) -> str:
    """'agents.1.phone' -> '第2位代理人的电话'."""
    parts = field_name.split(".")
    if len(parts) == 3 and parts[0] in ("agents", "representatives"):
        who = FIELD_LABELS[parts[0]]
        if parts[2] == "relation":
            return f"第{int(parts[1]) + 1}位{who}{RELATION_FIELD}"
        what = {"name": "姓名", "phone": "电话"}.get(parts[2], parts[2])
        return f"第{int(parts[1]) + 1}位{who}的{what}"
    return FIELD_LABELS.get(field_name, field_name)


def _consent(data: dict) -> list[FieldError]:
    if data.get("consent") is True:
        return []
    return [FieldError("consent", f"请勾选“{CONSENT_LABEL}”，才能继续填写。")]


# 港澳台居民居住证 and the 2023 外国人永久居留身份证 carry 18-digit numbers of the same layout (the
# birth date at 7–14, the GB 11643 check digit), so they pass the same check; a 回乡证 or a passport
# does not, and its holder is told where else to go (a letter or a visit needs no such number).
OTHER_PAPERS = "港澳台居民居住证、外国人永久居留身份证号码也可以填写；没有这类证件的，请来信或到来访接待大厅反映。"
ID_NUMBER_HELP = "18位，最后一位可能是字母X。港澳台居民可填居住证号码，外国人可填永久居留身份证号码。"


def _id_number(raw: str, today: dt.date) -> FieldError | None:
    if not idcard.normalise(raw):
        if only_invisible(raw, ""):
            return invisible_only("id_number", "身份证号码")
        return FieldError("id_number", "请填写身份证号码。")
    kind = idcard.problem(raw, today=today)
    messages = {
        "shape": "身份证号码应为18位：前17位是数字，最后一位是数字或字母X。请核对位数。" + OTHER_PAPERS,
        "birth": "身份证号码中的出生日期（第7到14位）不是有效日期，请核对。",
        "check": "身份证号码的最后一位校验不通过，可能有一位输错了，请逐位核对。",
    }
    return FieldError("id_number", messages[kind]) if kind else None


def _people(data: dict, key: str, limit: int, article: str, *, relation: bool) -> list[FieldError]:
    people = data.get(key) or []
    who = FIELD_LABELS[key]
    if len(people) > limit:
        return [FieldError(key, f"{who}最多{limit}名（{article}），请删去多出的{who}。")]
    errors: list[FieldError] = []
    for i, person in enumerate(people):
        prefix = f"{key}.{i}"
        problem = check_plain(f"{prefix}.name", f"第{i + 1}位{who}的姓名", person.get("name"),
                              limit=LIMITS["name"])
        if problem:
            errors.append(problem)
        if relation and single_line(person.get("relation")) not in AGENT_RELATIONS:
            errors.append(FieldError(f"{prefix}.relation", f"请选择第{i + 1}位{who}{RELATION_QUESTION}。"))
        problem = check_phone(f"{prefix}.phone", f"第{i + 1}位{who}的电话", person.get("phone") or "")
        if problem:
            errors.append(problem)
    return errors


def _petitioner(data: dict, today: dt.date) -> list[FieldError]:
    checks = [
        check_plain("name", "姓名", data.get("name"), limit=LIMITS["name"]),
        _id_number(str(data.get("id_number") or ""), today),
        check_phone("phone", "联系电话", data.get("phone") or ""),
        check_plain("address", "住址", data.get("address"), limit=LIMITS["address"],
                    empty="请填写住址，写到门牌号，方便书面答复送达。"),
    ]
    errors = [e for e in checks if e]
    errors += _people(data, "agents", MAX_AGENTS, "《山东省信访条例》第二十八条", relation=True)
    errors += _people(data, "representatives", MAX_REPRESENTATIVES, "参照《信访工作条例》第二十条第三款",
                      relation=False)
    return errors


def _district(value) -> FieldError | None:
    """问题属地: typed freely, or one of the configured districts (PORTAL_DISTRICTS) or OTHER_DISTRICT."""
    from portal.settings import get_settings

    if not (choices := get_settings().district_choices):
        return check_line("district", "问题属地", value, limit=LIMITS["district"],
                          empty="请填写问题发生地所在的区（县、市），例如“历下区”。")
    if value in (*choices, OTHER_DISTRICT):
        return None
    return FieldError("district", f"请选择问题发生地所在的区（县、市）；不在列表里或不清楚的，选“{OTHER_DISTRICT}”。")


def _matter(data: dict) -> list[FieldError]:
    from portal.prefiling.attachments import MAX_COUNT, entry_problem

    attached = data.get("attachments") or []
    checks = [
        _district(data.get("district")),
        None if data.get("category") in CATEGORIES else FieldError("category", "请选择信访事项的类别。"),
        check_line("subject", "被反映对象", data.get("subject"), limit=LIMITS["subject"],
                   required=False),
        check_line("request", "诉求", data.get("request"), limit=LIMITS["request"],
                   empty="请写明诉求，也就是您希望有关部门做什么。", multiline=True),
        check_line("facts", "事实与理由", data.get("facts"), limit=LIMITS["facts"],
                   empty="请写明事实与理由：发生了什么、什么时间、涉及哪个单位。", multiline=True),
        FieldError("attachments", f"附件最多{MAX_COUNT}个，请删去多出的附件。") if len(attached) > MAX_COUNT
        else next(filter(None, map(entry_problem, attached)), None),
    ]
    return [e for e in checks if e]


def _history(data: dict) -> list[FieldError]:
    answer = data.get("raised_before")
    if answer not in ("是", "否"):
        return [FieldError("raised_before", "请选择这件事以前是否已向其他机关反映过。")]
    if answer == "否":
        return []
    checks = [
        check_line("raised_where", "向哪个机关反映过", data.get("raised_where"),
                   limit=LIMITS["raised_where"], empty="请填写您以前向哪个机关、单位反映过。"),
        None if data.get("raised_stage") in STAGES_RAISED
        else FieldError("raised_stage", "请选择这件事目前办到哪一步了。"),
    ]
    return [e for e in checks if e]


def validate_stage(stage: str, data: dict, *, today: dt.date | None = None) -> list[FieldError]:
    """Problems of one stage, in the order the fields appear on the page."""
    today = today or beijing_today()
    validators = {"consent": _consent, "petitioner": lambda d: _petitioner(d, today),
                  "matter": _matter, "history": _history, "check": lambda d: []}
    return validators[stage](data)


def validate_all(data: dict, *, today: dt.date | None = None) -> list[FieldError]:
    return [e for stage in STAGES for e in validate_stage(stage, data, today=today)]


def first_invalid_stage(data: dict) -> str | None:
    return next((s for s in STAGES if validate_stage(s, data)), None)


CHECK_STAGE = STAGES[-1]


def next_stage(stage: str, *, return_to_check: bool = False) -> str:
    """Where 继续 leads from a valid `stage`: the next stage, or straight back to 核对 when the
    citizen came from 核对 to change an answer."""
    if return_to_check:
        return CHECK_STAGE
    return STAGES[min(STAGES.index(stage) + 1, len(STAGES) - 1)]


def previous_stage(stage: str) -> str:
    """Where 上一步 leads (the first stage stays where it is)."""
    return STAGES[max(0, STAGES.index(stage) - 1)]


def returns_to_check(target: str, *, return_to_check: bool) -> bool:
    """Whether the 'back to 核对' promise still holds after moving to `target`: reaching 核对
    fulfils it."""
    return return_to_check and target != CHECK_STAGE


@dataclass(frozen=True)
class Person:
    """An agent (代理人) or representative (代表人)."""

    name: str
    phone: str
    relation: str = ""


@dataclass(frozen=True)
class PrefilingCreate:
    """A validated pre-filing, ready for `submit`."""

    name: str
    id_number: str
    phone: str
    address: str
    district: str
    category: str
    request: str
    facts: str
    subject: str = ""
    agents: tuple[Person, ...] = ()
    representatives: tuple[Person, ...] = ()
    raised_before: bool = False
    raised_where: str = ""
    raised_stage: str = ""
    attachments: tuple[dict, ...] = field(default_factory=tuple)


def to_create(data: dict) -> PrefilingCreate:
    """A fully valid form dict as PrefilingCreate; ValueError if any stage is invalid."""
    errors = validate_all(data)
    if errors:
        raise ValueError(f"form has {len(errors)} problems")
    raised = data["raised_before"] == "是"
    return PrefilingCreate(
        name=single_line(data["name"]), id_number=idcard.normalise(data["id_number"]),
        phone=normalise_phone(data["phone"]), address=single_line(data["address"]),
        district=single_line(data["district"]), category=data["category"],
        request=multi_line(data["request"]), facts=multi_line(data["facts"]),
        subject=single_line(data.get("subject")),
        agents=tuple(Person(single_line(a["name"]), normalise_phone(a["phone"]), single_line(a["relation"]))
                     for a in data.get("agents") or []),
        representatives=tuple(Person(single_line(r["name"]), normalise_phone(r["phone"]))
                              for r in data.get("representatives") or []),
        raised_before=raised, raised_where=single_line(data.get("raised_where")) if raised else "",
        raised_stage=data.get("raised_stage", "") if raised else "",
        attachments=tuple(data.get("attachments") or ()),
    )


def as_form(data: PrefilingCreate) -> dict[str, Any]:
    """A PrefilingCreate back as the form dict (consent given), so it can be validated again."""
    people = {"agents": [{"name": p.name, "relation": p.relation, "phone": p.phone} for p in data.agents],
              "representatives": [{"name": p.name, "phone": p.phone} for p in data.representatives]}
    return {"consent": True, "name": data.name, "id_number": data.id_number, "phone": data.phone,
            "address": data.address, "district": data.district, "category": data.category,
            "subject": data.subject, "request": data.request, "facts": data.facts,
            "raised_before": "是" if data.raised_before else "否", "raised_where": data.raised_where,
            "raised_stage": data.raised_stage, "attachments": [dict(a) for a in data.attachments], **people}


def revalidate(data: PrefilingCreate) -> PrefilingCreate:
    """The same checks as the staged form, for a PrefilingCreate that did not come through it
    (a direct call, another front end): the normalised value, or ValidationFailed."""
    form = as_form(data)
    errors = validate_all(form)
    if errors:
        raise ValidationFailed(errors)
    return to_create(form)
