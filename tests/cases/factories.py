"""Factories for typical-case tests."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from portal.cases import service
from portal.cases.content import CaseDraft, Citation
from portal.identity import Actor
from portal.roles import EDITOR

EDITOR_ACTOR = Actor("editor-wang", frozenset({EDITOR}))
ARTICLE_22 = "xinfang-gongzuo-tiaoli-2022:第二十二条"
MEDIATION_31 = "renmin-tiaojie-fa-2010:第三十一条"


def make_draft(**changes) -> CaseDraft:
    draft = CaseDraft(
        title="欠薪纠纷引导至劳动仲裁", category="诉访分离",
        facts="某公司拖欠职工工资三个月。", process="信访部门登记后转送劳动保障部门。",
        result="职工申请仲裁，工资已追回。", significance="依法分类处理，**诉访分离**。",
        provisions=(Citation(ARTICLE_22, "信访部门收到信访事项应当登记并转送。"),
                    Citation(MEDIATION_31, "调解协议具有法律约束力。")),
        illustrative=True)
    return replace(draft, **changes)


def make_case(session: Session, library, slug: str = "test-case", *, state: str = "草稿",
              actor: Actor = EDITOR_ACTOR, **changes):
    """A stored case in `state` (草稿, 已发布 or 已撤回), made through the real services."""
    case = service.save_case(session=session, actor=actor, library=library, slug=slug,
                             draft=make_draft(**changes))
    if state in ("已发布", "已撤回"):
        case = service.publish(session=session, actor=actor, library=library, slug=slug)
    if state == "已撤回":
        case = service.withdraw(session=session, actor=actor, library=library, slug=slug)
    return case
