"""The page frame: the shared CSS, and leaving Streamlit's pages-folder mode. app.py calls both on
every run; nothing here runs at import time, so tests may import any `ui.*` module."""

from __future__ import annotations

import streamlit as st

# What a printed page shows, by the frame's hand (and sheet after sheet of menus otherwise)
PRINTED_AWAY = ", ".join(
    # the widget, and its place in the column (its gap) where it is the place's own child
    [f'[data-testid="{widget}"], [data-testid="stElementContainer"]:has(> [data-testid="{widget}"])' for widget in (
        "stButton", "stDownloadButton", "stFormSubmitButton", "stLinkButton", "stPageLink", "stPopover",
        "stTextInput", "stTextArea", "stNumberInput", "stSelectbox", "stMultiSelect", "stRadio",
        "stCheckbox", "stDateInput", "stTimeInput", "stFileUploader", "stSlider", "stButtonGroup",
        "stFeedback", "stChatInput")]
    + ['[data-testid="stElementContainer"]:has(.copy-row)', '[data-testid="stElementContainer"]:has(.screen-only)',
       'header[data-testid="stHeader"]', '[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
       '[data-testid="stToolbar"]', '[data-testid="stDecoration"]', '[data-testid="stStatusWidget"]',
       '[data-testid="stToastContainer"]', '[data-testid="InputInstructions"]',
       ".st-key-a11y-bar", ".st-key-phone-menu", ".screen-only", "#portal-busy", "#portal-reload",
       ".kept-receipt-clear",   # the kept receipt's 我已记下，不再显示 (drawn by a script, not a widget)
       # a page's part for the screen only (what can be done there): a container keyed screen-…
       '[class*="st-key-screen-"]'])
# Printed: the page's content on the sheet's whole width, black on white (in 高对比度 too), without
# the sidebar, the 大字号 / 高对比度 switches, buttons, boxes and 复制 buttons; the header (city,
# bureau, telephone) and the footer's contacts stay. Streamlit's top bar goes as well: white and
# 75 px high in 高对比度, it covered the header's first line on the first sheet. `#root` outranks
# every class rule of the page (高对比度's dark-blue links, white words on a dark panel).
PRINT_RULES = """
@page {margin:12mm;}
@media print {
""" + PRINTED_AWAY + """ {display:none !important;}
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background:#fff !important;
    overflow:visible !important;height:auto !important;}
  [data-testid="stMain"], [data-testid="stAppViewContainer"] {margin:0 !important;padding:0 !important;width:100% !important;}
  [data-testid="stMainBlockContainer"] {max-width:none !important;width:100% !important;padding:0 !important;}
  #root, #root * {color:#000 !important;}
  /* Streamlit fades captions and a 题注 (opacity): on paper they are pale grey */
  #root [data-testid="stCaptionContainer"], #root blockquote, #root blockquote * {opacity:1 !important;}
  #root a {text-decoration:underline !important;}
  /* white words on a dark ground: black on white, framed */
  #root .confirm-panel, #root .ask-exact, #root .site-emblem {background:#fff !important;border:2px solid #000 !important;}
  #root [data-testid="stForm"] {border:none !important;padding:0 !important;}
  #root .article-target {border-left-color:#000 !important;}
  #root .article a.article-link {display:none !important;}   /* a chain icon: nothing to click on paper */
  /* a box (an article, a case card) is not cut across two sheets when it fits on one */
  #root .article, #root [data-testid="stAlert"], #root .sched-card {break-inside:avoid;}
  #root h1, #root h2, #root h3, #root h4 {break-after:avoid;}
}
"""

BASE_CSS = """
<style>
.law-badge {display:inline-block;padding:0.1rem 0.6rem;border-radius:0.3rem;font-weight:600;
  font-size:0.95rem;border:2px solid currentColor;}
.law-badge-current {color:#0b6b2f;background:#e7f5ec;}
.law-badge-repealed {color:#a11212;background:#fdeaea;}
.repealed-banner {border:3px solid #a11212;background:#fdeaea;color:#5c0a0a;padding:0.8rem 1rem;
  border-radius:0.4rem;font-weight:600;margin:0.5rem 0 1rem 0;}
.article {line-height:1.9;margin:0 0 1rem 0;padding:0.2rem 0.4rem;white-space:pre-wrap;word-break:break-word;}
.article-label {font-weight:700;}
/* an article's link: a finger-sized target (44 px) that does not push the lines apart; its chain
   icon drawn in the link's colour (the 🔗 emoji was an empty box where no emoji font is installed) */
.article a.article-link {display:inline-block;min-width:2.75rem;min-height:2.75rem;line-height:2.75rem;
  text-align:center;margin:-0.9rem 0 -0.9rem 0.2rem;text-decoration:none;}
.article a.article-link::before {content:"";display:inline-block;width:1.25em;height:1.25em;vertical-align:middle;
  background-color:currentColor;-webkit-mask:var(--chain) center/contain no-repeat;mask:var(--chain) center/contain no-repeat;
  --chain:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Cpath d='M3.9 12c0-1.71 1.39-3.1 3.1-3.1h4V7H7c-2.76 0-5 2.24-5 5s2.24 5 5 5h4v-1.9H7c-1.71 0-3.1-1.39-3.1-3.1zM8 13h8v-2H8v2zm9-6h-4v1.9h4c1.71 0 3.1 1.39 3.1 3.1s-1.39 3.1-3.1 3.1h-4V17h4c2.76 0 5-2.24 5-5s-2.24-5-5-5z'/%3E%3C/svg%3E");}
.article-target {background:#fff6d6;border-left:4px solid #b8860b;}
mark {background:#ffe58a;color:inherit;padding:0 0.1rem;}
:focus-visible {outline:3px solid #1a56db !important; outline-offset:2px;}
/* words for the printed sheet only (which chapter of how many): not on the screen, nor read out */
@media screen {[data-testid="stElementContainer"]:has(.print-only), .print-only {display:none !important;}}
""" + PRINT_RULES + """
</style>
"""


def leave_pages_folder_mode() -> None:
    """Streamlit runs an app that has a `pages/` folder as a v1 multipage app until the main
    script first calls st.navigation (`python -m ui.serve` decides that before the server starts;
    this is the fallback for a plain `streamlit run app.py`). Switch to st.navigation mode and rerun."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_frame() -> None:
    """Shared CSS for every page (called by app.py before the page runs)."""
    st.markdown(BASE_CSS, unsafe_allow_html=True)
