"""预登记办理: the detail of one pre-filing (masked until revealed), its clock, its repeat links and the export; the action panels are ui.queue_actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from portal import clock as statutory
from portal.clock import StatutoryClock
from portal.concurrency import LATEST
from portal.db import session_scope
from portal.holidays import gap_words
from portal.identity import Actor, PermissionDenied
from portal.lifecycle import allowed_actions
from portal.prefiling import attachments as files
from portal.prefiling import export, handling, repeats, transitions
from portal.prefiling.channels import RULES as CHANNEL_RULES
from portal.prefiling.codes import grouped
from portal.prefiling.form import relation_label
from portal.prefiling.queue import HANDLING_SCOPE, QueueRow, deadline_words
from portal.prefiling.receipt import date_text, due_text, handling_counted
from portal.prefiling.staff_view import RESTRICTED_NOTICE, StaffView, read_attachment
from portal.prefiling.states import TERMINAL, IllegalTransition, TransitionTaken
from portal.text.escape import markdown_escape
from portal.timeutil import beijing_text, beijing_today
from ui.auth import USER_SCOPED, at_click
from ui.links import provision_link
from ui.site_frame import focus_after_rerun

S = st.session_state
# (prefiling id, unmasked StaffView, (who revealed it, their roles then)) of this browser session only: user-scoped, so
# dropped on signing out and when someone else signs in on the tab (they must reveal, and be logged)
REVEALED = USER_SCOPED + "q-revealed"
# (prefiling id, who) last opened in this browser session: its opening is in the audit log once,
# not on every rerun; user-scoped, so the next person to sign in on the tab is logged too
OPENED = USER_SCOPED + "q-opened"
FLASH = "q-flash"
ERROR = "q-error"         # (prefiling id, ((field, message), …), what is said above) of the last refused action
LAST_ACTION = "q-last-action"   # (prefiling id, action) last tried: its panel opens on a refusal
CHANNELS = {rule.key: rule for rule in CHANNEL_RULES}


def load(actor: Actor, prefiling_id: int) -> StaffView:
    """The revealed view if this session revealed this record and nobody has changed it since,
    else the masked one as it is now. A kept view of an older version would show a state that is
    no longer true and offer actions that are refused (此件已被他人处理) however often they are tried."""
    first = S.get(OPENED) != (prefiling_id, actor.username)
    with session_scope() as session:
        current = (handling.open_record if first else handling.detail)(session=session, actor=actor,
                                                                        prefiling_id=prefiling_id)
    S[OPENED] = (prefiling_id, actor.username)
    revealed = S.get(REVEALED)
    if (revealed and revealed[0] == prefiling_id and revealed[1].version == current.version
            and revealed[2] == (actor.username, actor.roles)):   # same person, same rights (检举控告 removed: no)
        return revealed[1]
    S.pop(REVEALED, None)  # another record opened, or this one changed: hide again
    return current


def _line(label: str, value: str | None) -> None:
    st.markdown(f"**{markdown_escape(label)}**：{markdown_escape(value) if value else '（未填写）'}")


def personal(actor: Actor, view: StaffView) -> None:
    st.subheader("信访人")
    if view.hidden:
        st.warning(RESTRICTED_NOTICE)
        return
    if view.erased:
        st.info("此件的个人信息（姓名、身份证号、电话、住址、代理人）已删除，无法查看或更正。", icon=":material/delete:")
        return
    for label, value in (("姓名", view.name), ("身份证号", view.id_number), ("电话", view.phone),
                         ("住址", view.address)):
        _line(label, value)
    for person in view.people:
        relation = f"（{relation_label(person['relation'], short=True)}）" if person.get("relation") else ""
        _line(f"{person['role']}{relation}", f"{person['name']}　{person['phone']}")
    if view.personal_masked:
        st.caption("个人信息已部分隐藏。点击下面的按钮查看完整信息，每次查看都会记入操作日志。")
        if st.button("显示个人信息", key=f"reveal-{view.id}", icon=":material/visibility:"):
            try:
                with session_scope() as session:
                    S[REVEALED] = (view.id, handling.reveal(session=session, actor=actor, prefiling_id=view.id),
                                   (actor.username, actor.roles))
            except PermissionDenied as exc:
                st.error(str(exc))
                return
            focus_after_rerun(f".st-key-hide-{view.id} button")   # the button in its place
            st.rerun()
    else:
        if st.button("隐藏个人信息", key=f"hide-{view.id}", icon=":material/visibility_off:"):
            S.pop(REVEALED, None)
            focus_after_rerun(f".st-key-reveal-{view.id} button")
            st.rerun()
        _contact_form(actor, view)


def _contact_form(actor: Actor, view: StaffView) -> None:
    """更正联系方式, under the revealed data: the petitioner asked for a new phone number or address
    to be used (个人信息保护法 art. 46). Keyed by the version: after a change the boxes show it."""
    with st.expander("更正联系方式（信访人申请更正电话或住址时）"):
        with st.form(f"contact-{view.id}-{view.version}", enter_to_submit=False):
            phone = st.text_input("联系电话", value=view.phone or "", max_chars=20)
            address = st.text_input("住址", value=view.address or "", max_chars=transitions.ADDRESS_LIMIT)
            st.caption("请先核实是信访人本人（或其代理人）提出的更正。操作日志记下更正了哪一项，不记号码和地址。")
            if not st.form_submit_button("保存更正"):
                return
    try:
        with session_scope() as session:
            changed = transitions.correct_contact(session=session, actor=actor, prefiling_id=view.id, phone=phone,
                                                  address=address, version=view.version)
    except transitions.StaffInputError as refused:
        st.error("没有更正：\n\n" + "\n".join(f"- {markdown_escape(m)}" for _f, m in refused.problems))
        return
    except (TransitionTaken, IllegalTransition, PermissionDenied) as refused:
        st.error(f"没有更正：{refused}")
        return
    S.pop(REVEALED, None)   # the kept view holds the old values
    S[FLASH] = f"已更正 {grouped(view.code)} 的{'和'.join(changed)}。"
    st.rerun()


def matter(actor: Actor, view: StaffView) -> None:
    st.subheader("信访事项")
    _line("类别", view.category)
    _line("问题属地", view.district)
    if view.hidden:
        st.info("被反映对象、诉求、事实与理由和附件属于检举控告内容，已隐藏。")
    else:
        _line("被反映对象", view.subject)
        _line("诉求", view.request)
        st.markdown("**事实与理由**")
        st.text(view.facts or "（未填写）")
    _line("是否已向其他机关反映", f"是，{view.raised_where}，{view.raised_stage}" if view.raised_before else "否")
    for i, att in enumerate(view.attachments, start=1):
        kind = att["kind"]
        if att.get("missing"):
            st.warning(f"附件{i}（{files.describe(kind, att['size'], att.get('added_at'))}）的文件缺失（存储故障），"
                       "无法下载。请联系系统管理员从备份恢复。", icon=":material/broken_image:")
            continue
        st.download_button(f"下载附件{i}（{files.describe(kind, att['size'], att.get('added_at'))}）",
                           data=_attachment_reader(at_click(actor), att["id"]), file_name=f"{view.code}-附件{i}.{kind}",
                           key=f"att-{att['id']}", icon=":material/download:", on_click="ignore")
    if view.channels:
        st.markdown("**系统提示的途径（诉访分离）**")
        for key in view.channels:
            rule = CHANNELS.get(key)
            if rule:
                st.markdown(f"- {markdown_escape(rule.channel)}：{markdown_escape(rule.advice)}")


def export_generator(who: Callable[[Session], Actor], rows: list[QueueRow], *, include_personal: bool,
                     filters: dict, today: dt.date):
    """Deferred: the CSV is made (and the export audited) only when the handler clicks download, and
    only if `who` (ui.auth.at_click) finds the session still open then; its days are counted for
    `today`, the page's day, which the file's name gives (a click after midnight still matches it)."""
    described = "，".join(f"{k}={v}" for k, v in filters.items() if v is not None) or "全部"

    def make() -> bytes:
        with session_scope() as session:
            return export.export_csv(session=session, actor=who(session), rows=rows, include_personal=include_personal,
                                     filters=described, today=today)
    return make


def _attachment_reader(who: Callable[[Session], Actor], attachment_id: int):
    """Deferred: the file is decrypted only when the handler clicks download (session checked then)."""
    def read() -> bytes:
        with session_scope() as session:
            return read_attachment(session=session, actor=who(session), attachment_id=attachment_id)[1]
    return read


def rating(view: StaffView) -> None:
    """群众评价: what the citizen said of the outcome (an unhappy one is the bureau's to follow up)."""
    if not view.rating:
        return
    st.subheader("群众评价")
    said = f"{view.rating}（{beijing_text(view.rated_at)}）" if view.rated_at else view.rating
    (st.warning if view.rating == "不满意" else st.info)(f"评价：{markdown_escape(said)}")
    if view.rating_comment is None:
        st.caption("评价意见属于检举控告内容，已隐藏。")
    else:
        _line("评价意见", view.rating_comment)


def holiday_gap_note(today) -> None:
    """A warning while a deadline can fall in a year content/holidays.yaml does not list (its days
    would move past weekends and the festival days only): on the pages that count and judge deadlines."""
    if years := statutory.calendar().uncovered_years(today):
        st.warning(gap_words(years), icon=":material/event_busy:")


def clock(view: StaffView) -> None:
    st.subheader("法定期限")
    timer = StatutoryClock(view.received_date, accepted=view.registered_date, answered=view.answered_date)
    # a 建议意见 or 检举控告 has no 办结 day count and no 复查 (第三十四条、第三十五条 are a 信访处理意见书's),
    # as 进度查询 tells the citizen: its 15 days to 登记 are all there is to count
    counted = handling_counted(view.category)
    _line("收到日期", date_text(view.received_date))
    # every last day as the citizen's lookup page gives it: moved past 法定休假日 (民法典 第二百零三条)
    _line(f"{statutory.ACCEPTANCE_NOTICE.name}（第二十二条）", due_text(timer.acceptance_due()))
    if counted:
        # the 60 days run from the handling body's 受理, which the portal does not record: its 登记
        # stands in for it, and the line says so, as 进度查询 does
        _line("办结（第三十四条）" if view.category == "申诉求决" else "办结（第三十四条，如属申诉求决类）",
              due_text(timer.handling_due()) + ("（按登记日推算；60日自办理机关受理之日起算，受理日期以其书面告知为准）"
                                                if view.registered_date else "（按最晚受理日推算）"))
    else:
        _line("办结", HANDLING_SCOPE)
    if view.answered_date:
        _line("答复日期", date_text(view.answered_date))
    if view.answered_date and counted:
        # the date 进度查询 gives the citizen (from 办结, not moved) is a reminder, not the legal cutoff
        _line("信访人可请求复查（第三十五条）", f"自收到书面答复之日起30日内；按办结日推算为 "
              f"{date_text(timer.review_request_due())}（提醒信访人用的最早日期；是否逾期以送达日期为准，"
              "最后一日遇法定休假日的参照民法典第二百零三条顺延）")
    if view.state in TERMINAL:
        st.caption(deadline_words(None))
    elif view.registered_date and not counted:
        st.info(f"当前期限：{deadline_words(None, ended=False)}（{view.category}类，见上）")
    else:
        nominal, real = timer.current_due(), timer.current_due(real=True)
        if real != nominal:
            _line("期限最后一日顺延至", f"{date_text(real)}（{date_text(nominal)}为法定休假日，民法典第二百零三条）")
        words = deadline_words(timer.days_left(beijing_today(), real=True))
        (st.error if words.startswith("已超期") else st.info)(f"当前期限：{words}")
    if view.official_number:
        _line("信访件编号", view.official_number)
    if view.history:
        st.markdown("**办理记录（信访人可在进度查询中看到答复）**")
        for h in view.history:
            moved = "" if h.state == h.action else f" → {markdown_escape(h.state)}"   # not 不予登记 → 不予登记
            st.markdown(f"- {beijing_text(h.at)}　{markdown_escape(h.action)}{moved}"
                        + (f"：{markdown_escape(h.reply)}" if h.reply else ""))


OPEN = "q-open"   # the queue page's 打开一件预登记 select box


def _open_earlier(prefiling_id: int, filters: dict[str, str]) -> None:
    """Callback of 打开前件: clear the queue's filters so the earlier 件 is listed, then open it."""
    for key, value in filters.items():
        S[key] = value
    S[OPEN] = prefiling_id


def repeat_panel(actor: Actor, view: StaffView, *, reset_filters: dict[str, str]) -> None:
    """重复信访: the earlier pre-filings this one may repeat (reference codes only), each to confirm
    or dismiss; the 第三十六条第三款 guidance once a repeat of a 复核 matter is confirmed."""
    with session_scope() as session:
        panel = repeats.repeat_panel(session=session, actor=actor, prefiling_id=view.id)
    st.subheader("重复信访")
    if panel.withheld:
        st.caption("检举控告件的重复信访提示仅限有检举控告权限的工作人员查看。")
        return
    if panel.guidance:
        from ui.resources import get_library

        st.warning(panel.guidance, icon=":material/gavel:")
        st.markdown(f"依据：{provision_link(panel.guidance_provision, get_library())}")
    if not panel.links:
        st.caption("未发现同一信访人或诉求相近的前件。"
                   + ("诉求内容正在比对，稍后刷新可能出现新的提示。" if panel.text_pending else ""))
        return
    st.caption("系统按身份证号（加密摘要比对）和诉求内容（向量相似度）提示可能重复的前件，请核对后确认或排除；"
               "每次确认或排除都记入操作日志；点错了可以改回疑似重复。")
    error = S.get(ERROR)
    if error and error[0] == ("repeat", view.id):
        st.error(error[2])
    for link in panel.links:
        with st.container(border=True):
            st.markdown(f"**{link.state}**　前件查询码 **{grouped(link.earlier_code)}**"
                        f"（{link.earlier_state}，{date_text(link.earlier_received)}收到）")
            st.caption(link.signals)
            cols = st.columns(3)
            cols[0].button("打开前件", key=f"rp-open-{link.id}", icon=":material/open_in_new:",
                           on_click=_open_earlier, args=(link.earlier_id, reset_filters))
            for col, action in zip(cols[1:], allowed_actions(link.state, repeats.TRANSITIONS), strict=False):
                if col.button(repeats.TRANSITIONS[action].verb, key=f"rp-{action}-{link.id}"):
                    _decide(actor, view, link, action)


def refusal(exc: Exception) -> str:
    """A refused action's message; when someone else acted first, the page (rerun) shows what is
    true now, and says so."""
    return str(exc) + (LATEST if isinstance(exc, TransitionTaken) else "")


def _decide(actor: Actor, view: StaffView, link: repeats.RepeatLink, action: str) -> None:
    try:
        with session_scope() as session:
            moved = repeats.decide(session=session, actor=actor, link_id=link.id, action=action,
                                   version=link.version)
            state = moved.state
    except (IllegalTransition, PermissionDenied) as exc:
        S[ERROR] = (("repeat", view.id), (), refusal(exc))
    else:
        S.pop(ERROR, None)
        S[FLASH] = f"已办理：{grouped(view.code)} 与前件 {grouped(link.earlier_code)} 的重复信访提示现在是“{state}”。"
    st.rerun()
