"""刷新 on a staff page with a list and one item open (预登记办理, 典型案例管理, 常见问题库, 账号管理).

Each run reads the list and the open item from the database, but nothing made the page run: picking
the item already chosen sends nothing (Streamlit reruns on a change only), and a browser refresh
signs staff out. So a handler looking at a 件 went on seeing it as it was — no 群众评价 the citizen had
given, a list missing the 件 submitted since. The button makes a run; the frame script
(ui.site_frame) clicks it when the option already chosen in the select `picker` is picked again.
A run keeps every box's text (their values are in the session), and the pages' own rules for a
record changed under an editor (ui.overtaken, ui.queue_actions) apply as on any run."""

from __future__ import annotations

import streamlit as st

from portal.timeutil import BEIJING, utcnow
from ui.site_frame import say


def refresh_key(picker: str) -> str:
    """The key of the 刷新 button for the select `picker` (the frame script finds it by this name)."""
    return f"{picker}-refresh"


def refresh_button(picker: str, label: str, *, what: str) -> bool:
    """A 刷新 button re-reading `what` (列表和此件); True on the run it made, which says so with the time."""
    if not st.button(label, key=refresh_key(picker), icon=":material/refresh:"):
        return False
    # no word on the boxes: typed text stays on most runs, not in a panel the change took away (kept
    # apart, ui.queue_actions) nor in 更正联系方式's form (keyed by the 件's version)
    words = f"已重新读取{what}（{utcnow().astimezone(BEIJING):%H:%M:%S}）。"
    st.caption(words)
    say(words)
    return True
