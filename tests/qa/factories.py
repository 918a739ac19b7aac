"""Factories for question-bank tests."""

from __future__ import annotations

from sqlmodel import Session

from portal.identity import Actor
from portal.qa import service
from portal.roles import COUNSEL

COUNSEL_ACTOR = Actor("counsel-li", frozenset({COUNSEL}))
ARTICLE_22 = "xinfang-gongzuo-tiaoli-2022:第二十二条"
WAGES = "minfadian-2020:第五百七十七条"
QUESTION = "单位拖欠工资不给，我可以到哪里反映？"


def make_question(session: Session, library, *, state: str = "草稿", question: str = QUESTION,
                  provisions: tuple[str, ...] = (ARTICLE_22,), actor: Actor = COUNSEL_ACTOR):
    """A stored bank question in `state` (草稿, 已发布 or 已撤回), made through the real services."""
    entry = service.add_question(session=session, actor=actor, library=library, question=question,
                                 provision_ids=list(provisions), publish=state != "草稿")
    if state == "已撤回":
        entry = service.withdraw(session=session, actor=actor, library=library, question_id=entry.id)
    return entry
