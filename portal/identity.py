"""Who is acting: the staff member behind a service call, and the permission check."""

from __future__ import annotations

from dataclasses import dataclass

from portal.roles import ROLES


class PermissionDenied(Exception):
    """Raised by a service when the actor lacks the role it needs; message in plain Chinese."""


@dataclass(frozen=True)
class Actor:
    """A signed-in staff member as services see them (工作人员)."""

    username: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles


def require(actor: Actor | None, *roles: str) -> Actor:
    """Return `actor` if they hold at least one of `roles`; raise PermissionDenied otherwise."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    if actor is None or not any(actor.has(r) for r in roles):
        raise PermissionDenied("您没有执行此操作的权限。")
    return actor
