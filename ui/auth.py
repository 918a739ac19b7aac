"""The signed-in staff member for the pages (工作人员登录状态).

Only a random session token lives in st.session_state; it is checked against the database on
every run (expiry applied, roles re-read), so editing session state cannot grant anything."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from portal.db import session_scope
from portal.identity import Actor, PermissionDenied
from portal.settings import get_settings
from portal.staff import auth as staff_auth
from portal.staff.oidc import parse_role_map, roles_for
from ui.prefile_ui import client_info

TOKEN_KEY = "staff_token"
USER_KEY = "staff_user"     # who signed in on this tab: typed text is given back to them only
KEPT_KEY = "staff_kept"     # (username, {widget key: text}) kept when the session expired
AWAY_KEY = "staff_kept_away"   # (session token, {widget key: text}) kept over a fault of a staff run
# session keys holding one staff member's unsaved work (e.g. staff_cases' drafts): dropped on
# signing out and when someone else signs in on the tab
USER_SCOPED = "staffdata-"
# never kept across an expiry: credentials, and the keys that say who is signed in (staff_token,
# staff_user, staff_kept …)
_NOT_KEPT = ("login-", "password", "-pw-", "confirm", "secret", "staff_")


def _drop_user_scoped() -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(USER_SCOPED)]:
        del st.session_state[key]


# where the work was: the 件 open in 预登记办理, the case and the bank question being edited (their
# boxes are drawn only under it, so without it the text kept for them had nowhere to go back to)
PLACES = ("q-open", "cases-pick", "bank-pick")


def _typed_text() -> dict[str, object]:
    """The text in the page's boxes (str values of widget keys) and the item they belong to, to give
    back after signing in."""
    state = st.session_state
    typed = {k: v for k, v in state.items()
             if isinstance(k, str) and isinstance(v, str) and v.strip() and not k.startswith("_")
             and not any(part in k for part in _NOT_KEPT)}
    return typed | {k: state[k] for k in PLACES if state.get(k) is not None}


def announce_restored() -> None:
    """Once, on the page the text was given back to."""
    if st.session_state.pop("staff_restored", False):
        st.toast("已恢复您退出登录前填写的内容，请核对后再保存。", icon=":material/restore:")
    if st.session_state.pop("staff_restored_away", False):
        st.toast("已恢复系统故障前您填写的内容，请核对后再保存。", icon=":material/restore:")


def keep_typed_text_over_a_fault() -> None:
    """A staff page will show a fault (the database away, or a fault of the page) in place of
    boxes whose text Streamlit then forgets: kept, to be given back on the next run that reads
    the session (the fault message says so)."""
    if token := st.session_state.get(TOKEN_KEY):
        st.session_state[AWAY_KEY] = (token, _kept_over_faults(token) | _typed_text())


def _kept_over_faults(token: object) -> dict[str, object]:
    """The text kept over faults of this signed-in session, taken out of the session state; none
    of another session (signed out, someone else signed in on the tab)."""
    kept = st.session_state.pop(AWAY_KEY, None)
    return kept[1] if kept and kept[0] == token else {}


def _give_back_after_a_fault(token: object) -> None:
    if kept := _kept_over_faults(token):
        for key, value in kept.items():
            # set again even where the server still holds it (the browser had lost it), but never
            # over what was chosen or typed since (a box above the fault stayed usable)
            if st.session_state.get(key) in (None, "", value):
                st.session_state[key] = value
        st.session_state["staff_restored_away"] = True


def restore_typed_text(username: str) -> bool:
    """After signing in: the text kept when this user's session expired, into boxes left empty.
    Another user signing in on the same tab gets nothing (and the kept text is dropped)."""
    kept = st.session_state.pop(KEPT_KEY, None)
    if not kept:
        return False
    if kept[0] != username:   # someone else: nothing of the other person's work
        _drop_user_scoped()
        return False
    for key, value in kept[1].items():
        st.session_state.setdefault(key, value)
    st.session_state["staff_restored"] = bool(kept[1])
    return True


def oidc_configured() -> bool:
    """True when `[auth]` is set in .streamlit/secrets.toml (st.login can then be offered)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_roles() -> frozenset[str] | None:
    """Roles of the identity-provider user, or None when nobody is signed in through it."""
    if not oidc_configured() or not st.user.is_logged_in:
        return None
    groups = st.user.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return roles_for(email=st.user.get("email"), groups=groups,
                     mapping=parse_role_map(get_settings().oidc_roles))


def _start_oidc_session(roles: frozenset[str]) -> None:
    with session_scope() as session:
        token = staff_auth.start_sso_session(session=session, email=str(st.user.get("email") or ""),
                                             roles=roles)
    if token:
        st.session_state[TOKEN_KEY] = token


def current_actor() -> Actor | None:
    """The signed-in staff member, or None (also when the session has expired)."""
    oidc_roles = _oidc_roles()
    if oidc_roles is not None and not st.session_state.get(TOKEN_KEY):
        _start_oidc_session(oidc_roles)
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return None
    try:
        with session_scope() as session:
            actor = staff_auth.resume(session=session, token=str(token),
                                      timeout_minutes=get_settings().session_timeout_minutes,
                                      oidc_roles=oidc_roles)
    except Exception:   # the fault is shown; what was being typed is not lost with the page
        keep_typed_text_over_a_fault()
        raise
    if actor is None:
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state["staff_expired"] = True
        away = _kept_over_faults(token)
        if who := st.session_state.pop(USER_KEY, None):   # what they were typing is not lost
            st.session_state[KEPT_KEY] = (who, away | _typed_text())
        if oidc_roles is not None:
            st.logout()  # else the identity-provider cookie would silently open a new session
    else:
        _give_back_after_a_fault(token)
    return actor


ENDED_BEFORE_DOWNLOAD = "登录已过期、已退出或账号已停用，没有下载。请重新登录后再下载。"
# Streamlit forgets a file made at the click while its page reruns (any click or tick on the page):
# a click then downloads nothing and says nothing (a soak: 2 of 10 under load). Nothing was made or
# logged, so a second click is safe.
RETRY_DOWNLOAD = "如点击后没有开始下载，请等页面刷新完后再点一次（没有下载的不记入操作日志）。"


def at_click(actor: Actor, *, token: str | None = None) -> Callable[[Session], Actor]:
    """For a file made when its download button is clicked (deferred data, on_click="ignore": no
    page run checks the session then). The returned check gives the actor as the session stands at
    the click — roles read afresh — and refuses (PermissionDenied) a session that has since ended,
    expired, or belongs to a disabled account: a tab left open must not keep its downloads.
    `token`: this tab's session (the default)."""
    token = token if token is not None else st.session_state.get(TOKEN_KEY)
    timeout = get_settings().session_timeout_minutes

    def check(session: Session) -> Actor:
        # an identity-provider session keeps the roles it was drawn with (the mapping is per run)
        now = staff_auth.resume(session=session, token=token, timeout_minutes=timeout, oidc_roles=actor.roles)
        if now is None or now.username != actor.username:
            raise PermissionDenied(ENDED_BEFORE_DOWNLOAD)
        return now
    return check


def sign_in(username: str, password: str) -> staff_auth.LoginOutcome:
    with session_scope() as session:
        outcome = staff_auth.login(session=session, username=username, password=password,
                                   client=client_info())
    if outcome.ok:
        st.session_state[TOKEN_KEY] = outcome.token
        st.session_state[USER_KEY] = outcome.actor.username if outcome.actor else username.strip()
        st.session_state.pop("staff_expired", None)
    return outcome


def sign_out() -> None:
    token = st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(KEPT_KEY, None)
    st.session_state.pop(AWAY_KEY, None)
    _drop_user_scoped()
    with session_scope() as session:
        staff_auth.logout(session=session, token=token)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def require_page(*roles: str) -> Actor:
    """For a staff page: the actor if they hold one of `roles`; otherwise a message and stop.

    The services check again; this only keeps the page from drawing widgets it cannot use."""
    actor = current_actor()
    if actor is None or not any(actor.has(r) for r in roles):
        st.warning("请先以有相应权限的工作人员账号登录。" if actor is None else "您没有使用此页面的权限。")
        st.page_link("pages/staff_login.py", label="前往工作人员登录", icon=":material/login:")
        st.stop()
    return actor
