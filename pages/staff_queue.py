"""预登记办理 (办理): the pre-filing queue, most urgent first; open one, reveal personal data
(logged), move it on with a reply the citizen sees, export the filtered list as CSV."""

import streamlit as st

from portal.db import session_scope
from portal.prefiling import queue as svc
from portal.prefiling.codes import grouped
from portal.prefiling.form import CATEGORIES, RESTRICTED_CATEGORY
from portal.prefiling.staff_view import may_see_restricted
from portal.prefiling.states import DRAFT, STATES
from portal.roles import HANDLER
from portal.timeutil import beijing_today
from ui import queue_actions, queue_view
from ui.auth import RETRY_DOWNLOAD, at_click, require_page
from ui.picker import live_label_selectbox
from ui.refresh import refresh_button
from ui.site_frame import success_in_view
from ui.tables import record_table

actor = require_page(HANDLER)
S = st.session_state
ALL = "全部"
DEADLINES = {ALL: None, "已超期": -1, "3天内到期（含已超期）": 3, f"{svc.DUE_SOON_DAYS}天内到期（含已超期）": svc.DUE_SOON_DAYS}
st.title("预登记办理")
today = beijing_today()   # the day every count on the page (and in its CSV) is for
queue_view.holiday_gap_note(today)

if flash := S.pop(queue_view.FLASH, None):   # the action was a screen or two below: brought into view
    success_in_view(flash, key="q-flash-shown")

with session_scope() as session:
    known_districts = svc.districts(session=session, actor=actor)
left, right = st.columns(2)
state = left.selectbox("状态", [ALL, *(s for s in STATES if s != DRAFT)], key="q-state")
category = right.selectbox("类别", [ALL, *CATEGORIES], key="q-category")
left, right = st.columns(2)
district = left.selectbox("问题属地", [ALL, *known_districts], key="q-district")
deadline = right.selectbox("法定期限", list(DEADLINES), key="q-deadline")
if "code" in st.query_params:  # a link from 数据看板 opens the queue at one 查询码
    S["q-code"] = st.query_params["code"][:20]
    del st.query_params["code"]
code = st.text_input("按查询码查找（可只输入一部分）", key="q-code", max_chars=20)

filters = {"state": None if state == ALL else state, "category": None if category == ALL else category,
           "district": None if district == ALL else district, "max_days_left": DEADLINES[deadline],
           "code": code or None}
with session_scope() as session:
    rows = svc.queue(session=session, actor=actor, today=today, **filters)

overdue = [r for r in rows if r.overdue]
# a 检举控告 件 only a handler with that role may move (数据看板 leaves them out for the others too)
theirs = [r for r in overdue if may_see_restricted(actor, r.category == RESTRICTED_CATEGORY)]
if theirs:
    st.error(f"有 {len(theirs)} 件已超过法定期限，排在最前面，请优先办理。", icon=":material/alarm:")
if len(overdue) > len(theirs):
    st.warning(f"另有 {len(overdue) - len(theirs)} 件检举控告件已超过法定期限，只有具有检举控告权限的工作人员可以办理，"
               "请告知他们。", icon=":material/lock:")
# the picker and the opened 件 above the list: below it, on a phone, they were 20 cards down and every
# next 件 meant scrolling back up through them
by_id = {r.id: r for r in rows}
# the 件 open here that the filters now leave out (the citizen withdrew it, a colleague registered it,
# with 状态 = 已提交): it stays open, or Streamlit would reset the select, close it without a word and
# drop what the handler was writing in its panels (queue_actions keeps that when the 件 has changed)
filtered_out: set[int] = set()
if (open_id := S.get(queue_view.OPEN)) is not None and open_id not in by_id:
    with session_scope() as session:
        for r in svc.queue(session=session, actor=actor, today=today, prefiling_id=open_id):
            by_id[r.id] = r
            filtered_out.add(r.id)
# the label names the state and the days left: after 登记 it must say so at once. The days left come
# first: at 320 px the end of an option is cut off, and they are what the list is ordered by
picked = live_label_selectbox("打开一件预登记", list(by_id), index=None, key=queue_view.OPEN, placeholder="选择查询码",
                              format_func=lambda i: f"{by_id[i].deadline_text}　{grouped(by_id[i].code)}　{by_id[i].state}"
                              + ("（已不在筛选结果中）" if i in filtered_out else ""))
# what the database holds now (every run reads it): a browser refresh would sign the handler out
refreshed = refresh_button(queue_view.OPEN, "刷新列表和此件" if picked is not None else "刷新列表",
                           what="列表和此件" if picked is not None else "列表")
if picked is None or S.get("page_entered"):   # an opening after this (or coming back) is a new one
    S.pop(queue_view.OPENED, None)
if picked is not None:
    view = queue_view.load(actor, picked)
    st.header(f"查询码 {grouped(view.code)}")
    st.caption(f"状态：{view.state}　类别：{view.category}" + ("　（检举控告件）" if view.restricted else ""))
    queue_view.personal(actor, view)
    queue_view.matter(actor, view)
    queue_view.clock(view)
    queue_view.rating(view)
    queue_view.repeat_panel(actor, view, reset_filters={"q-state": ALL, "q-category": ALL, "q-district": ALL,
                                                        "q-deadline": ALL, "q-code": ""})
    queue_actions.actions(actor, view, refreshed=refreshed)

st.header("预登记列表")
if not rows:
    st.info("没有符合条件的预登记。")
else:
    st.caption(f"共 {len(rows)} 件，按期限由急到缓排列。")
    # 重复信访 next to the code: on a phone the columns after 状态 are off screen
    table = [{"期限": ("⚠ " if r.overdue else "") + r.deadline_text, "查询码": grouped(r.code), "重复信访": r.repeat or "无",
              "状态": r.state_text, "类别": r.category, "问题属地": r.district, "收到日期": r.received_date.isoformat()}
             for r in rows]
    record_table(table, key="queue", unit="件", row_styles=[
        "background-color: #fde8e8; color: #8a1111; font-weight: 600" if r.overdue else "" for r in rows])

st.divider()
st.subheader("导出当前列表（CSV）")
st.caption("导出的是上面筛选后的列表。默认不含姓名、身份证号、电话、住址（诉求等原文里写的身份证号、电话也已隐去）；"
           "表格软件中的公式已被转为文字。"
           "每次导出都记入操作日志。" + RETRY_DOWNLOAD)
personal = st.checkbox("包含个人信息（姓名、身份证号、电话、住址）", key="q-export-personal")
# Generated (and audited) only when clicked, over this signed-in session's connection; the file
# is not kept at a media address while the page is open.
st.download_button("下载 CSV 文件" + ("（含个人信息，请妥善保管）" if personal else ""),
                   data=queue_view.export_generator(at_click(actor), rows, include_personal=personal, filters=filters,
                                                    today=today),
                   file_name=f"预登记列表-{today.isoformat()}.csv", mime="text/csv", key="q-export", disabled=not rows,
                   icon=":material/download:", on_click="ignore")
