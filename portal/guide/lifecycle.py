"""The 信访指南 section lifecycle (已发布 ⇄ 已撤回): a withdrawn section leaves the public page but
is kept, with its revisions and audit entries, and can be restored. Nothing is ever deleted."""

from __future__ import annotations

from portal.audit.service import GUIDE_RESTORE, GUIDE_WITHDRAW
from portal.lifecycle import PUBLISHED, WITHDRAWN, Machine, Transition, table

STATES: tuple[str, ...] = (PUBLISHED, WITHDRAWN)
WITHDRAW, RESTORE = "撤回", "恢复"
TRANSITIONS: dict[str, Transition] = table(
    Transition(WITHDRAW, (PUBLISHED,), WITHDRAWN, label="从公众页面撤回", button="撤回"),
    Transition(RESTORE, (WITHDRAWN,), PUBLISHED, label="恢复到公众页面", button="恢复"),
)


class GuideActionRefused(Exception):
    """撤回 / 恢复 / 移动 refused; the message says why in plain Chinese."""


WHAT = "章节"   # the word in messages: “已撤回”状态的章节不能“撤回”。
MACHINE = Machine(TRANSITIONS, WHAT, GuideActionRefused, {WITHDRAW: GUIDE_WITHDRAW, RESTORE: GUIDE_RESTORE})

__all__ = ["MACHINE", "PUBLISHED", "RESTORE", "STATES", "TRANSITIONS", "WITHDRAW", "WITHDRAWN", "GuideActionRefused"]
