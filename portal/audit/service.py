"""Write and read the audit log. There is deliberately no update or delete function."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from portal.audit.models import AuditEntry
from portal.identity import Actor, require
from portal.roles import ADMIN
from portal.timeutil import utcnow

# Action names used by the staff workspace; other parts may record their own (≤ 40 chars).
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
SAVE = "save"
PUBLISH = "publish"
WITHDRAW = "withdraw"
REVEAL = "reveal"
ERASE = "erase"             # one 件's personal data deleted on the citizen's request (purge-expired: not audited)
OPEN = "open"               # a 件's matter (被反映对象, 诉求, 事实与理由, replies) shown to a handler
TRANSITION = "transition"
CORRECTION = "correction"   # a registered pre-filing's 信访件编号 put right (its state unchanged)
CONTACT = "contact"         # a petitioner's phone or address put right at their request
EXPORT = "export"
USER_CHANGE = "user_change"
BANK_SAVE = "bank_save"
BANK_IMPORT = "bank_import"
SENT_HANDLE = "sent_handle"
GUIDE_PUBLISH = "guide_publish"
GUIDE_ADD = "guide_add"
GUIDE_WITHDRAW = "guide_withdraw"
GUIDE_RESTORE = "guide_restore"
GUIDE_MOVE = "guide_move"

ACTION_LABELS = {
    LOGIN: "登录", LOGIN_FAILED: "登录失败", LOGOUT: "退出", SAVE: "保存案例", PUBLISH: "发布",
    WITHDRAW: "撤回", REVEAL: "查看个人信息", OPEN: "打开预登记", ERASE: "按申请删除个人信息", TRANSITION: "状态变更", CORRECTION: "更正信访件编号", CONTACT: "更正联系方式", EXPORT: "导出",
    USER_CHANGE: "账号变更", BANK_SAVE: "保存常见问题", BANK_IMPORT: "导入常见问题",
    SENT_HANDLE: "处理群众来问", GUIDE_PUBLISH: "发布信访指南",
    GUIDE_ADD: "新增信访指南章节", GUIDE_WITHDRAW: "撤回信访指南章节", GUIDE_RESTORE: "恢复信访指南章节",
    GUIDE_MOVE: "调整信访指南顺序",
}


# what an entry's target names, in words: the log keeps "prefiling:ABCDEFGHJK", "bank:12" …
TARGET_WORDS = {"prefiling": "预登记", "case": "典型案例", "cases": "典型案例导出", "bank": "常见问题",
                "sent": "群众来问", "bulletin": "统计公报",
                "guide": "信访指南"}


# targets that are a whole list, not one record
WHOLE_TARGETS = {"prefiling-queue": "预登记列表"}


def target_words(target: str) -> str:
    """An entry's target as 操作日志 shows it: 预登记 ABCD-EFGH-JK, 常见问题 第 12 号, 预登记列表 …;
    a username (账号, 登录) as it is."""
    from portal.prefiling.codes import grouped  # here: the pre-filing package records into this log

    if target in WHOLE_TARGETS:
        return WHOLE_TARGETS[target]
    kind, _, ident = target.partition(":")
    if kind not in TARGET_WORDS or not ident:
        return target
    if kind == "prefiling":
        ident = grouped(ident)
    elif kind in ("bank", "sent") and ident.isdigit():
        ident = f"第 {ident} 号"
    return f"{TARGET_WORDS[kind]} {ident}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record(*, session: Session, actor_name: str, action: str, target: str = "",
           detail: str = "") -> AuditEntry:
    """Append one entry in the caller's transaction (it commits with the action it records).

    Never put citizen personal data in `detail`: name the record in `target` instead."""
    if not action or len(action) > 40:
        raise ValueError("audit action must be 1–40 characters")
    entry = AuditEntry(at=utcnow(), actor_name=_clip(actor_name or "?", 200), action=action,
                       target=_clip(target, 200), detail=_clip(detail, 1000))
    session.add(entry)
    session.flush()
    return entry


def list_entries(*, session: Session, actor: Actor, action: str | None = None,
                 actor_name: str | None = None, target: str | None = None,
                 since: dt.datetime | None = None, before: dt.datetime | None = None,
                 limit: int = 500) -> list[AuditEntry]:
    """The newest entries first, filtered (`since` ≤ at < `before`); 管理员 only."""
    require(actor, ADMIN)
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_name:
        query = query.where(AuditEntry.actor_name == actor_name)
    if target:
        query = query.where(col(AuditEntry.target).contains(target))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if before is not None:
        query = query.where(AuditEntry.at < before)
    query = query.order_by(col(AuditEntry.id).desc()).limit(limit)
    return list(session.exec(query))
