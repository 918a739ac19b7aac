"""Staff roles (角色). Permissions are enforced in services, never only by hiding buttons."""

from __future__ import annotations

from collections.abc import Iterable

EDITOR = "编辑"      # typical cases, guides, reception schedule
HANDLER = "办理"     # pre-filings
REPORTS = "检举控告"  # may open restricted 检举控告 content
ADMIN = "管理员"     # users, settings, audit log
COUNSEL = "法律顾问"  # the question bank (常见问题库): write, attach articles, publish, withdraw

ROLES: tuple[str, ...] = (EDITOR, HANDLER, REPORTS, ADMIN, COUNSEL)


def roles_words(roles: Iterable[str]) -> str:
    """Roles as 操作日志 and the pages say them: 办理、检举控告 in the canonical order (or 无)."""
    held = set(roles)
    return "、".join([r for r in ROLES if r in held] + sorted(held - set(ROLES))) or "无"
