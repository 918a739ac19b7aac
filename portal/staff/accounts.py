"""Staff account administration (账号管理): 管理员 only; every change is audited."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.audit.service import USER_CHANGE, record
from portal.field_errors import FieldError, ValidationFailed
from portal.identity import Actor, require
from portal.roles import ADMIN, ROLES, roles_words
from portal.staff.auth import clear_delay
from portal.staff.models import StaffSession, StaffUser
from portal.staff.passwords import hash_password, password_problem
from portal.timeutil import utcnow

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def _name_taken(username: str) -> FieldError:
    return FieldError("username", f"账号“{username}”已存在。")


def _role_errors(roles: list[str] | tuple[str, ...] | frozenset[str]) -> list[FieldError]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        return [FieldError("roles", f"没有这个角色：{'、'.join(unknown)}。可选：{'、'.join(ROLES)}。")]
    return []


def _roles_text(roles) -> str:
    return ",".join(r for r in ROLES if r in set(roles))  # canonical order


def _get(session: Session, username: str) -> StaffUser:
    user = session.get(StaffUser, username)
    if user is None:
        raise ValidationFailed([FieldError("username", f"没有账号“{username}”。")])
    return user


def _end_sessions(session: Session, username: str) -> None:
    now = utcnow()
    for row in session.exec(select(StaffSession).where(StaffSession.username == username,
                                                       StaffSession.ended_at.is_(None))):
        row.ended_at = now
        session.add(row)


def _enabled_admins(session: Session, *, lock: bool = False) -> list[str]:
    query = select(StaffUser).where(StaffUser.disabled.is_(False))
    return [u.username for u in session.exec(query.with_for_update() if lock else query) if ADMIN in u.role_set]


def _keep_an_admin(session: Session, username: str, *, removes: bool, field: str,
                   message: str) -> Callable[[], None]:
    """Refuse to disable or demote the last enabled administrator; the returned check runs after the
    change is flushed. Two administrators removing each other in the same instant: on PostgreSQL the
    locked read makes the second wait for the first and see its change; on SQLite, where writers
    take turns but this read comes before the write, the check after the flush sees it."""
    def refuse() -> None:
        raise ValidationFailed([FieldError(field, message)])

    if removes and _enabled_admins(session, lock=True) == [username]:
        refuse()

    def after_flush() -> None:
        if removes:
            session.flush()
            if not _enabled_admins(session):
                refuse()
    return after_flush


def create_user(*, session: Session, actor: Actor, username: str, password: str,
                roles: list[str] | tuple[str, ...], confirm: str | None = None) -> StaffUser:
    """A new local account. The first administrator is created by the CLI with a system actor.
    `confirm`, when given, is the password typed a second time; every problem is reported at once."""
    require(actor, ADMIN)
    errors = _role_errors(roles)
    if not USERNAME_PATTERN.match(username):
        errors.append(FieldError("username", "用户名只能用小写字母、数字、点、横线、下划线，2–40 个字符。"))
    elif session.get(StaffUser, username) is not None:
        errors.append(_name_taken(username))
    if problem := password_problem(password):
        errors.append(FieldError("password", problem))
    if confirm is not None and confirm != password:
        errors.append(FieldError("confirm", "两次输入的密码不一致。"))
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    user = StaffUser(username=username, password_hash=hash_password(password),
                     roles=_roles_text(roles), created_at=now, updated_at=now)
    session.add(user)
    try:   # two administrators creating one name in the same instant: the second is told plainly
        session.flush()
    except IntegrityError:
        raise ValidationFailed([_name_taken(username)]) from None
    record(session=session, actor_name=actor.username, action=USER_CHANGE, target=username,
           detail=f"新建账号，角色：{roles_words(user.role_set)}")
    return user


def list_users(*, session: Session, actor: Actor) -> list[StaffUser]:
    require(actor, ADMIN)
    return list(session.exec(select(StaffUser).order_by(StaffUser.username)))


def set_roles(*, session: Session, actor: Actor, username: str,
              roles: list[str] | tuple[str, ...]) -> StaffUser:
    require(actor, ADMIN)
    if errors := _role_errors(roles):
        raise ValidationFailed(errors)
    user = _get(session, username)
    still_one = _keep_an_admin(session, username, removes=ADMIN in user.role_set and ADMIN not in roles,
                               field="roles", message="这是唯一的管理员账号，不能取消其管理员角色。")
    before = user.role_set
    user.roles, user.updated_at = _roles_text(roles), utcnow()
    session.add(user)
    still_one()
    record(session=session, actor_name=actor.username, action=USER_CHANGE, target=username,
           detail=f"角色：{roles_words(before)} → {roles_words(user.role_set)}")
    return user


def set_disabled(*, session: Session, actor: Actor, username: str, disabled: bool = True) -> StaffUser:
    """Disable (停用) or re-enable an account; disabling ends its open sessions at once."""
    require(actor, ADMIN)
    user = _get(session, username)
    still_one = _keep_an_admin(session, username, removes=disabled and ADMIN in user.role_set and not user.disabled,
                               field="username", message="这是唯一的管理员账号，不能停用。")
    user.disabled, user.updated_at = disabled, utcnow()
    session.add(user)
    still_one()
    if disabled:
        _end_sessions(session, username)
    record(session=session, actor_name=actor.username, action=USER_CHANGE, target=username,
           detail="停用账号" if disabled else "启用账号")
    return user


def reset_password(*, session: Session, actor: Actor, username: str, password: str) -> StaffUser:
    """A new password; also lifts the sign-in delay and ends the account's open sessions."""
    require(actor, ADMIN)
    user = _get(session, username)
    if problem := password_problem(password):
        raise ValidationFailed([FieldError("password", problem)])
    user.password_hash, user.updated_at = hash_password(password), utcnow()
    session.add(user)
    clear_delay(session=session, username=username)
    _end_sessions(session, username)
    record(session=session, actor_name=actor.username, action=USER_CHANGE, target=username,
           detail="重置密码")
    return user
