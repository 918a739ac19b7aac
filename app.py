"""The frame of the portal: page config, theme CSS, navigation. No logic lives here."""

import streamlit as st
from streamlit.error_util import handle_uncaught_app_exception

from portal.db import STORAGE_FAILURES
from portal.site import PORTAL_TITLE
from ui.accessibility import accessibility_controls
from ui.auth import announce_restored, current_actor, keep_typed_text_over_a_fault
from ui.frame import leave_pages_folder_mode, page_frame
from ui.resources import ensure_database
from ui.site_frame import (
    address_settled,
    footer,
    framework_script,
    header,
    open_at_top,
    page_title,
    run_ended,
    script_slot,
)
from ui.staff_nav import staff_pages

leave_pages_folder_mode()
# ⚖️ by its shortcode: the browser draws it from its own emoji table, and the server is spared
# importing Streamlit's emoji catalogue (0.2–0.7 s of CPU on the first page after a start)
st.set_page_config(page_title=PORTAL_TITLE, page_icon=":balance_scale:", layout="centered",
                   initial_sidebar_state="auto")
ensure_database()

PUBLIC_PAGES = [
    st.Page("pages/home.py", title="首页", icon=":material/home:", default=True),
    st.Page("pages/ask.py", title="法律问答", icon=":material/search:", url_path="ask"),
    st.Page("pages/laws.py", title="法规库", icon=":material/menu_book:", url_path="laws"),
    st.Page("pages/cases.py", title="典型案例", icon=":material/gavel:", url_path="cases"),
    st.Page("pages/prefile.py", title="网上预登记", icon=":material/edit_note:", url_path="prefile"),
    st.Page("pages/lookup.py", title="进度查询", icon=":material/manage_search:", url_path="lookup"),
    st.Page("pages/guide.py", title="信访指南", icon=":material/info:", url_path="guide"),
    st.Page("pages/schedule.py", title="接访日程", icon=":material/event:", url_path="schedule"),
]

try:
    actor, staff_fault = current_actor(), None
except STORAGE_FAILURES as exc:   # the session could not be checked: the frame and the public pages
    actor, staff_fault = None, exc  # are drawn, a staff page says so in its own area (staff_pages)
page = st.navigation({"公众服务": PUBLIC_PAGES, "工作台": staff_pages(actor, fault=staff_fault)})
page_frame()
page_title(None if page.url_path == "" else page.title)   # a page that shows one thing names it (ui.site_frame)
# pages may need to know that this run enters them afresh (Back, a link, the menu): widgets are redrawn
st.session_state["page_entered"] = st.session_state.get("_page_current") != page.url_path
st.session_state["_page_current"] = page.url_path
framework_script(staff=page.url_path not in {p.url_path for p in PUBLIC_PAGES})
header(actor)
announce_restored()
accessibility_controls()
script_slot()   # before anything a run may or may not draw
open_at_top(page.url_path, state=f"{st.session_state.get('pf_step', '')}{bool(st.session_state.get('pf_done'))}")
# The page runs inside a container drawn before the footer, so a page that calls st.stop() still
# has its footer below it.
body = st.container()
footer()
with body:
    try:
        page.run()
    except Exception as exc:  # told in the page's own area, not after the footer, where a
        # phone shows nothing of it (Streamlit's own handling: logged, and the redacted message the frame
        # script says in Chinese); st.stop / st.rerun are not Exceptions and pass
        keep_typed_text_over_a_fault()   # a staff member's unsaved words come back on the next run
        handle_uncaught_app_exception(exc)
    finally:
        address_settled()
        run_ended()
