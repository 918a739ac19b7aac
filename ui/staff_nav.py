"""The 工作台 navigation section: only the pages the signed-in actor's roles allow."""

from __future__ import annotations

import streamlit as st

from portal.identity import Actor
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER

# (script, title, icon, url path, roles of which one is needed; () = everyone)
STAFF_PAGES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("pages/staff_login.py", "工作人员登录", ":material/login:", "staff_login", ()),
    ("pages/staff_cases.py", "典型案例管理", ":material/edit_document:", "staff_cases", (EDITOR,)),
    ("pages/staff_schedule.py", "接访日程管理", ":material/event_note:", "staff_schedule", (EDITOR,)),
    ("pages/staff_guide.py", "信访指南编辑", ":material/menu_book:", "staff_guide", (EDITOR,)),
    ("pages/staff_queue.py", "预登记办理", ":material/inbox:", "staff_queue", (HANDLER,)),
    ("pages/staff_dashboard.py", "数据看板", ":material/monitoring:", "staff_dashboard", (ADMIN, HANDLER)),
    ("pages/staff_bank.py", "常见问题库", ":material/quiz:", "staff_bank", (COUNSEL,)),
    ("pages/staff_users.py", "账号管理", ":material/group:", "staff_users", (ADMIN,)),
    ("pages/staff_audit.py", "操作日志", ":material/history:", "staff_audit", (ADMIN,)),
)


def allowed_staff_pages(actor: Actor | None) -> list[str]:
    """Scripts of the staff pages `actor` may open (the login page always)."""
    return [script for script, _t, _i, _u, roles in STAFF_PAGES
            if not roles or (actor is not None and any(actor.has(r) for r in roles))]


def staff_links(actor: Actor | None) -> list[tuple[str, str]]:
    """(script, title) of the work pages `actor` may open, in menu order (not the login page): for
    the phone menu and the signed-in 工作台 page, where the sidebar is a small » away."""
    allowed = set(allowed_staff_pages(actor)) if actor is not None else set()
    return [(script, title) for script, title, *_ in STAFF_PAGES
            if script in allowed and script != "pages/staff_login.py"]


WANTED = "staff_wanted"   # the staff page a reload, a bookmark or an expired session asked for
WANTED_PARAMS = "staff_wanted_params"   # … and its address's parameters (预登记办理?code=…)
LOGIN = "pages/staff_login.py"
MENU_KEY = "staff_menu"   # the staff pages the last session check allowed (the menu while it cannot be checked)


def staff_pages(actor: Actor | None, *, fault: BaseException | None = None) -> list[st.Page]:
    """The pages the actor may open, in the menu; every other staff page's address leads (hidden
    from the menu) to 工作人员登录, which says why and opens the page after signing in. Without it
    a reload or a bookmark of a staff page (a reload starts a new session) got Streamlit's English
    "Page not found", and an expired session dropped staff on the home page without a word.

    `fault`: the signed-in session could not be checked (the store is away). The menu then keeps the
    pages of the last check (MENU_KEY: the staff fault message says to open the page again from the
    menu), every staff work page's address stays where it is and shows the fault inside the portal's
    frame (app.py), and the public pages work as before; with the store back, the next run finds the
    session again and the page is run."""
    if fault is None:
        allowed = set(allowed_staff_pages(actor))
        st.session_state[MENU_KEY] = sorted(allowed)
    else:
        allowed = set(st.session_state.get(MENU_KEY, ())) | {LOGIN}
    signed_in = actor is not None or len(allowed) > 1
    pages = []
    for script, title, icon, url_path, _roles in STAFF_PAGES:
        if script == LOGIN:
            target, title = script, "工作台" if signed_in else title   # its 退出登录 button signs out
        elif fault is not None:
            target = _fault(script, fault)
        else:
            target = script if script in allowed else _to_login(script)
        pages.append(st.Page(target, title=title, icon=icon, url_path=url_path,
                             visibility="visible" if script in allowed else "hidden"))
    return pages


def _to_login(script: str):
    def page() -> None:
        st.session_state[WANTED] = script
        st.session_state[WANTED_PARAMS] = st.query_params.to_dict()
        st.switch_page("pages/staff_login.py")
    page.__name__ = f"to_login_{script.rsplit('/', 1)[-1].removesuffix('.py')}"
    return page


def _fault(script: str, exc: BaseException):
    def page() -> None:
        raise exc   # app.py shows it in the page's own area (the staff fault message)
    page.__name__ = f"fault_{script.rsplit('/', 1)[-1].removesuffix('.py')}"
    return page


def staff_title(script: str) -> str:
    return next(title for s, title, *_ in STAFF_PAGES if s == script)
