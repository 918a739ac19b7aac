"""Optional single sign-on (st.login): map an identity's email and groups to portal roles.

The mapping is the setting `oidc_roles`: entries separated by `;`, each `KEY=角色,角色`, where
KEY is an email address or `group:NAME`. Example:
`chief@xfj.gov.cn=管理员;group:case-editors=编辑;group:reception=办理`."""

from __future__ import annotations

from collections.abc import Iterable

from portal.roles import ROLES


def parse_role_map(text: str) -> dict[str, frozenset[str]]:
    """Parse the setting; unknown roles are an error (a typo must not silently grant nothing)."""
    mapping: dict[str, frozenset[str]] = {}
    for entry in (e.strip() for e in text.replace("；", ";").split(";")):
        if not entry:
            continue
        key, sep, roles_text = entry.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"oidc_roles entry needs KEY=ROLES: {entry!r}")
        roles = frozenset(r.strip() for r in roles_text.replace("，", ",").split(",") if r.strip())
        unknown = roles - set(ROLES)
        if unknown:
            raise ValueError(f"oidc_roles: unknown role(s) {sorted(unknown)} in {entry!r}")
        key = key.strip().lower()
        mapping[key] = mapping.get(key, frozenset()) | roles
    return mapping


def roles_for(*, email: str | None, groups: Iterable[str] = (),
              mapping: dict[str, frozenset[str]]) -> frozenset[str]:
    """Union of the roles granted to the email and to each group; empty means no access."""
    roles: set[str] = set()
    if email:
        roles |= mapping.get(email.strip().lower(), frozenset())
    for group in groups:
        roles |= mapping.get(f"group:{str(group).strip().lower()}", frozenset())
    return frozenset(roles)
