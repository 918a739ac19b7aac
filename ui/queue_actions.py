"""预登记办理's action panels: one per move the state machine offers from the 件's state (登记,
需补充材料, 不予登记, 办结, 更正信访件编号), each with its boxes, its inline error and, for a final
move, its confirmation tick; the move itself is portal.prefiling.transitions'."""

from __future__ import annotations

import streamlit as st

from portal.concurrency import LATEST, TAKEN
from portal.db import session_scope
from portal.identity import Actor, PermissionDenied
from portal.prefiling import handling, transitions
from portal.prefiling.codes import grouped
from portal.prefiling.staff_view import StaffView
from portal.prefiling.states import TRANSITIONS, IllegalTransition
from portal.text.escape import markdown_escape
from portal.timeutil import utcnow
from ui.auth import USER_SCOPED
from ui.queue_view import CHANNELS, ERROR, FLASH, LAST_ACTION, REVEALED, S, refusal
from ui.site_frame import field_error


def _inline(view: StaffView, action: str, field: str) -> None:
    """The refused action's problem with `field`, under its box: only in that action's panel (办结
    and 更正信访件编号 both have a confirmation tick, 不予登记 and 更正 both a reason)."""
    error = S.get(ERROR)
    if error and error[0] == view.id and S.get(LAST_ACTION) == (view.id, action):
        for problem_field, message in error[1]:
            if problem_field == field:
                field_error(message)


def _refused(view: StaffView, problems: tuple[tuple[str, str], ...]) -> None:
    """Every problem at once: listed above the panels, each under its box."""
    summary = problems[0][1] if len(problems) == 1 else \
        "请修改以下问题：\n\n" + "\n".join(f"- {markdown_escape(message)}" for _f, message in problems)
    S[ERROR] = (view.id, problems, summary)


def _unticked(view: StaffView, action: str, message: str, **inputs: str) -> None:
    """A final action clicked without its confirmation tick: that, and whatever else is wrong with
    the boxes (one message per click was one more click per problem), is now what is shown (an
    earlier refusal's, already put right, goes), beside its panel, which stays open."""
    _refused(view, (*transitions.input_problems(action, **inputs), ("confirm", message)))
    S[LAST_ACTION] = (view.id, action)
    st.rerun()


def _seen_key(view: StaffView) -> str:
    return f"qv-seen-version-{view.id}"


def _pending_key(view: StaffView) -> str:
    return f"qv-pending-{view.id}"


# A click whose answer never came (the database failed, perhaps after the commit, and the page
# showed the staff fault text): whether it ran is read from the 件 itself when it is next shown.
DONE = "您刚才的操作已经完成（当时没有收到确认）。"
NOT_DONE = "您刚才的操作没有执行（当时系统出现故障），此件没有变动，可以再次办理。"
TAKEN_SINCE = "之后又有他人处理了此件。"
CHANGED = "此件在您上次查看后有了变动。"   # said on 刷新: the handler did nothing that was not done


def _since_seen(actor: Actor, view: StaffView, *, refreshed: bool = False) -> tuple[str, str] | None:
    """(kind, words) to tell the handler how the 件 changed since they last saw it, or None.

    Every move writes its event in the transaction that moves the 件, so after a click with no
    answer the 件's own events say whether it ran: one by this handler, of that action, made after
    the click, is theirs (said so: 刚刚已有他人处理，您这次的操作没有执行 was false twice over);
    none, and the 件 changed, is someone else's; unchanged, nothing ran."""
    pending = S.pop(_pending_key(view), None)
    changed = S.get(_seen_key(view), view.version) != view.version
    if pending is not None and pending[0] == actor.username:   # not a colleague's since signed in on the tab
        _who, action, clicked = pending
        mine = [i for i, m in enumerate(view.moves)
                if m.actor == actor.username and m.action == action and m.at >= clicked]
        if mine:
            later = mine[-1] < len(view.moves) - 1   # a colleague's move after it
            return "info", DONE + (TAKEN_SINCE if later else "") + LATEST
        if not changed:
            return "info", NOT_DONE
    return ("warning", (CHANGED if refreshed else TAKEN) + LATEST) if changed else None


def _say(news: tuple[str, str] | None) -> None:
    if news is not None:
        (st.info if news[0] == "info" else st.warning)(news[1])


def _act(actor: Actor, view: StaffView, action: str, *, clear: tuple[str, ...] = (), **inputs: str) -> None:
    """Run a staff action; on success the `clear` boxes are emptied (a panel that stays offered)."""
    service = {"register": transitions.register, "request_more": transitions.request_more,
               "reject": transitions.reject, "close": transitions.close,
               "correct_number": transitions.correct_number}[action]
    # the version the handler was looking at when they clicked: refused if someone acted since
    seen = S.get(_seen_key(view), view.version)
    S[LAST_ACTION] = (view.id, action)
    # cleared below once the service answers; a storage failure (the staff fault text) leaves it,
    # and the 件 shown next says whether the move ran (_since_seen)
    S[_pending_key(view)] = (actor.username, action, utcnow())
    S.pop(ERROR, None)   # an earlier click's refusal: this click has its own answer, or the fault's
    try:
        with session_scope() as session:
            moved = service(session=session, actor=actor, prefiling_id=view.id, version=seen, **inputs)
            state, number = moved.state, moved.official_number
            S[_seen_key(view)] = moved.version
    except transitions.StaffInputError as exc:
        _refused(view, exc.problems)
    except (IllegalTransition, PermissionDenied) as exc:
        S[ERROR] = (view.id, (), refusal(exc))
    else:
        S.pop(ERROR, None)
        S.pop(REVEALED, None)
        S[EMPTIED] = clear   # emptied on the next run, before they are drawn (see actions)
        S[FLASH] = (f"已更正：{grouped(view.code)} 的信访件编号现在是 {markdown_escape(number)}。信访人在进度查询中可以看到新编号和更正原因。"
                    if action == "correct_number" else
                    f"已办理：{grouped(view.code)} 现在的状态是“{state}”。信访人在进度查询中可以看到答复。")
    S.pop(_pending_key(view), None)
    st.rerun()


EMPTIED = "q-emptied"   # the boxes of a panel that stays offered after its action succeeded


# the boxes of each panel a handler writes in, with the names their kept text is shown under (not
# 应当通过的途径: it starts with the system's suggestion)
BOXES = {"register": (("number-{}", "信访件编号"), ("reply-register-{}", "答复")),
         "request_more": (("reply-request_more-{}", "需要补充的材料"),),
         "reject": (("reason-{}", "不予登记的理由"), ("reply-reject-{}", "答复")),
         "close": (("reply-close-{}", "办理结果"),),
         "correct_number": (("new-number-{}", "正确的信访件编号"), ("correct-reason-{}", "更正原因"))}
UNSENT = USER_SCOPED + "q-unsent"   # {prefiling id: {panel label: text}} written in a panel since taken away


def _keep_unsent(view: StaffView, offered: tuple[str, ...]) -> None:
    """Someone else moved the 件 while this handler was writing: the panels they wrote in may be gone,
    and Streamlit forgets a box it does not draw. What they wrote is kept, each box under its name,
    to be read and copied."""
    kept = S.setdefault(UNSENT, {}).setdefault(view.id, {})
    for action, boxes in BOXES.items():
        text = "\n".join(f"{name}：{t}" for key, name in boxes
                         if isinstance(t := S.get(key.format(view.id)), str) and t.strip())
        if action not in offered and text:
            kept[handling.ACTION_LABELS[action]] = text
    if not kept:
        S[UNSENT].pop(view.id)


def _show_unsent(view: StaffView) -> None:
    kept = S.get(UNSENT, {}).get(view.id)
    if not kept:
        return
    for label, text in kept.items():
        st.info(f"您在“{label}”中写的内容没有提交（此件的状态已经变了），原文如下，需要的请复制：",
                icon=":material/content_paste:")
        st.text(text)
    if st.button("已复制，不再显示", key=f"unsent-gone-{view.id}"):
        S[UNSENT].pop(view.id, None)
        st.rerun()


def actions(actor: Actor, view: StaffView, *, refreshed: bool = False) -> None:
    """One panel per action the state machine allows from the current state; nothing else.
    `refreshed`: this run is the page's 刷新 (a change since is news, not a refused click)."""
    # Given a value before they are drawn: a deleted key left the browser showing (and sending back)
    # what had been typed, one click from doing the same again
    for key in S.pop(EMPTIED, ()):
        S[key] = False if key.startswith("confirm-") else ""
    offered = handling.offered_actions(view.state)
    st.subheader("办理")
    if view.hidden:
        # no one moves a report whose content is hidden from them (transitions refuse it too)
        st.info("这是检举控告件，内容已隐藏，只有具有检举控告权限的工作人员可以办理。如已到期，请告知有该权限的同事。",
                icon=":material/lock:")
        return
    error = S.get(ERROR)
    news = _since_seen(actor, view, refreshed=refreshed)
    if news is not None and news[0] == "warning":   # changed by someone else, not by a click of theirs
        _keep_unsent(view, offered)
    if not offered:
        # a colleague finished it while this handler had a panel open: their click found no panel
        # (or the handler's own 办结, whose answer was lost)
        _say(news)
        _show_unsent(view)
        S[_seen_key(view)] = view.version
        st.caption(f"当前状态为“{view.state}”，没有可以执行的办理操作。")
        return
    if error and error[0] == view.id:
        st.error(error[2])
    else:
        _say(news)
    _show_unsent(view)
    pid = view.id
    failed = S.get(LAST_ACTION) if error and error[0] == view.id else None
    # the one way on (办结 of an 已登记 件) is open; a correction within the state is not a way on
    moving = [a for a in offered if TRANSITIONS[a].target != view.state]
    for action in offered:
        label = handling.ACTION_LABELS[action]
        # the panel whose action was refused stays open beside its message, with what was typed
        with st.expander(label, expanded=moving == [action] or failed == (pid, action)):
            PANELS[action](actor, view)
    S[_seen_key(view)] = view.version


def _register(actor: Actor, view: StaffView) -> None:
    pid = view.id
    number = st.text_input("信访件编号（正式登记的编号）", key=f"number-{pid}", max_chars=40)
    _inline(view, "register", "official_number")
    reply = st.text_area("给信访人的答复（可不填，默认告知编号）", key=f"reply-register-{pid}")
    if st.button("登记", key=f"do-register-{pid}", type="primary"):
        _act(actor, view, "register", official_number=number, reply=reply)


def _request_more(actor: Actor, view: StaffView) -> None:
    pid = view.id
    reply = st.text_area("需要补充的材料和提交方式（信访人会看到）", key=f"reply-request_more-{pid}")
    _inline(view, "request_more", "reply")
    if st.button("请信访人补充材料", key=f"do-request_more-{pid}", type="primary"):
        _act(actor, view, "request_more", reply=reply)


def _reject(actor: Actor, view: StaffView) -> None:
    pid = view.id
    reason = st.text_input("不予登记的理由", key=f"reason-{pid}", max_chars=1000)
    _inline(view, "reject", "reason")
    suggested = next((CHANNELS[k].channel for k in view.channels if k in CHANNELS), "")
    channel = st.text_input("应当通过的途径", value=suggested, key=f"channel-{pid}", max_chars=200)
    _inline(view, "reject", "channel")
    reply = st.text_area("给信访人的答复（可不填，默认告知理由和途径）", key=f"reply-reject-{pid}")
    sure = st.checkbox("我已核对理由和途径，确认不予登记（之后不能再办理，信访人会看到答复）",
                       key=f"confirm-reject-{pid}")
    _inline(view, "reject", "confirm")
    if st.button("不予登记", key=f"do-reject-{pid}", type="primary"):
        if sure:
            _act(actor, view, "reject", reason=reason, channel=channel, reply=reply)
        else:
            _unticked(view, "reject", "请先勾选“确认不予登记”，再点“不予登记”。",
                      reason=reason, channel=channel, reply=reply)


def _close(actor: Actor, view: StaffView) -> None:
    pid = view.id
    reply = st.text_area("办理结果（信访人会看到）", key=f"reply-close-{pid}")
    _inline(view, "close", "reply")
    sure = st.checkbox("我已核对办理结果，确认办结（办结后不能再办理，信访人可以评价）",
                       key=f"confirm-close-{pid}")
    _inline(view, "close", "confirm")
    if st.button("办结", key=f"do-close-{pid}", type="primary"):
        if sure:
            _act(actor, view, "close", reply=reply)
        else:
            _unticked(view, "close", "请先勾选“确认办结”，再点“办结”。", reply=reply)


def _correct_number(actor: Actor, view: StaffView) -> None:
    """更正信访件编号: the state stays 已登记; the citizen sees the new number and the reason."""
    pid = view.id
    st.caption(f"现在的信访件编号：{markdown_escape(view.official_number)}。更正后，进度查询显示新的编号，办理记录中写明更正前后的编号和原因。")
    boxes = (f"new-number-{pid}", f"correct-reason-{pid}", f"confirm-correct_number-{pid}")
    number = st.text_input("正确的信访件编号", key=boxes[0], max_chars=40)
    _inline(view, "correct_number", "official_number")
    reason = st.text_input("更正原因（信访人会看到）", key=boxes[1], max_chars=200)
    _inline(view, "correct_number", "reason")
    sure = st.checkbox("我已核对新的编号，确认更正", key=boxes[2])
    _inline(view, "correct_number", "confirm")
    if st.button("更正信访件编号", key=f"do-correct_number-{pid}", type="primary"):
        if sure:
            _act(actor, view, "correct_number", clear=boxes, official_number=number, reason=reason)
        else:
            _unticked(view, "correct_number", "请先勾选“确认更正”，再点“更正信访件编号”。",
                      official_number=number, reason=reason)


PANELS = {"register": _register, "request_more": _request_more, "reject": _reject, "close": _close,
          "correct_number": _correct_number}
