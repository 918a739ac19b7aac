"""接访日程管理 (staff, 编辑): add, change and delete reception sessions."""

import datetime as dt

import streamlit as st

from portal.db import get_engine, session_scope
from portal.field_errors import FieldError
from portal.roles import EDITOR
from portal.schedule.service import (
    WEEKDAYS,
    ScheduleInvalid,
    SessionChanged,
    SessionData,
    SessionNotFound,
    add_session,
    announced,
    data_of,
    day_notes,
    delete_session,
    update_session,
)
from portal.text.escape import markdown_escape
from portal.timeutil import beijing_text, beijing_today
from ui.auth import USER_SCOPED, require_page
from ui.form_errors import anchor, error_summary, inline_error
from ui.site_frame import field_error, say, success_in_view

st.title("接访日程管理")
actor = require_page(EDITOR)

LABELS = {"leader": "接访领导", "day": "接访日期", "start_time": "开始时间", "end_time": "结束时间",
          "place": "地点", "topics": "接待内容"}


FIELDS = tuple(LABELS)


def box_values(data: SessionData) -> dict[str, object]:
    """A session's values as its boxes hold them."""
    return {"leader": data.leader, "day": data.day, "start_time": dt.time.fromisoformat(data.start_time),
            "end_time": dt.time.fromisoformat(data.end_time), "place": data.place, "topics": data.topics}


def forget(prefix: str) -> None:
    """Empty a form's boxes: the next run fills them from what is stored."""
    for name in (*FIELDS, "save"):
        st.session_state.pop(f"{prefix}-{name}", None)


def session_form(prefix: str, current: SessionData | None, errors: list[FieldError] = ()) -> SessionData | None:
    """The fields of one session in a form, started from `current`, each with its `errors` under it
    and a jump target for the summary's link; returns the data when the form was submitted. The
    boxes are keyed: unkeyed, a box whose stored value another editor had changed was a new box, and
    the value typed into it was thrown away on 保存 (the other's was saved)."""
    start = current or SessionData("", beijing_today(), "09:00", "12:00", "")
    for name, value in box_values(start).items():
        st.session_state.setdefault(f"{prefix}-{name}", value)

    def box(name: str, widget, **kwargs):
        anchor(f"{prefix}-{name}")
        value = widget(LABELS[name], key=f"{prefix}-{name}", **kwargs)
        inline_error(name, list(errors))
        return value

    with st.form(f"{prefix}-form"):
        leader = box("leader", st.text_input, max_chars=100)
        day = box("day", st.date_input, format="YYYY/MM/DD")
        start_time = box("start_time", st.time_input)
        end_time = box("end_time", st.time_input)
        place = box("place", st.text_input, max_chars=200)
        topics = box("topics", st.text_area, max_chars=500)
        if st.form_submit_button("保存" if current else "添加接访安排", type="primary", key=f"{prefix}-save"):
            return SessionData(leader=leader, day=day, start_time=start_time.strftime("%H:%M"),
                               end_time=end_time.strftime("%H:%M"), place=place, topics=topics)
    return None


def described(data: SessionData) -> str:
    """One line naming a session's values, for a message."""
    return markdown_escape(f"{data.day.isoformat()} {data.start_time}—{data.end_time}，{data.leader}，{data.place}，"
                           f"接待内容：{data.topics or '（未填）'}")


def show_errors(errors: list[FieldError], prefix: str) -> None:
    """The form's problems above it, each a link to its box (ui.form_errors). Drawn on the one run
    after a refusal: the list takes the focus every time (a new token)."""
    error_summary(errors, label=LABELS.__getitem__, title="请修改以下问题后再保存：", where=f"{prefix}-",
                  token=object())


st.subheader("添加接访安排")
notes = st.session_state.pop("sched-notes", (None, []))
if added := st.session_state.pop("sched-added", None):
    success_in_view(added, key="sched-added-box")
    for note in notes[1] if notes[0] is None else ():   # a day to look at again (a Saturday, 2029)
        st.warning(note)
# a new form (a new key) once a session is added: the old one's boxes kept what was typed, one
# click from adding the same session twice; after a refusal they keep it, to be corrected
gen = st.session_state.setdefault("sched-add-gen", 0)
# a refused 添加: said on the next run, above the form and under each box (drawn before the refusal)
refused = st.session_state.pop("sched-add-errors", [])
show_errors(refused, f"add-{gen}")
new = session_form(f"add-{gen}", None, refused)
if new is not None:
    try:
        with session_scope(get_engine()) as db:
            add_session(session=db, actor=actor, data=new, today=beijing_today())
    except ScheduleInvalid as invalid:
        st.session_state["sched-add-errors"] = invalid.errors
        st.rerun()
    else:
        st.session_state["sched-add-gen"] = gen + 1
        st.session_state["sched-added"] = "已添加，公众页面已同步显示。"
        st.session_state["sched-notes"] = (None, day_notes(new.day, today=beijing_today()))
        st.rerun()

st.subheader("已公布的接访安排")
if deleted := st.session_state.pop("sched-deleted", None):
    success_in_view(deleted, key="sched-deleted-box")
with session_scope(get_engine()) as db:
    rows = announced(session=db, since=beijing_today())
# what each open entry's boxes started from: a 保存 on boxes another editor's save has overtaken
# is refused once, saying what is stored now (the next 保存 replaces it, knowingly)
BASE: dict[int, SessionData] = st.session_state.setdefault(f"{USER_SCOPED}sched-base", {})
for row_id in st.session_state.pop("sched-refresh", ()):   # saved: the boxes start from what is stored
    forget(f"edit-{row_id}")
    BASE.pop(row_id, None)
for row_id in [r for r in BASE if r not in {row.id for row in rows}]:
    if st.session_state.get(f"edit-{row_id}-save"):   # its 保存 clicked after a colleague deleted it
        kept = BASE[row_id]
        typed = SessionData(**{name: st.session_state.get(f"edit-{row_id}-{name}", getattr(kept, name))
                               for name in ("leader", "day", "place", "topics")},
                            start_time=kept.start_time, end_time=kept.end_time)
        st.error(f"没有保存：您修改的这场接访已被删除，公众页面不再显示。您填写的是：{described(typed)}。"
                 "如仍要公布，请在上面“添加接访安排”中重新添加。")
    forget(f"edit-{row_id}")
    BASE.pop(row_id)
if not rows:
    st.write("暂无已公布的接访安排。")
# the entry just saved (or refused) stays open with its message: drawn keyless, the entries took the
# place of whatever the add form showed above them, and a message above or gone closed them all
opened = st.session_state.get("sched-open")


def said_in_entry(row_id: int, kind: str, said) -> None:
    """Rerun with entry `row_id` open and, inside it, its message (once): `kind` "saved" (said is
    the text), "errors" (the problems) or "changed" (the warning that nothing was saved)."""
    st.session_state["sched-open"], st.session_state["sched-result"] = row_id, (row_id, kind, said)
    st.rerun()


def take_latest(row_id: int, latest: SessionData) -> None:
    forget(f"edit-{row_id}")
    BASE[row_id] = latest


for row in rows:
    prefix, latest = f"edit-{row.id}", data_of(row)
    base = BASE.setdefault(row.id, latest)
    with st.expander(f"{row.day.isoformat()}（星期{WEEKDAYS[row.day.weekday()]}） {row.start_time} {markdown_escape(row.leader)}",
                     expanded=row.id == opened,
                     key=f"sched-row-{row.id}"):
        shown = st.session_state.get("sched-result")
        kind, said = shown[1:] if shown and shown[0] == row.id else (None, None)
        if kind:
            if kind == "errors":
                show_errors(said, prefix)   # an error is role=alert: said already
            elif kind == "changed":
                st.warning(said)
            else:
                st.success(said)
                say(said)
                for note in notes[1] if notes[0] == row.id else ():
                    st.warning(note)
        elif base != latest:
            st.info(f"{row.updated_by} 在 {beijing_text(row.updated_at)} 修改了这场接访，现在公布的是：{described(latest)}。"
                    "下面的框里还是您打开时的内容。")
            st.button("显示最新内容", key=f"{prefix}-latest", on_click=take_latest, args=(row.id, latest))
        data = session_form(prefix, base, said if kind == "errors" else [])
        if data is not None and data == base != latest:   # nothing typed: nothing to put over theirs
            st.session_state["sched-refresh"] = [row.id]
            said_in_entry(row.id, "saved", f"您没有改动，没有保存。下面已换成 {row.updated_by} 刚保存的内容。")
        elif data is not None:
            try:
                with session_scope(get_engine()) as db:
                    update_session(session=db, actor=actor, session_id=row.id, data=data, seen=base)
            except SessionNotFound as gone:   # deleted meanwhile: said here, in this run's last look at it
                st.error(str(gone))
            except ScheduleInvalid as invalid:
                said_in_entry(row.id, "errors", invalid.errors)
            except SessionChanged as changed:
                BASE[row.id] = changed.current
                said_in_entry(row.id, "changed", f"没有保存：{changed.by} 在 {beijing_text(changed.at)} 修改并保存了这场接访，"
                                                 f"现在公布的是：{described(changed.current)}。您填写的内容还在下面的框里；"
                                                 "核对后再点“保存”，将以您填写的内容替换它。")
            else:
                st.session_state["sched-refresh"] = [row.id]
                st.session_state["sched-notes"] = (row.id, day_notes(data.day, today=beijing_today()))
                said_in_entry(row.id, "saved", "已保存。")
        # one click deleted a published session, and its 已删除。 vanished with the rerun that followed:
        # a tick first, and the message above the list, where the entry was
        st.checkbox("确认删除这场接访（公众页面将不再显示）", key=f"delete-ok-{row.id}")
        if st.session_state.get("sched-delete-unticked") == row.id:
            # said too: the focus is back on 删除这场接访, below the message
            field_error("请先勾选上面的确认框，再点“删除这场接访”。", said=True)
        if st.button("删除这场接访", key=f"delete-{row.id}"):
            if not st.session_state.get(f"delete-ok-{row.id}"):
                st.session_state["sched-delete-unticked"] = row.id
                st.session_state["sched-open"] = row.id
                st.rerun()
            try:
                with session_scope(get_engine()) as db:
                    delete_session(session=db, actor=actor, session_id=row.id)
            except SessionNotFound as gone:
                st.error(str(gone))
            else:
                st.session_state["sched-deleted"] = (f"已删除 {row.day.isoformat()} {row.start_time} "
                                                     f"{row.leader} 的接访安排，公众页面已不再显示。")
                st.rerun()
st.session_state.pop("sched-result", None)   # said once
st.session_state.pop("sched-delete-unticked", None)
