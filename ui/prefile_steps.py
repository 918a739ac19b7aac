"""The steps of the 网上预登记 form, one topic each (GOV.UK manner)."""

from __future__ import annotations

import json

import streamlit as st

from portal.prefiling import attachments as files
from portal.prefiling import form as F
from portal.prefiling.drafts import NOT_FOUND
from portal.settings import get_settings
from portal.text.escape import html_escape, markdown_escape
from portal.timeutil import beijing_text
from ui.accessibility import page_link
from ui.form_errors import anchor, inline_error
from ui.prefile_check import DRAFT_STORE
from ui.prefile_state import (
    DRAFT_UNREADABLE,
    S,
    on_back,
    on_continue,
    on_discard,
    on_keep_this_tab,
    on_leave_linked_draft,
    on_people_changed,
    on_read_link_again,
    on_resume_typed,
    on_take_other,
    pkey,
    remove_attachment,
    wkey,
)
from ui.prefile_ui import OTHER_FILES, UPLOAD_WAIT
from ui.site_frame import confirm_box, focus_once, office, say, scroll_to

MULTILINE_HELP = "可以分段写。请不要填写与事项无关的他人身份证号等个人信息。"


def draft_conflict() -> None:
    """The draft was saved from another tab or device since this tab saved it: nothing of this
    tab's was written; the person chooses whose answers go on."""
    if not (conflict := S.get("pf_conflict")):
        return
    saved_at, _ = conflict
    st.markdown('<div class="error-summary" id="draft-conflict" role="alert" tabindex="-1">'
                '<p class="es-title" role="heading" aria-level="2">这份草稿在别处改过</p>'
                f'<p>{html_escape(beijing_text(saved_at))}，这份草稿在另一个窗口或另一台设备上保存过，'
                '内容可能和这里不同。这个窗口里刚填写的内容还没有保存。请选择：</p></div>',
                unsafe_allow_html=True)
    st.button("保留这个窗口的内容，继续", type="primary", key="pf-keep-this", on_click=on_keep_this_tab)
    st.button("改用另一处保存的内容", key="pf-take-other", on_click=on_take_other)
    focus_once("draft-conflict", saved_at)


def dead_link(phone: str) -> list[tuple[str, str]]:
    """What a draft link that finds nothing says: (lead, words) lines. One text for every cause —
    a code never issued, mistyped or cut short, a draft past its 7 days, or one submitted whose
    marker is gone (the receipt drawn, or 24 hours passed) — so it tells nobody without the code
    whether it exists; and it says first what one who submitted must do, who would otherwise fill
    the form in again (a duplicate, and a false 重复信访 signal)."""
    # (a lead ends before its punctuation: **…。** followed by a character is not bold in Markdown)
    return [("没有找到这个链接里的草稿",
             "。可能是链接不完整或草稿码输错了，也可能草稿已超过7天被删除，或者已经提交过了（提交后草稿码就不能再用）。"),
            ("已经点过“确认提交”的",
             "：材料已经送到，不用再填写一份。请到“进度查询”，用回执上的查询码和查询密码查看办理进度；"
             f"没有记下查询码或查询密码的，请拨打来访接待电话 {phone}。"),
            ("还没有提交的", "：请在下面重新填写。")]


def link_failed() -> None:
    """At the top of the form: the draft link (?draft=…) opened nothing. Shown while the form is
    the fresh one under that address; once, as the page opens, said (the form below is empty, and
    a screen reader starts at the top) and brought up the screen where it starts low (a 320-px
    phone in 大字号: under the site's header and the title, only its first line showed). A link to
    进度查询 for one who has submitted. A link that could not be read now (the database away) or
    was throttled says that instead; the first with 重新读取草稿 (any press reads it again)."""
    if not (failed := S.get("pf_link_error")):
        return
    code, message = failed
    if st.query_params.get("draft") != code:   # the address no longer carries that link (another
        S.pop("pf_link_error", None)           # page and back): its notice goes with it
        return
    first = S.get("pf_link_told") != code
    S.pf_link_told = code
    if message != NOT_FOUND:
        with st.container(key="pf-link-failed"):
            st.error(message)
            if message == DRAFT_UNREADABLE:   # 继续 reads it again too, before it saves anything
                st.button("重新读取草稿", key="pf-read-link-again", on_click=on_read_link_again)
        told = message
    else:
        lines = dead_link(office().phone)
        with st.container(key="pf-link-failed"):
            st.warning("\n\n".join(f"**{lead}**{words}" for lead, words in lines), icon=":material/link_off:")
            page_link("pages/lookup.py", label="去进度查询", icon=":material/manage_search:")
        told = "".join(lead + words for lead, words in lines)
    if first:
        say(told)
        scroll_to(".st-key-pf-link-failed", below_only=True)


def _errors() -> list:
    return S.get("pf_errors") or []


def _text(field: str, label: str, *, help: str | None = None, area: bool = False, limit: int | None = None,
          placeholder: str | None = None) -> None:
    anchor(field)
    widget = st.text_area if area else st.text_input
    kwargs = {"height": 160} if area else {}
    # no max_chars on the widget: the browser drops a paste that is longer than the limit without a
    # word (an ID number with spaces, a long account); the checks on 继续 say what is too long
    widget(label, key=wkey(field), placeholder=placeholder, **kwargs)
    if area and limit:
        help = f"{help}（最多{limit}字）" if help else f"最多{limit}字"
    if help:   # hints are visible text, not a "?" tooltip
        st.caption(help)
    inline_error(field, _errors())


def _district() -> None:
    """问题属地: picked from PORTAL_DISTRICTS where the bureau set them (one spelling each, for the
    queue's filter and the bulletin's rows), else typed."""
    if not (choices := get_settings().district_choices):
        _text("district", "问题属地（区、县、市）", placeholder="例如：历下区", limit=F.LIMITS["district"])
        return
    anchor("district")
    options = [*choices, F.OTHER_DISTRICT]
    if (kept := S.get(wkey("district"))) and kept not in options:   # typed before the list was set:
        options.insert(0, kept)                                        # shown, and 继续 asks to pick one
    st.selectbox("问题属地（区、县、市）", options, index=None, key=wkey("district"), placeholder="请选择")
    st.caption(f"事情发生在哪个区（县、市）。不在列表里或不清楚的，选“{F.OTHER_DISTRICT}”，工作人员会核实。")
    inline_error("district", _errors())


def _buttons(step: str, *, back: bool = True) -> None:
    if S.get("pf_save_error"):   # the database or disk refused the save: above the button pressed
        st.error(S.pf_save_error)
    cols = st.columns(2) if back else [st.container()]
    with cols[0]:
        st.form_submit_button("继续", type="primary", on_click=on_continue, args=(step,))
    if back:
        with cols[1]:
            st.form_submit_button("上一步", on_click=on_back, args=(step,))


def kept_for(days: int) -> str:
    """A retention period as a reader takes it in: whole years with the days beside them
    (1095 → 3 年（1095 天）), any other count in days."""
    if days >= 365 and days % 365 == 0:
        return f"{days // 365} 年（{days} 天）"
    return f"{days} 天"


def consent() -> None:
    settings, place = get_settings(), office()
    days, withdrawn = settings.retention_days, settings.withdrawn_retention_days
    st.subheader("须知与授权")
    st.markdown(f"""
这是**网上信访预登记**：您在网上填写，工作人员审核后再正式登记为信访件。请先了解我们怎样处理您的个人信息。

- **收集什么**：姓名、身份证号码、联系电话、住址，您反映的事项和上传的材料；有代理人或代表人的，还有他们的姓名和电话。
- **为什么收集**：登记和办理您的信访事项，联系您并书面答复（《信访工作条例》第十九条，《山东省信访条例》第二十五条）。只收集办理所必需的信息。
- **谁能看到**：本局负责信访办理的工作人员。检举控告类事项只有经授权的工作人员才能查看，绝不透露或转给被检举的人员或单位（《信访工作条例》第三十条）。
- **怎样保存**：身份证号码、电话、住址和附件加密保存。
- **保存多久**：办结或不予登记后 {kept_for(days)}；您撤回的，撤回后 {kept_for(withdrawn)}。到期后删除您的个人信息，只保留不含个人信息的统计记录。
- **重复反映的识别**：为发现同一人对同一事项的重复反映，系统用身份证号码的加密摘要（不是号码本身）和事项内容与您以前的预登记比对，结果只供工作人员参考。
- **您的权利**：可以查询办理进展；工作人员登记前，可以随时撤回；可以要求查阅、更正或删除您的个人信息（《个人信息保护法》第四十四条至第四十七条）：请拨打来访接待电话 {place.phone} 或到{place.address}提出，工作人员核实身份后办理。
- 未提交的草稿保存 7 天；不再填写的，可以在页面下方随时删除。
- **请用自己的手机或电脑填写。** 在公用电脑上填写的：没有提交的，请删除草稿；提交后请记下查询码和查询密码，点“再填写一份预登记”后再关闭页面。
""")
    with st.form("pf-consent"):
        anchor("consent")
        st.checkbox(F.CONSENT_LABEL, key=wkey("consent"))
        inline_error("consent", _errors())
        _buttons("consent", back=False)
    with st.expander("已经填过一部分？用草稿码继续填写"):
        with st.form("pf-resume"):
            st.text_input("草稿码（12位）", key=wkey("resume_code"))
            st.form_submit_button("继续填写草稿", on_click=on_resume_typed)
        if S.get("pf_resume_error"):
            st.error(S.pf_resume_error)


def _people(group: str, limit: int, article: str = "") -> None:
    who = F.FIELD_LABELS[group]
    anchor(group)
    st.selectbox(f"{who}人数（最多{limit}名{'，' + article if article else ''}）", list(range(limit + 1)),
                 key=wkey(f"{group}_count"))
    inline_error(group, _errors())


def _person_fields(group: str) -> None:
    count = int(S.get(wkey(f"{group}_count")) or 0)
    S.setdefault("pf_people_drawn", {})[group] = count   # what 继续 may be pressed with
    who = F.FIELD_LABELS[group]
    if (added := S.get("pf_people_added")) and added[0] == group:
        st.info(added[1])
    for i in range(count):
        st.markdown(f"**第{i + 1}位{who}**")
        for name, label in (("name", "姓名"), ("phone", "电话")):
            field = f"{group}.{i}.{name}"
            anchor(field)
            st.text_input(f"第{i + 1}位{who}的{label}", key=pkey(group, i, name))
            inline_error(field, _errors())
        if group == "agents":
            field = f"agents.{i}.relation"
            anchor(field)
            st.selectbox(f"第{i + 1}位代理人{F.RELATION_QUESTION}", F.AGENT_RELATIONS, index=None,
                         format_func=F.relation_label, key=pkey(group, i, "relation"), placeholder="请选择")
            inline_error(field, _errors())


def petitioner() -> None:
    """Name and identity first, then the 代理人 / 代表人 counts with their people, all in one form
    (typing is never lost to a rerun between fields). The counts take effect with 更新填写栏, a
    second submit button that keeps every value typed so far and redraws the person fields."""
    st.subheader("信访人")
    st.caption("这一步先填信访人（事情是谁的，就填谁）的信息。替家人或他人填写的，请在下面“代理人”中填写您自己。")
    with st.form("pf-petitioner", enter_to_submit=False):
        _text("name", "姓名", limit=F.LIMITS["name"])
        _text("id_number", "身份证号码", help=F.ID_NUMBER_HELP, limit=18)
        _text("phone", "联系电话（手机或固定电话）", help="例如 13812345678 或 0531-87654321；境外号码请加国家或地区代码，如 +852 91234567", limit=20)
        _text("address", "住址", help="写到门牌号，方便书面答复送达", limit=F.LIMITS["address"])
        st.markdown("**代理人和代表人**（没有的请保持 0）")
        _people("agents", F.MAX_AGENTS, "《山东省信访条例》第二十八条")
        st.caption("委托代理人的，要有信访人的书面委托（授权委托书）。近亲属代理的，还要有亲属关系证明；"
                   "单位或团体推荐的，还要有推荐书或介绍信（《山东省信访条例》第二十八条）。工作人员审核时可能请您补充。")
        _people("representatives", F.MAX_REPRESENTATIVES)
        st.caption("多人反映同一事项的，请推选代表，不超过5人（参照《信访工作条例》第二十条第三款）。")
        st.caption("改了人数后，请点“更新填写栏”，下面会出现相应的填写栏，已填的内容不会丢失。")
        st.form_submit_button("更新填写栏", on_click=on_people_changed, args=("petitioner",))
        _person_fields("agents")
        _person_fields("representatives")
        _buttons("petitioner")


def matter() -> None:
    st.subheader("信访事项")
    have = S.pf_data.get("attachments") or []
    with st.form("pf-matter", enter_to_submit=False):   # Enter in 问题属地 must not send a half-filled step
        _district()
        anchor("category")
        st.radio("类别", F.CATEGORIES, index=None, key=wkey("category"),
                 captions=("对工作提出建议、意见", "检举、揭发、控告违纪违法行为（仅授权人员可见）",
                           "请求解决自己的问题或对处理不服", "以上都不是"))
        inline_error("category", _errors())
        _text("subject", "被反映对象（选填）", help="单位或人员名称", limit=F.LIMITS["subject"])
        _text("request", "诉求", help="您希望有关部门做什么", area=True, limit=F.LIMITS["request"])
        _text("facts", "事实与理由", help=MULTILINE_HELP, area=True, limit=F.LIMITS["facts"])
        anchor("attachments")
        st.file_uploader(f"附件（选填；{files.ACCEPTED_NAMES}，每个不超过 5 MB，最多{files.MAX_COUNT}个）",
                         type=list(files.UPLOAD_TYPES), accept_multiple_files=True,
                         key=wkey(f"upload_{S.pf_upload_gen}"), max_upload_size=5)
        # a file the browser refuses (over 5 MB) never reaches the server: 继续 cannot say it was dropped
        st.caption(OTHER_FILES + "标为错误的文件（例如超过 5 MB 的）不会上传，请删除后另选或拍得小一些。上传了哪些附件，"
                   "“核对”一步会列出。" + UPLOAD_WAIT)
        inline_error("attachments", _errors())
        if have:   # back on this step the uploader is empty: what it already holds, said beside it
            names = "、".join(f"「{markdown_escape(entry.get('label') or entry['kind'])}」" for entry in have)
            st.caption(f"已上传 {len(have)} 个附件：{names}，不用再次上传。要删除的，请点下方的“删除附件”。")
        _buttons("matter")
    if have:
        st.markdown("**已上传的附件**")
        for entry in have:
            # a label renders Markdown: the file's name is made inert there too
            st.button(f"删除附件「{markdown_escape(entry.get('label') or entry['kind'])}」",
                      key=f"pf_rm_{entry['stored_name']}", on_click=remove_attachment, args=(entry["stored_name"],))


def history() -> None:
    st.subheader("是否已反映")
    st.caption("如实填写，有助于工作人员判断由谁办理、处于哪个阶段。")
    with st.form("pf-history", enter_to_submit=False):
        anchor("raised_before")
        st.radio("这件事以前是否已向其他机关、单位反映过？", ("是", "否"), index=None,
                 key=wkey("raised_before"), horizontal=True)
        inline_error("raised_before", _errors())
        _text("raised_where", "向哪个机关、单位反映过（选“是”的填写）", limit=F.LIMITS["raised_where"])
        anchor("raised_stage")
        st.radio("目前办到哪一步了（选“是”的填写）", F.STAGES_RAISED, index=None, key=wkey("raised_stage"))
        inline_error("raised_stage", _errors())
        _buttons("history")


def progress(step: str) -> None:
    number = F.STAGES.index(step) + 1
    st.markdown(f'<p class="step-progress" id="step-progress" tabindex="-1">第 {number} 步，共 {len(F.STAGES)} 步：'
                f'{html_escape(F.STAGE_TITLES[step])}</p>', unsafe_allow_html=True)


LINKED_DRAFT = ("这是一份已经保存的草稿（最后保存于{saved}）。如果它不是您本人开始填写的——例如是别人发给您的"
                "链接——请不要在里面填写您的个人信息：有这个链接的人都能看到里面的内容。")


OWN_DRAFT = "已打开您在这个窗口里填写的草稿（最后保存于{saved}）。"
# The warning is for a link someone else sent; the tab that started the draft keeps its code
# (ui.prefile_check.DRAFT_STORE), so there — after a reload, or the page reopened after a lost
# connection — it says the draft is theirs. Without scripts the warning stays.
_OWN_DRAFT_SCRIPT = """<style>.st-key-pf-linked-own {display:none}</style>
<script>
(function () {
  let kept = null;
  try { kept = sessionStorage.getItem(%(store)s); } catch (e) {}
  if (kept !== %(code)s) return;
  const swap = function (tries) {
    const warning = document.querySelector('.st-key-pf-linked-warning');
    const own = document.querySelector('.st-key-pf-linked-own');
    if (!warning || !own) { if (tries) setTimeout(function () { swap(tries - 1); }, 100); return; }
    warning.style.display = 'none'; own.style.display = 'block';
  };
  swap(30);
})();
</script>"""


def linked_draft_notice() -> None:
    """A draft opened from an address (a reload, or a link): whose it is, asked once, until a save
    — in the tab that started it, said to be theirs."""
    saved = beijing_text(S.pf_saved_at) if S.get("pf_saved_at") else "之前"
    with st.container(key="pf-linked-warning"):
        st.info(LINKED_DRAFT.format(saved=saved), icon=":material/info:")
    with st.container(key="pf-linked-own"):
        st.info(OWN_DRAFT.format(saved=saved), icon=":material/info:")
    st.html(_OWN_DRAFT_SCRIPT % {"store": json.dumps(DRAFT_STORE), "code": json.dumps(S.pf_draft)},
            unsafe_allow_javascript=True)
    st.button("不用这份草稿，重新填写", on_click=on_leave_linked_draft, key="pf-leave-linked")


def discard_box() -> None:
    """不想继续填写: the draft deleted now, with a tick first (it cannot be undone)."""
    confirm_box("不想继续填写了？删除这份草稿", key="pf-discard-box",
                explained="删除后，您已填写的内容（包括姓名、身份证号、电话、住址）和上传的附件立即从服务器上删除，"
                          "草稿码不能再用。",
                tick="我确定要删除这份草稿", tick_key="pf_discard_ok",
                button="删除草稿", button_key="pf_discard", on_click=on_discard,
                error=S.pop("pf_discard_error", ""))
