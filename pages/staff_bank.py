"""常见问题库 (法律顾问): write and edit bank questions, attach articles by id or by searching,
publish / withdraw, and answer the questions citizens sent in (群众来问)."""

import streamlit as st

from portal.citations import BANK
from portal.db import session_scope
from portal.field_errors import ValidationFailed
from portal.qa import inbox, lifecycle
from portal.qa import service as bank
from portal.roles import COUNSEL
from portal.text.escape import html_escape, markdown_escape
from portal.timeutil import beijing_text
from ui import overtaken as edits
from ui.auth import USER_SCOPED, require_page
from ui.bank_view import provision_picker
from ui.links import provision_title
from ui.picker import live_label_selectbox
from ui.refresh import refresh_button
from ui.resources import get_library
from ui.search_engine import bank_changed, get_searcher
from ui.site_frame import scroll_to, success_in_view
from ui.stale_view import warn_stale

actor = require_page(COUNSEL)
library = get_library()
searcher = get_searcher()
NEW = 0
ALL = "全部"
st.title("常见问题库")
warn_stale(BANK, library)

with session_scope() as session:
    counts = bank.state_counts(session=session, actor=actor)
    pending = inbox.sent_questions(session=session, actor=actor)
st.caption("　".join(f"{state} {n} 条" for state, n in counts.items()) + f"　群众来问待处理 {len(pending)} 条")

if flash := st.session_state.pop("bank-flash", None):
    success_in_view(flash, key="bank-flash-shown")


# the text and articles each open question's boxes started from (ui.overtaken)
BASE: dict[int, tuple[str, tuple[str, ...]]] = st.session_state.setdefault(f"{USER_SCOPED}bank-base", {})
SHOWN: dict[int, int] = st.session_state.setdefault(f"{USER_SCOPED}bank-shown", {})   # revision last shown
# what was typed into each question's box, kept while another is open: Streamlit forgets the value
# of a box a run does not draw, and choosing another question (or a filter that hides this one)
# threw an unsaved edit away (典型案例管理 and 信访指南编辑 keep theirs the same way)
KEPT: dict[str, str] = st.session_state.setdefault(f"{USER_SCOPED}bank-kept", {})
DRAWN = f"{USER_SCOPED}sent-drawn"   # the 群众来问 the page last drew (a click on one handled since is said)


def text_key(key: str) -> str:
    """The session key of the question box for `key` (q<id>, or new)."""
    return f"bank-text-{key}"


def attempt(action, success: str, clear: tuple[str, ...] = (), saved_base: int | None = None) -> None:
    """Run a service call; show its errors, or remember the message, open the saved question
    and rerun (`clear`: session keys of a form to empty after success; `saved_base`: the question
    whose boxes now hold what is stored, ui.overtaken)."""
    try:
        with session_scope() as session:
            result = action(session)
            saved = result.id if isinstance(result, bank.BankQuestion) else None
    except ValidationFailed as error:
        st.error("请修改以下问题：\n\n" + "\n".join(f"- {markdown_escape(e.message)}" for e in error.errors))
        return
    except lifecycle.IllegalTransition as error:
        st.error(str(error))
        return
    bank_changed()
    BASE.pop(saved_base, None)
    if saved_base is not None:   # saved: what is kept is what is stored
        KEPT.pop(text_key(f"q{saved_base}"), None)
    st.session_state["bank-flash"] = success
    if saved is not None:
        st.session_state["bank-pick-next"] = saved
    for name in clear:
        st.session_state.pop(name, None)
        KEPT.pop(name, None)
    st.rerun()


# the chosen tab is kept across reruns (typing in a 群众来问 box once sent the page back to 问题库)
# (its label counts what waits: a 来问 handled changes it, and a label no longer offered opened 问题库)
# a colleague's save, a question sent in since, read now (a browser refresh signs staff out)
refresh_button("bank-pick", "刷新", what="问题库和群众来问")
SENT_TAB = f"群众来问（{len(pending)}）"
if str(st.session_state.get("bank-tabs", "")).startswith("群众来问"):
    st.session_state["bank-tabs"] = SENT_TAB
questions_tab, sent_tab = st.tabs(["问题库", SENT_TAB], key="bank-tabs", on_change="rerun")

with questions_tab:
    cols = st.columns(2)
    state = cols[0].selectbox("状态", [ALL, *lifecycle.STATES], key="bank-state")
    contains = cols[1].text_input("问题中的字词", key="bank-contains")
    with session_scope() as session:
        listed = {q.id: q for q in bank.staff_questions(session=session, actor=actor,
                                                        state=None if state == ALL else state,
                                                        contains=contains)}
    if "bank-pick-next" in st.session_state:
        st.session_state["bank-pick"] = st.session_state.pop("bank-pick-next")
    if st.session_state.get("bank-pick") not in (NEW, *listed):
        st.session_state["bank-pick"] = NEW
    # the label names the state: after 发布 / 撤回 the picker must show the new one at once
    pick = live_label_selectbox("选择问题（最近修改的在前，最多 200 条）", [NEW, *listed], key="bank-pick",
                                format_func=lambda i: "＋ 新建问题" if i == NEW
                                else f"{i}. {listed[i].question[:40]}（{listed[i].state}）")
    entry = listed.get(pick)
    key = f"q{entry.id}" if entry else "new"
    overtaken = overwrite = False   # someone else saved since this editor's boxes were filled
    if entry:
        latest = (entry.question, bank.provisions_of(entry))

        def typed(base: tuple[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
            return (st.session_state.get(text_key(key), KEPT.get(text_key(key), base[0])),
                    tuple(st.session_state.get(f"picker-{key}", base[1])))

        def forget(latest=latest) -> None:
            # the box is given the stored text, not emptied: a deleted key left the browser showing
            # (and sending back) what had been typed (the articles are a plain list, redrawn)
            st.session_state[text_key(key)] = latest[0]
            KEPT.pop(text_key(key), None)
            st.session_state.pop(f"picker-{key}", None)

        def take_latest(latest=latest) -> None:
            forget(latest)
            BASE[entry.id] = latest

        overtaken = edits.overtaken(BASE, entry.id, latest, typed=typed, forget=forget)
        if overtaken:
            overwrite = edits.choice(what="问题", by=entry.updated_by, at=entry.updated_at,
                                     revision=entry.revision, key=key, take_latest=take_latest)
    if entry:
        st.caption(f"状态：**{entry.state}**　第 {entry.revision} 版　来源：{markdown_escape(entry.source)}"
                   + (f"（许可：{markdown_escape(entry.licence)}）" if entry.licence else "")
                   + f"　创建：{entry.created_by}，{beijing_text(entry.created_at)}"
                   + f"　最后修改：{entry.updated_by}，{beijing_text(entry.updated_at)}")
    if text_key(key) not in st.session_state:
        st.session_state[text_key(key)] = KEPT.get(text_key(key), entry.question if entry else "")
    text = KEPT[text_key(key)] = st.text_area("问题（群众的说法）", max_chars=bank.MAX_CHARS, key=text_key(key))
    st.markdown("**适用条文**")
    ids = provision_picker(key, library, searcher=searcher,
                           initial=bank.provisions_of(entry) if entry else ())
    if entry is None:
        publish_now = st.checkbox("保存后立即发布", key="bank-publish-new")
        if st.button("保存", type="primary", key="bank-save-new"):
            attempt(lambda s: bank.add_question(session=s, actor=actor, library=library, question=text,
                                                provision_ids=ids, publish=publish_now),
                    "已保存。" + ("公众现在可以在相似问题中看到它。" if publish_now else "草稿不会对公众显示。"),
                    clear=("picker-new", text_key("new")))
    else:
        def save() -> None:
            attempt(lambda s: bank.edit_question(session=s, actor=actor, library=library, question_id=entry.id,
                                                 question=text, provision_ids=ids,
                                                 expected_revision=entry.revision),
                    "已保存。" + ("已发布的问题修改后立即对公众生效。" if entry.state == lifecycle.PUBLISHED else ""),
                    saved_base=entry.id)

        edits.save_button("保存修改", key=f"bank-save-{key}", overtaken=overtaken, overwrite=overwrite, save=save)
        seen = edits.shown_before(SHOWN, entry.id, entry.revision)   # the version a click here was made on
        edits.publishing_buttons(
            state=entry.state, what="问题", by=entry.updated_by, at=entry.updated_at,
            key=lambda a: f"bank-{a}-{key}", overtaken=overtaken,
            unsaved=bank.differs_from_stored(entry=entry, question=text, provision_ids=ids),
            act=lambda a: attempt(lambda s: bank.transition(session=s, actor=actor, library=library,
                                                            question_id=entry.id, action=a, seen_revision=seen),
                                  f"已{a}。"))

with sent_tab:
    st.caption("群众自愿发来的、没有找到有用条文的问题（身份证号和电话已隐去）。收入问题库或忽略后，原文即被删除；"
               f"待处理超过 {inbox.UNHANDLED_TTL.days} 天的来问会被删除。")
    drawn = [sent.id for sent in pending[:20]]
    for gone in set(st.session_state.get(DRAWN, ())) - set(drawn):
        clicked = next((action for action, button in (("收入", f"sent-False-{gone}"), ("收入", f"sent-True-{gone}"),
                                                      ("忽略", f"sent-dismiss-{gone}"))
                        if st.session_state.get(button)), None)
        if clicked:   # a colleague handled it after this page was drawn: said, with what was typed
            with session_scope() as session:
                handled = inbox.sent_question(session=session, actor=actor, sent_id=gone)
            # brought into view, with the keyboard focus: the button pressed went with its 来问
            with st.container(key=f"sent-gone-{gone}"):
                st.error(f"没有{clicked}：来问 {gone} " + (
                    f"已由 {handled.handled_by} 在 {beijing_text(handled.handled_at)} 处理：{handled.state}"
                    + (f"，问题库第 {handled.bank_question_id} 号" if handled.bank_question_id else "")
                    if handled and handled.handled_at else "已不在待处理的来问中") + "。您写的问题没有保存，原文如下：")
            scroll_to(f".st-key-sent-gone-{gone}", claim=True)   # an error is role=alert: said already
            st.text(st.session_state.get(f"sent-text-{gone}", ""))
            if picked := st.session_state.pop(f"picker-sent-{gone}", None):
                st.markdown(markdown_escape("您附上的条文：" + "、".join(provision_title(pid, library) for pid in picked)))
    st.session_state[DRAWN] = drawn
    if not pending:
        st.info("没有待处理的来问。")
    for sent in pending[:20]:
        # one group per 来问, named by its first line; its buttons name it too (the same three on each)
        with st.container(border=True, key=f"named-group-sent-{sent.id}"):
            st.markdown(f'<p class="group-name" id="sent-name-{sent.id}"><strong>来问 {sent.id}</strong>　'
                        f'{html_escape(beijing_text(sent.received_at))}</p>', unsafe_allow_html=True)
            st.text(sent.text)
            answer = st.text_area("收入问题库的问题（请改写为通用说法，删去个人信息）", value=sent.text,
                                  max_chars=bank.MAX_CHARS, key=f"sent-text-{sent.id}")
            sent_ids = provision_picker(f"sent-{sent.id}", library, searcher=searcher)
            named = f" *来问 {sent.id}*"   # shown: 收入为草稿; said: 收入为草稿 来问 3
            cols = st.container(key=f"named-buttons-sent-{sent.id}").columns(3)
            for col, label, publish in ((cols[0], "收入为草稿", False), (cols[1], "收入并发布", True)):
                if col.button(label + named, key=f"sent-{publish}-{sent.id}"):
                    attempt(lambda s, p=publish, sid=sent.id, t=answer, i=sent_ids: inbox.answer_sent(
                        session=s, actor=actor, library=library, sent_id=sid, question=t,
                        provision_ids=i, publish=p), f"来问 {sent.id} 已收入问题库。")
            sure = cols[2].checkbox("确认忽略（原文随即删除，不能恢复）", key=f"sent-dismiss-sure-{sent.id}")
            if cols[2].button("忽略" + named, key=f"sent-dismiss-{sent.id}", disabled=not sure):
                attempt(lambda s, sid=sent.id: inbox.dismiss_sent(session=s, actor=actor, sent_id=sid),
                        f"来问 {sent.id} 已忽略。")
