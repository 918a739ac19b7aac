"""接访日程管理 (staff, 编辑): add, change and delete reception sessions."""

import datetime as dt

import streamlit as st

from portal.db import get_engine, session_scope
from portal.roles import EDITOR
from portal.schedule.service import (
    ScheduleInvalid,
    SessionData,
    SessionNotFound,
    add_session,
    announced,
    delete_session,
    update_session,
)
from portal.text.escape import markdown_escape
from portal.timeutil import beijing_today
from ui.auth import require_page
from ui.site_frame import field_error, say, success_in_view

st.title("接访日程管理")
actor = require_page(EDITOR)

LABELS = {"leader": "接访领导", "day": "接访日期", "start_time": "开始时间", "end_time": "结束时间",
          "place": "地点", "topics": "接待内容"}


def session_form(prefix: str, current: SessionData | None) -> SessionData | None:
    """The fields of one session in a form; returns the data when the form was submitted."""
    c = current
    with st.form(f"{prefix}-form"):
        leader = st.text_input(LABELS["leader"], value=c.leader if c else "", max_chars=100)
        day = st.date_input(LABELS["day"], value=c.day if c else beijing_today(), format="YYYY/MM/DD")
        start = st.time_input(LABELS["start_time"], value=dt.time.fromisoformat(c.start_time) if c else dt.time(9))
        end = st.time_input(LABELS["end_time"], value=dt.time.fromisoformat(c.end_time) if c else dt.time(12))
        place = st.text_input(LABELS["place"], value=c.place if c else "", max_chars=200)
        topics = st.text_area(LABELS["topics"], value=c.topics if c else "", max_chars=500)
        if st.form_submit_button("保存" if c else "添加接访安排", type="primary"):
            return SessionData(leader=leader, day=day, start_time=start.strftime("%H:%M"),
                               end_time=end.strftime("%H:%M"), place=place, topics=topics)
    return None


def show_errors(errors) -> None:
    st.error("请修改以下问题后再保存：\n\n" + "\n".join(f"- {LABELS[e.field]}：{e.message}" for e in errors))


st.subheader("添加接访安排")
if added := st.session_state.pop("sched-added", None):
    success_in_view(added, key="sched-added-box")
# a new form (a new key) once a session is added: the old one's boxes kept what was typed, one
# click from adding the same session twice; after a refusal they keep it, to be corrected
gen = st.session_state.setdefault("sched-add-gen", 0)
new = session_form(f"add-{gen}", None)
if new is not None:
    try:
        with session_scope(get_engine()) as db:
            add_session(session=db, actor=actor, data=new, today=beijing_today())
    except ScheduleInvalid as invalid:
        show_errors(invalid.errors)
    else:
        st.session_state["sched-add-gen"] = gen + 1
        st.session_state["sched-added"] = "已添加，公众页面已同步显示。"
        st.rerun()

st.subheader("已公布的接访安排")
if deleted := st.session_state.pop("sched-deleted", None):
    success_in_view(deleted, key="sched-deleted-box")
with session_scope(get_engine()) as db:
    rows = announced(session=db, since=beijing_today())
if not rows:
    st.write("暂无已公布的接访安排。")
# the entry just saved (or refused) stays open with its message: drawn keyless, the entries took the
# place of whatever the add form showed above them, and a message above or gone closed them all
opened = st.session_state.get("sched-open")


def said_in_entry(row_id: int, saved: bool, said) -> None:
    """Rerun with entry `row_id` open and, inside it, "已保存。" or its problems (once)."""
    st.session_state["sched-open"], st.session_state["sched-result"] = row_id, (row_id, saved, said)
    st.rerun()


for row in rows:
    with st.expander(f"{row.day.isoformat()} {row.start_time} {markdown_escape(row.leader)}", expanded=row.id == opened,
                     key=f"sched-row-{row.id}"):
        if (shown := st.session_state.get("sched-result")) and shown[0] == row.id:
            (st.success if shown[1] else show_errors)(shown[2])   # an error is role=alert: said already
            if shown[1]:
                say(shown[2])
        data = session_form(f"edit-{row.id}", SessionData(leader=row.leader, day=row.day, start_time=row.start_time,
                                                          end_time=row.end_time, place=row.place,
                                                          topics=row.topics))
        if data is not None:
            try:
                with session_scope(get_engine()) as db:
                    update_session(session=db, actor=actor, session_id=row.id, data=data)
            except SessionNotFound as gone:   # deleted meanwhile: said here, in this run's last look at it
                st.error(str(gone))
            except ScheduleInvalid as invalid:
                said_in_entry(row.id, False, invalid.errors)
            else:
                said_in_entry(row.id, True, "已保存。")
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
