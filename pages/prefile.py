"""网上预登记: the staged pre-filing form, the check page and the confirmation with the receipt."""

import streamlit as st

from ui import prefile_check, prefile_state, prefile_steps
from ui.prefile_ui import error_summary, page_css
from ui.site_frame import focus_field, focus_once, page_title, success_in_view

page_title("网上信访预登记")
page_css()
prefile_state.init()
S = st.session_state

if not S.get("pf_done"):
    # a reload or the draft's link; a draft submitted meanwhile (the answer lost) opens on its receipt
    prefile_state.resume_from_link()
if S.get("pf_done"):
    prefile_check.confirmation()
    st.stop()

step = S.pf_step
prefile_state.seed(step)

st.title("网上信访预登记")
prefile_steps.link_failed()   # a ?draft= link that opened nothing: said here, not in the folded box below
if step == "consent":
    if S.pop("pf_discarded", False):    # 删除草稿: nor does this tab offer it again
        prefile_check.forget_draft_in_tab()
        success_in_view(prefile_state.DISCARDED, key="pf-discarded")
    elif S.pop("pf_forget_draft", False):   # 不用这份草稿: not offered again either
        prefile_check.forget_draft_in_tab()
    elif S.pop("pf_forget_receipt", False):   # 再填写一份: the last receipt is not shown to the next
        prefile_check.forget_receipt_in_tab()
    else:
        prefile_check.show_kept_receipt()   # reloaded on the receipt: the code and secret again
        if not S.get("pf_draft"):           # reloaded after Back: the draft this tab was filling in
            prefile_check.show_kept_draft()
prefile_steps.progress(step)
if S.get("pf_draft"):
    # honest about when: a step's boxes are a form, sent (and saved) by 继续 or 上一步 — a reload
    # before that brings back the earlier steps, not what was typed on this one
    st.caption(f"草稿已保存。草稿码：{S.pf_draft}（7天内可用它继续填写）。本步填写的内容，点“继续”或“上一步”时保存。")
    if S.get("pf_opened_by_link"):   # kept by this tab once it saves a step (a link may be someone else's)
        prefile_steps.linked_draft_notice()
    else:
        prefile_check.keep_draft_in_tab(S.pf_draft)
if S.get("pf_resume_error") and step != "consent":
    st.error(S.pf_resume_error)
prefile_steps.draft_conflict()
error_summary(S.pf_errors)

{
    "consent": prefile_steps.consent,
    "petitioner": prefile_steps.petitioner,
    "matter": prefile_steps.matter,
    "history": prefile_steps.history,
    "check": prefile_check.check,
}[step]()
if S.get("pf_draft"):
    prefile_steps.discard_box()
if field := S.pop("pf_focus", None):   # 修改 on 核对: the answer to change, not the step's top
    focus_field(f"field-{field.replace('.', '-')}")
elif S.get("pf_shown_step", step) != step and not S.pf_errors:
    # a new step: keyboard and screen reader start at its 第 N 步 line (focus fell to the page's body);
    # the view is the new page's top already, and moving it later would move what a finger is on
    focus_once("step-progress", step, scroll=False, take=False)
S.pf_shown_step = step
