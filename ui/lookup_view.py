"""进度查询: the status of one pre-filing, withdrawal and rating (widgets and their callbacks)."""

from __future__ import annotations

import logging
import re
import time

import streamlit as st

from portal.clock import ACCEPTANCE_NOTICE, RECHECK_REQUEST, REVIEW_REQUEST
from portal.concurrency import LATEST
from portal.db import STORAGE_FAILURES, failure_reason, session_scope
from portal.field_errors import FieldError
from portal.prefiling import attachments as files
from portal.prefiling import codes, supplements
from portal.prefiling import lookup as svc
from portal.prefiling.channels import refusal_routes
from portal.prefiling.codes import grouped
from portal.prefiling.ratelimit import RateLimited
from portal.prefiling.receipt import HOLIDAY_NOTE, OWN_RULE, date_text, review_due
from portal.prefiling.states import (
    CLOSED,
    NEEDS_MORE,
    REJECTED,
    WITHDRAWN,
    IllegalTransition,
    TransitionTaken,
)
from portal.text.escape import html_escape, markdown_escape
from portal.timeutil import beijing_text, beijing_today
from ui.accessibility import page_link
from ui.links import provision_link
from ui.next_steps_view import next_steps_box
from ui.prefile_check import forget_receipt_in_tab
from ui.prefile_ui import OTHER_FILES, UPLOAD_WAIT, client_info
from ui.resources import get_library
from ui.site_frame import confirm_box, field_error, office, say, scroll_to, success_in_view

log = logging.getLogger(__name__)
S = st.session_state
STAFF_ACTED = "工作人员刚刚处理了这份预登记，您这次的操作没有执行。"
LEFT = "已结束查询，查询码和查询密码已清空。"
# a 草稿码 is of a form not sent yet (no 回执, no 查询码: where to go on with it; journey review M6), or
# of one sent since, which has its 回执: said both ways (told flatly "not submitted", a citizen who
# had submitted would submit again: a duplicate and a false 重复信访 signal)
DRAFT_TYPED = (f"您输入的像是草稿码（{codes.DRAFT_LENGTH}位），不是查询码（{codes.CODE_LENGTH}位）。"
               "如果还没有点“确认提交”，工作人员还收不到：请到“网上预登记”用草稿码继续填写并提交，提交后才会得到查询码和查询密码"
               f"（草稿在最后一次保存后保留7天）。如果已经提交了，请用回执上的{codes.CODE_LENGTH}位查询码和{codes.SECRET_LENGTH}位查询密码查询，"
               "草稿码不能用来查询。")


def _call(service, **kwargs) -> None:
    """Run a lookup-family service with the remembered code and secret; keep the view or the error."""
    code, secret = S.get("lk_creds", ("", ""))
    S.lk_error = S.lk_action_error = ""
    try:
        with session_scope() as session:
            S.lk_view = service(session=session, code=code, secret=secret, client=client_info(), **kwargs)
    except (svc.LookupFailed, RateLimited) as exc:
        S.lk_view, S.lk_error = None, str(exc)
    except svc.RatingRefused as exc:   # said under its own field (the message above the form was
        S.lk_rate_error = exc.error    # under a phone's top bar after the rerun: nothing seemed to happen)
    except IllegalTransition as exc:   # refused on what the page showed: it now shows what is true
        S.lk_action_error = (STAFF_ACTED if isinstance(exc, TransitionTaken) else str(exc)) + LATEST
        _reload(code, secret)
    except supplements.SupplementRefused as exc:
        S.lk_supp_error = exc.error.message
    except STORAGE_FAILURES as exc:   # the store is away: what was typed stays, and the reason is said there
        log.warning("进度查询: %s failed: %s", getattr(service, "__name__", "a service"), failure_reason(exc))
        _store_away(service)


def lookup_failed_message() -> str:
    return ("暂时无法查询（系统故障），您输入的查询码和查询密码还在。请稍等一会儿再点“查询”。"
            f"如果一直不成功，请拨打来访接待电话 {office().phone}。")


def action_failed_message() -> str:
    return ("暂时无法办理（系统故障），这次的操作可能没有完成，您填写的内容还在本页。请稍等一会儿再试。"
            f"如果一直不成功，请拨打来访接待电话 {office().phone}。")


def _store_away(service) -> None:
    """Where the citizen pressed: 查询 (above its form, the boxes kept), 提交评价 and 提交补充材料
    (under their own forms), 撤回 (above the actions); the filing shown stays."""
    if service is svc.lookup:
        S.lk_view, S.lk_error = None, lookup_failed_message()
    elif service is svc.rate:
        S.lk_rate_error = FieldError("comment", action_failed_message())
    elif service is supplements.send:
        S.lk_supp_error = action_failed_message()
    else:
        S.lk_action_error = action_failed_message()


def _reload(code: str, secret: str) -> None:
    try:
        with session_scope() as session:
            S.lk_view = svc.lookup(session=session, code=code, secret=secret, client=client_info())
    except (svc.LookupFailed, RateLimited, *STORAGE_FAILURES):
        pass   # the view shown stays; the reason above still stands


# a result shown longer than this is read again on the citizen's next click (大字号, 展开…): a state
# staff changed meanwhile (登记, 需补充材料) showed only after a new 查询
REREAD_SECONDS = 10
_seconds = time.monotonic


def current(view: svc.StatusView) -> svc.StatusView:
    """The view shown, read again when it has been shown for REREAD_SECONDS (staff may have acted)
    or was read on another Beijing day (a tab left open past midnight: its day count and
    今天是…最后一日 are for today, and so is the receipt's 截至). When the store cannot answer, the
    view read before stays (and is tried again after REREAD_SECONDS)."""
    now = _seconds()
    shown = S.get("lk_shown")   # (the view, when it was first shown)
    if shown is None or shown[0] is not view:
        S.lk_shown = shown = (view, now)
    if view.as_of != beijing_today() or now - shown[1] >= REREAD_SECONDS:
        _reload(*S.get("lk_creds", ("", "")))
        S.lk_shown = (S.lk_view, now)
    return S.lk_view


def on_lookup() -> None:
    typed = (S.get("lk_code") or "", S.get("lk_secret") or "")
    if (pasted := codes.from_pasted(*typed)) != typed:   # the copied pair, in one box: shown split
        S.lk_code, S.lk_secret = typed = pasted
    code, secret = typed[0].strip(), typed[1].strip()
    S.lk_draft = next((codes.normalise(box) for box in (code, secret) if codes.looks_like_draft(box)), "")
    if S.lk_draft:   # not a wrong code either: no attempt counted against the citizen
        S.lk_view, S.lk_error = None, DRAFT_TYPED
        return
    missing = [what for what, value in (("查询码", code), ("查询密码", secret)) if not value]
    if missing:   # not a wrong code: say what to fill in, and count no attempt against the citizen
        S.lk_view, S.lk_error = None, f"请输入{'和'.join(missing)}。两者都在提交时保存的预登记回执上。"
        return
    short = [f"{what}是{length}位，您输入的是{len(typed)}位" for what, typed, length in
             (("查询码", codes.normalise(code), codes.CODE_LENGTH),
              ("查询密码", codes.normalise(secret), codes.SECRET_LENGTH)) if len(typed) != length]
    if short:   # plainly not a code: say so, and count no attempt against the citizen
        S.lk_view, S.lk_error = None, f"{'；'.join(short)}。请对照预登记回执核对。"
        return
    S.lk_creds = typed
    _call(svc.lookup)
    if (view := S.get("lk_view")) is not None:   # the form and its 查询 button are gone; the focus with them
        S.lk_say = f"查询成功。当前状态：{view.state}。{view.explained}"


def on_withdraw() -> None:
    if not S.get("lk_confirm_withdraw"):
        S.lk_withdraw_error = "请先勾选“我确定要撤回这份预登记”。"
        S.lk_withdraw_open = True    # and it stays open once the box is ticked (it folded shut)
        return
    S.lk_withdraw_error = ""
    _call(svc.withdraw)
    view = S.get("lk_view")
    if not S.lk_action_error and view is not None and view.state == WITHDRAWN:
        S.lk_notice = "您已撤回这份预登记，工作人员不再处理。如需再反映，请重新提交。"


def on_rate() -> None:
    _call(svc.rate, rating=S.get("lk_rating") or "", comment=S.get("lk_comment") or "")
    if not S.lk_action_error and (view := S.get("lk_view")) is not None and view.rating:
        # the form the focus was in is gone: the thanks is brought into view and said, once (_actions)
        S.lk_rated = True


NOT_A_REVIEW = "评价不等于请求复查。"


def _has_review(view: svc.StatusView) -> bool:
    """The 对处理意见不服怎么办 box is shown (复查 is of a 信访处理意见书, 第三十五条)."""
    return view.state == CLOSED and view.category not in OWN_RULE


def _thanks(view: svc.StatusView) -> str:
    thanks = f"您的评价：{view.rating}。谢谢！"
    if view.rating != "不满意" or not _has_review(view):
        return thanks
    # a dissatisfied citizen may think the rating was the complaint, and let the 30 days run out
    due = review_due(view.clock)
    by = f"，最迟 {date_text(due)}" if due else ""
    return (f"{thanks}{NOT_A_REVIEW}对信访处理意见书不服的，请向原办理机关、单位的上一级机关、单位请求复查{by}"
            "（见下方“对处理意见不服怎么办”）。")


def on_supplement() -> None:
    """Send the chosen files and note; on refusal both stay where they are, with the reason."""
    S.lk_supp_error = ""
    gen = S.get("lk_supp_gen", 0)
    uploads = [(f.name, f.getvalue()) for f in S.get(f"lk_supp_files_{gen}") or []]
    # staff asked for material: a note alone is sent only when the citizen says so (a file the
    # browser refused, .txt or too large, never reaches the server: it looked sent, and was not)
    if not uploads and not S.get("lk_supp_note_only"):
        S.lk_supp_error = ("没有可以上传的文件：请选择 JPG、PNG 图片或 PDF（标为错误的文件不会上传，请删除后另选）。"
                           "如果不上传文件、只提交补充说明，请勾选“不上传文件，只提交说明”。")
        return
    _call(supplements.send, uploads=uploads, note=S.get("lk_supp_note") or "")
    view = S.get("lk_view")
    if not S.lk_supp_error and not S.lk_action_error and view is not None and not view.can_supplement:
        S.lk_supp_gen = gen + 1          # a fresh, empty uploader
        S.lk_supp_note = ""
        S.lk_supp_note_only = False
        S.lk_notice = ("补充材料已提交，工作人员将继续审核。" +
                       (f"您上传的{len(uploads)}个文件列在下面的“已提交的材料”中。" if uploads else "您的说明已送达。"))


def on_leave() -> None:
    """结束查询: nothing left for the next person at a shared computer: not the filing, not the code
    and password in the boxes, not the code in the address (/lookup?code=… fills the box again),
    not the receipt the tab kept (网上预登记 showed it again for an hour)."""
    for key in ("lk_creds", "lk_view", "lk_shown", "lk_error", "lk_action_error", "lk_supp_error", "lk_notice",
                "lk_notice_seen", "lk_withdraw_open", "lk_rated", "lk_code", "lk_secret", "lk_draft"):
        S.pop(key, None)
    if "code" in st.query_params:
        del st.query_params["code"]
    S.lk_say = LEFT   # also takes the state said after 查询 out of the live region


def announce() -> str:
    """Say, once, what the last button did (its form, and the focus with it, may be gone); the
    message. 结束查询's is shown as well, in view (ask), and said from there."""
    message = S.pop("lk_say", "")
    if message == LEFT:   # the receipt this tab kept after 确认提交 (查询码 and 查询密码) goes too
        forget_receipt_in_tab()
    elif message:
        say(message)
    return message


def ask(*, ended: bool = False) -> None:
    if ended:   # seen, not only heard: the page a screen below the 结束查询 button changed
        success_in_view(LEFT, key="lk-left")
    st.write("请输入提交预登记时得到的查询码和查询密码。")
    with st.form("lk-form"):
        # room for the pair 复制查询码和查询密码 copies, pasted into one box (30 characters)
        st.text_input("查询码（10位，可以带横线）", key="lk_code", max_chars=40)
        st.text_input("查询密码（8位）", key="lk_secret", type="password", max_chars=40)
        st.form_submit_button("查询", type="primary", on_click=on_lookup)
    if S.get("lk_error"):
        st.error(S.lk_error)
        if S.get("lk_draft"):
            page_link("pages/prefile.py", label="用这个草稿码继续填写网上预登记", icon=":material/edit_note:",
                      query_params={"draft": S.lk_draft})
    st.caption(f"忘记了查询码或查询密码的，请拨打来访接待电话 {office().phone}，工作人员核实身份后帮您查询。")


_NUMBER = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")


def _numbers_whole(text: str) -> str:
    """`text` escaped, each hyphenated number (信访件编号 SFX-2026-001234) on one line."""
    escaped = html_escape(text)
    return _NUMBER.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>', escaped)


def _history(view: svc.StatusView) -> None:
    st.markdown("#### 办理记录和答复")
    for entry in reversed(view.history):
        with st.container(border=True):
            # 不予登记 leads to 不予登记: said once, not "不予登记 → 不予登记"
            moved = "" if entry.state == entry.action else f" → {markdown_escape(entry.state)}"
            st.markdown(f"**{markdown_escape(entry.action)}**{moved}  \n"
                        f"{markdown_escape(beijing_text(entry.at))}")
            if entry.reply:   # room under the last line; a number (SFX-2026-001234) kept whole
                st.markdown(f'<p class="answer-value" style="padding-bottom:0.5rem">{_numbers_whole(entry.reply)}</p>',
                            unsafe_allow_html=True)


def _clock(view: svc.StatusView) -> None:
    st.markdown("#### 法定期限")
    if view.state in (REJECTED, WITHDRAWN):   # nothing more will be handled: no chain of dates to come
        st.caption(svc.periods_over(view.state))
        return
    if view.days_left is not None:
        which = "办结" if view.registered_date else ACCEPTANCE_NOTICE.name
        if view.moved_due is not None:
            nominal, real = view.moved_due
            st.markdown(f"{which}期限的最后一日是法定休假日（{date_text(nominal)}），"
                        f"顺延至 **{date_text(real)}**（民法典第二百零三条）。")
        if view.days_left > 0:
            st.info(f"距{which}的法定期限还有 {view.days_left} 天。")
        elif view.days_left == 0:
            st.info(f"今天是{which}法定期限的最后一日。")
        else:
            _overdue(view, which)
    for line in view.clock:
        st.markdown(f"- **{markdown_escape(line.name)}**：{markdown_escape(line.text)}")
    st.caption(HOLIDAY_NOTE)


def _overdue(view: svc.StatusView, which: str) -> None:
    """A period's last day has passed: what the citizen can do now, without sending them upwards too
    early (信访工作条例 第十九条第三款: a matter raised again above within its period is not accepted)."""
    late, phone = -view.days_left, office().phone
    if view.state == NEEDS_MORE:   # the bureau is waiting for the citizen's own material
        st.info(f"{which}的法定期限已过 {late} 天。工作人员在等您补充材料：请按上面的答复补充，收到后继续审核。"
                f"有疑问的，请拨打来访接待电话 {phone}。")
    elif view.extended_due is not None and view.extended_due >= view.as_of:
        st.warning(f"60日的办理期限已过 {late} 天。情况复杂的，经批准可以延长，但不超过30日（最迟 "
                   f"{date_text(view.extended_due)}），并应告知您延期理由。没有收到延期告知的，请拨打来访接待电话 "
                   f"{phone} 询问。")
    elif view.extended_due is not None:
        st.warning(f"办理期限（含可以延长的30日）已过 {(view.as_of - view.extended_due).days} 天。请先拨打来访接待电话 "
                   f"{phone} 询问办理情况；也可以向上一级机关反映。")
    else:   # not registered yet: the bureau itself is asked
        st.warning(f"{which}的法定期限已过 {late} 天。请拨打来访接待电话 {phone} 询问，"
                   "也可以到来访接待大厅当面反映。")


def _if_not_satisfied(view: svc.StatusView) -> None:
    """已办结: what a citizen who disagrees can do next (the clock gave only the last day)."""
    if not _has_review(view):
        return
    review, recheck = REVIEW_REQUEST, RECHECK_REQUEST
    with st.container(key="lk-review"):
        st.markdown("#### 对处理意见不服怎么办")
        st.markdown(f"对信访处理意见书不服的，可以自{review.starts_from}起 {review.days} 日内，请求原办理机关、单位的**上一级机关、单位**"
                    "复查；请求时写明信访件编号、收到书面答复的日期和不服的理由，并附上答复的复印件。对复查意见仍然不服的，可以自"
                    f"{recheck.starts_from}起 {recheck.days} 日内请求复查机关、单位的上一级机关、单位复核。依据："
                    + "、".join(provision_link(pid, get_library())
                               for pid in (*review.provision_ids, *recheck.provision_ids)))
        page_link("pages/guide.py", label="阅读信访指南：办理流程和期限", icon=":material/info:")


def _after_refusal(view: svc.StatusView) -> None:
    """不予登记: the reason and the channel said where; 下一步怎么办 says how to go there (journey
    review: a citizen on a phone read the reason and found no step beyond it)."""
    if view.state == REJECTED:
        next_steps_box(refusal_routes(channel=view.reject_channel, phone=office().phone), get_library())


def _materials(view: svc.StatusView) -> None:
    if not view.materials:
        return
    st.markdown("#### 已提交的材料")
    for m in view.materials:
        st.markdown(f"- 附件{m.number}：{files.describe(m.kind, m.size, m.added_at)}")


def _supplement(view: svc.StatusView) -> None:
    """需补充材料: the upload, under the reply that says what to bring."""
    st.markdown("#### 在线补充材料")
    st.write("请按上面答复中的要求上传材料，可以附上简短说明。提交后，这份预登记回到工作人员处继续审核。")
    gen = S.get("lk_supp_gen", 0)
    with st.form("lk-supplement"):
        st.file_uploader(f"补充材料（{files.ACCEPTED_NAMES}，每个不超过 5 MB，一次最多{files.MAX_COUNT}个；"
                         f"每份预登记合计最多{supplements.MAX_FILES_PER_CASE}个附件）",
                         type=list(files.UPLOAD_TYPES), accept_multiple_files=True,
                         key=f"lk_supp_files_{gen}", max_upload_size=5)
        st.caption(OTHER_FILES + UPLOAD_WAIT)
        # no max_chars: the browser drops a longer paste without a word; sending says what is too long
        st.text_area(f"补充说明（选填，最多{supplements.NOTE_LIMIT}字）", key="lk_supp_note")
        st.checkbox("不上传文件，只提交说明", key="lk_supp_note_only")
        if S.get("lk_supp_error"):
            st.error(S.lk_supp_error)
        st.form_submit_button("提交补充材料", type="primary", on_click=on_supplement)


def _actions(view: svc.StatusView) -> None:
    if S.get("lk_action_error"):
        st.error(S.lk_action_error)
    if view.can_withdraw:
        # open on a missing tick, and still open once the box is ticked (it folded shut)
        confirm_box("撤回这份预登记", key="lk-withdraw-box",
                    explained="撤回后工作人员不再处理这份预登记。如需再反映，请重新提交。",
                    tick="我确定要撤回这份预登记", tick_key="lk_confirm_withdraw",
                    button="撤回预登记", button_key="lk_withdraw", on_click=on_withdraw,
                    error=S.pop("lk_withdraw_error", ""), open_=bool(S.get("lk_withdraw_open")))
    if view.can_rate:
        st.markdown("#### 评价办理结果")
        st.caption("您可以对办理情况作出评价（《信访工作条例》第二十一条）。每份预登记只能评价一次，提交后不能修改。"
                   + (f"{NOT_A_REVIEW}对处理意见不服的，请看下方“对处理意见不服怎么办”。" if _has_review(view) else ""))
        refused = S.pop("lk_rate_error", None)
        with st.form("lk-rate"), st.container(key="lk-rate-box"):
            st.radio("您对办理结果是否满意？", svc.RATINGS, index=None, key="lk_rating", horizontal=True)
            if refused and refused.field == "rating":
                field_error(refused.message, said=True)
            # no max_chars: the browser drops a longer paste without a word; 提交评价 says what is too long
            st.text_area(f"意见（选填，最多{svc.COMMENT_LIMIT}字）", key="lk_comment")
            if refused and refused.field != "rating":
                field_error(refused.message, said=True)
            st.form_submit_button("提交评价", type="primary", on_click=on_rate)
        if refused:
            scroll_to(".st-key-lk-rate-box")


def _thanked(view: svc.StatusView) -> None:
    """The thanks where the rating form was. Right after 提交评价, brought into view and said, as
    撤回's message is: the form folded into one line and the page shrank under the finger, leaving
    the thanks above the screen of a phone (320 px, 大字号: some 300 px up, the 法定期限 in sight) —
    a screen reader heard it, a sighted citizen saw nothing happen and, after 不满意, missed the
    last day to ask for 复查. On later runs it is only shown."""
    if S.pop("lk_rated", False):
        success_in_view(_thanks(view), key="lk-thanks")
    else:
        st.success(_thanks(view))


def show(view: svc.StatusView) -> None:
    st.markdown(f"查询码 **{markdown_escape(grouped(view.code))}**")
    st.markdown(f"### 当前状态：{markdown_escape(view.state)}")
    st.write(view.explained)
    facts = [("类别", view.category), ("问题属地", view.district),
             ("提交时间", beijing_text(view.submitted_at))]
    if view.official_number:
        facts.append(("信访件编号", view.official_number))
    if view.registered_date:
        facts.append(("登记日期", date_text(view.registered_date)))
    if view.reject_reason:
        facts += [("不予登记的理由", view.reject_reason), ("应当通过的途径", view.reject_channel)]
    for label, value in facts:
        st.markdown(f"**{markdown_escape(label)}**：{markdown_escape(value)}")
    if notice := S.get("lk_notice"):   # the button was a screen or two below: brought into view once
        if S.get("lk_notice_seen") != notice:
            S.lk_notice_seen = notice
            success_in_view(notice, key="lk-notice")
        else:
            st.success(notice)
    _history(view)      # the replies first, then what the citizen can do about them
    _after_refusal(view)
    if view.can_supplement:
        with st.container(key="screen-lk-supplement"):   # what can be done here is not printed (ui.frame)
            _supplement(view)
    _materials(view)
    with st.container(key="screen-lk-actions"):
        _actions(view)
    if view.rating and not view.can_rate:   # the citizen's own 评价 is printed (what can be done is not)
        _thanked(view)
    _clock(view)
    _if_not_satisfied(view)
    with st.container(key="screen-lk-leave"):
        _receipt_again(view)
        st.button("结束查询", on_click=on_leave, key="lk_leave")
        st.caption("在公用电脑或别人的手机上查询后，请点“结束查询”，以免后来的人看到这份预登记。")


def _receipt_again(view: svc.StatusView) -> None:
    """The receipt once more (without the 查询密码, which is never stored in readable form)."""
    receipt = svc.receipt_again(view, office=office(), today=view.as_of or beijing_today())
    st.download_button("再次保存回执（可打印的网页）", receipt.html(), file_name=f"回执-{view.code}.html",
                       mime="text/html", key="lk_receipt", icon=":material/download:")
