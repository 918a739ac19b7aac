"""适老化: a large-text and a high-contrast switch on every page. The choice is kept in the
session and in the address (`?a11y=large,contrast`), so a reload or a bookmark keeps it."""

from __future__ import annotations

import streamlit as st

LARGE = "a11y_large_text"
CONTRAST = "a11y_high_contrast"
PARAM = "a11y"
PARAM_WORDS = {LARGE: "large", CONTRAST: "contrast"}

# 大字号's table text, in rem: ui.tables sizes its columns by it
TABLE_TEXT_REM = 1.05
TABLE_RULE = ('.stApp [data-testid="stTable"] :is(td, th), .stApp [data-testid="stTable"] :is(td, th) p '
              f'{{font-size:{TABLE_TEXT_REM}rem !important;}}')
# Streamlit sizes text in rem, so raising the root size enlarges everything in proportion.
LARGE_CSS = """
html {font-size:125% !important;}
.stMarkdown p, .stMarkdown li, .stMarkdown td, .stMarkdown th {font-size:1.15rem !important; line-height:1.9 !important;}
/* labels, inputs, buttons and helper text grow with the body text (labels at least 20 px) */
.stApp [data-testid="stWidgetLabel"] p, .stApp [data-testid="stWidgetLabel"] label {font-size:1.1rem !important;}
.stApp input, .stApp textarea, .stApp [data-baseweb="select"] div {font-size:1.1rem !important;}
/* the date and time boxes' parts (年/月/日, 时/分: spans, not inputs) as large as a text box's text */
.stApp :is([data-testid="stDateInputField"], [data-testid="stTimeInputTimeDisplay"]) [role="group"],
.stApp :is([data-testid="stDateInputField"], [data-testid="stTimeInputTimeDisplay"]) [role="group"] span {font-size:1.1rem !important;}
/* a citizen's 事实与理由 (st.text, kept as typed) as large as the 诉求 above it */
.stApp [data-testid="stText"], .stApp [data-testid="stText"] * {font-size:1.15rem !important;}
.stApp button p, .stApp button span, .copy-btn {font-size:1.1rem !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, .stApp [data-testid="InputInstructions"],
.disclaimer, .site-sub, .step-progress {font-size:1.05rem !important;}
/* a select's open list (目录, 按类别查看) is drawn outside the page's frame: its options grow too; and
   a chosen file's name and size, and the uploader's limits */
[role="listbox"] [role="option"], [role="listbox"] [role="option"] * {font-size:1.1rem !important;}
.stApp [data-testid="stFileChipName"], .stApp [data-testid="stFileChipName"] + div,
.stApp [data-testid="stFileUploaderDropzoneInstructions"] * {font-size:1.1rem !important;}
/* a table (a staff list, 数据看板) as large as the text around it, not Streamlit's 0.875rem */
""" + TABLE_RULE + """
/* on a wide screen the page's column grows with its text, as a browser's zoom would (Streamlit's
   736 px column at 16 px is 920 px at 20 px): a staff list of 7 columns broke its 查询码 and dates */
@media (min-width: 1024px) { [data-testid="stMainBlockContainer"] {max-width:920px !important;} }
/* the larger 回车换行 hint wraps to two lines on a phone: room for both under the last line */
.stApp [data-testid="stTextArea"] textarea {padding-bottom:3.2rem !important;}
"""
# A switch, a radio and a tick box hide their input (1 px, clipped) and draw a box beside the label:
# the focus ring goes on the label, and the box of one not chosen has an edge the eye finds (Streamlit
# draws it at 20 % grey, 1.5:1 on white; #595959 is 7:1, a switch's track #6b6b6b under a white knob 5:1).
# where the focus ring goes when Streamlit's focused element is hidden or clipped: a switch's or a
# choice's label, and the whole frame of a text box, a select box or a date box (the ring on the
# inner input showed as a thin line by the ▾)
TEXT_AREA_FOCUS = '.stApp [data-testid="stTextAreaRootElement"]:has(textarea:focus-visible)'
CHOICE_FOCUS = ('.stApp [data-testid="stCheckbox"] label:has(input:focus-visible), '
                '.stApp [data-testid="stRadioOption"]:has(input:focus-visible), '
                '.stApp :is([data-testid="stSelectbox"], [data-testid="stMultiSelect"]) > div:has(input:focus-visible), '
                '.stApp [data-testid="stTextInputRootElement"]:has(input:focus-visible), '
                + TEXT_AREA_FOCUS)
CHOICE_CSS = CHOICE_FOCUS + """ {outline:3px solid #1a56db !important; outline-offset:2px !important;
  border-radius:0.3rem;}
/* a text area's ring inside its frame, and only there: outside it, the row around the box (Streamlit's
   overflow:auto, as wide as the box) cut off all but the top edge (r48a) */
""" + TEXT_AREA_FOCUS + """ {outline-offset:-3px !important;}
/* and the text area's own ring gone: under the same :has(), so that a browser without :has (Firefox
   ESR 115) drops the rule and keeps the box's own ring, not no ring at all */
""" + TEXT_AREA_FOCUS + """ textarea:focus-visible {outline:none !important; box-shadow:none !important;}
.stApp [data-testid="stCheckbox"] label:has(input:not([role="switch"]):not(:checked)) > span + div,
.stApp [data-testid="stRadioOption"]:has(input:not(:checked)) > span + div > div:first-child
  {border:2px solid #595959 !important;}
.stApp [data-testid="stCheckbox"] label:has(input[role="switch"]:not(:checked)) > span + div
  {background:#6b6b6b !important;}
"""
CONTRAST_CSS = """
.stApp, [data-testid="stSidebar"], [data-testid="stHeader"] {background:#ffffff !important; color:#000000 !important;}
.stApp p, .stApp li, .stApp span, .stApp label, .stApp h1, .stApp h2, .stApp h3, .stApp td, .stApp th,
.stApp dt, .stApp dd, .stApp caption, [data-testid="stCaptionContainer"] {color:#000000 !important;}
/* every grey helper text turns black */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, [data-testid="InputInstructions"],
[data-testid="InputInstructions"] *,
.stApp small, .disclaimer, .site-sub, .step-progress, .ask-path, .case-meta, .stApp blockquote, .stApp blockquote *
  {color:#000000 !important; opacity:1 !important;}
/* a hint in an empty box is dark grey and slanted (7:1): drawn black, it read as text already typed */
.stApp input::placeholder, .stApp textarea::placeholder
  {color:#4d4d4d !important; opacity:1 !important; font-style:italic;}
/* a law's 题注 (blockquote): Streamlit draws it faded, with a light grey rule */
.stApp blockquote {border-left:4px solid #000000 !important;}
.stApp a, .stApp a span {color:#00008b !important; text-decoration:underline !important; font-weight:700;}
/* a text box's frame is its root element (a border on the inner input showed only left and right) */
.stApp button, .stApp [data-testid="stTextInputRootElement"], .stApp [data-testid="stTextAreaRootElement"],
[data-baseweb="select"] > div, .stApp [data-testid="stDateInputField"] {border:2px solid #000000 !important;}
.stApp button[data-testid^="stBaseButton-primary"] {background:#000000 !important;}
/* a link-like button (修改 on 核对, a 查找条文 hit) framed too: room between its words and the frame */
.stApp button[data-testid="stBaseButton-tertiary"] {padding:0.2rem 0.6rem !important;}
.stApp button[data-testid^="stBaseButton-primary"] p,
.stApp button[data-testid^="stBaseButton-primary"] span {color:#ffffff !important;}
[data-testid="stVerticalBlockBorderWrapper"], .sched-card, .stAlert {border:2px solid #000000 !important;}
mark {background:#ffff00 !important; color:#000000 !important; outline:1px solid #000000;}
/* white on a dark ground stays white (the black text rule above made the receipt's 查询码 and
   查询密码 black on dark green, 3.2:1, and a chosen role's chip in 账号管理 black on red, 2.6:1) */
.stApp .confirm-panel, .stApp .confirm-panel *, .stApp .ask-exact, .stApp .site-emblem, .stApp .site-emblem *,
.stApp [data-testid="stMultiSelect"] [data-tag], .stApp [data-testid="stMultiSelect"] [data-tag] *
  {color:#ffffff !important;}
/* its 删除 ✕ is a button: not framed like one (a black box on red) */
.stApp [data-testid="stMultiSelect"] [data-tag] button {border:none !important;}
:focus-visible {outline:4px solid #000000 !important; box-shadow:0 0 0 7px #ffff00 !important;}
""" + CHOICE_FOCUS + """ {outline:4px solid #000000 !important; box-shadow:0 0 0 7px #ffff00 !important;}
""" + TEXT_AREA_FOCUS + """ {outline-offset:-4px !important; box-shadow:none !important;}
"""
# Always on: a focus ring the eye can find, and links that are underlined (not told by colour).
BASE_CSS = CHOICE_CSS + """
:focus-visible {outline:3px solid #1a56db !important; outline-offset:2px !important;}
/* a button written 移除 *《民法典》第五条* shows 移除 and is named 移除 《民法典》第五条 (ten 移除 in a row
   told a screen reader nothing of which article each removes) */
.stApp [class*="st-key-named-buttons"] button em {position:absolute !important;width:1px !important;
  height:1px !important;overflow:hidden !important;clip-path:inset(50%) !important;white-space:nowrap !important;}
/* a button's label wraps instead of ending in … (在法规库中阅读第二… eight times on one page) */
.stApp button [data-testid="stMarkdownContainer"], .stApp button [data-testid="stMarkdownContainer"] p
  {white-space:normal !important; overflow:visible !important; text-overflow:clip !important;}
.stMarkdown a {text-decoration:underline;}
/* code blocks (e.g. a permalink) wrap instead of scrolling: no sideways scrolling on a phone and no
   scroll-only region that a keyboard cannot reach */
[data-testid="stCode"] code, .stCode code {white-space:pre-wrap !important; word-break:break-all;}
/* nothing a citizen reads or taps below 16 px: Streamlit draws buttons, page links, captions and
   choice labels at 14 px (measured at 375 px). 大字号 (LARGE_CSS, later in the page) enlarges them. */
.stApp button p, .stApp [data-testid="stPageLink"] p, .stApp [data-testid="stCaptionContainer"],
.stApp [data-testid="stCaptionContainer"] p, .stApp [data-testid="stRadio"] label p,
.stApp [data-testid="stCheckbox"] label p, .stApp [data-testid="stExpander"] summary p {font-size:1rem !important;}
"""


def _css() -> str:
    css = BASE_CSS
    if st.session_state.get(LARGE):
        css += LARGE_CSS
    if st.session_state.get(CONTRAST):
        css += CONTRAST_CSS
    return f"<style>{css}</style>"


def _copy(widget_key: str, state_key: str) -> None:
    # Widget keys are dropped when a page does not draw the widget; the plain keys survive.
    st.session_state[state_key] = st.session_state[widget_key]


def accessibility_controls() -> None:
    """The two switches at the top of every page, and the CSS they select."""
    for key in (LARGE, CONTRAST):
        st.session_state.setdefault(key, PARAM_WORDS[key] in _in_address())   # a reload starts from the address
        st.session_state[f"_{key}_switch"] = st.session_state[key]
    with st.container(horizontal=True, horizontal_alignment="right", gap="medium", key="a11y-bar"):
        st.toggle("大字号", key=f"_{LARGE}_switch", on_change=_copy, args=(f"_{LARGE}_switch", LARGE))
        st.toggle("高对比度", key=f"_{CONTRAST}_switch", on_change=_copy,
                  args=(f"_{CONTRAST}_switch", CONTRAST))
    st.html(_css())
    _keep_in_address()


def _in_address() -> set[str]:
    return set(str(st.query_params.get(PARAM, "")).split(","))


def chosen_words() -> str:
    """The choice as the address writes it (`large,contrast`; empty: neither), for the links a page
    writes (ui.links) as for this page's own address; before the switches are drawn on a session's
    first run (the header's 菜单), the address's. Outside a run (a test, a script): empty."""
    try:
        return ",".join(word for key, word in PARAM_WORDS.items()
                        if st.session_state.get(key, word in _in_address()))
    except Exception:  # no script run
        return ""


def with_choice(params: dict[str, str] | None = None) -> dict[str, str]:
    """`params` and the choice (`a11y`), for an address the site writes (a link, a page opened): the
    page it opens keeps 大字号 / 高对比度 without writing them back as another history entry."""
    chosen = chosen_words()
    return {**(params or {}), PARAM: chosen} if chosen else dict(params or {})


def page_link(page: str, *, label: str, query_params: dict[str, str] | None = None, **kwargs) -> None:
    """st.page_link whose address carries the choice: without it the page opened wrote it back into
    its address, a second history entry for one tap, and Back needed two presses to leave it."""
    st.page_link(page, label=label, query_params=with_choice(query_params) or None, **kwargs)


def _keep_in_address() -> None:
    """Put the choice in the address on every run (a page link may have replaced the query)."""
    wanted = chosen_words()
    if wanted and st.query_params.get(PARAM) != wanted:
        st.query_params[PARAM] = wanted
    elif not wanted and PARAM in st.query_params:
        del st.query_params[PARAM]
