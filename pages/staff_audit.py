"""操作日志 (管理员): read-only view of the audit log."""

import datetime as dt
import re

import streamlit as st

from portal.audit.service import ACTION_LABELS, list_entries, target_words
from portal.db import session_scope
from portal.prefiling import codes
from portal.roles import ADMIN
from portal.timeutil import beijing_midnight, beijing_text
from ui.auth import require_page
from ui.tables import record_table

actor = require_page(ADMIN)
st.title("操作日志")
st.caption("记录每一次工作人员操作（登录、发布、撤回、查看个人信息、状态变更、导出、账号变更等）。日志只能查看，任何人都不能修改或删除。")

ALL = "全部操作"
LIMIT = 500
labels = {label: code for code, label in ACTION_LABELS.items()}
choice = st.selectbox("操作类型", [ALL, *labels], key="audit-action")
who = st.text_input("操作人（用户名，精确匹配）", key="audit-who").strip()
target = st.text_input("对象包含（如查询码 ABCD-EFGH-JK、用户名）", key="audit-target").strip()
if re.fullmatch(r"[0-9A-Za-z]{4}[-\s]+[0-9A-Za-z]{4}[-\s]+[0-9A-Za-z]{2}", target):
    target = codes.normalise(target)   # a 查询码 as the queue shows it; the log keeps it without dashes
first, last = st.columns(2)
since = first.date_input("从（北京时间，含当天）", value=None, key="audit-since", format="YYYY-MM-DD")
until = last.date_input("到（含当天）", value=None, key="audit-until", format="YYYY-MM-DD")
with session_scope() as session:
    entries = list_entries(session=session, actor=actor, action=labels.get(choice),
                           actor_name=who or None, target=target or None, limit=LIMIT,
                           since=beijing_midnight(since) if since else None,
                           before=beijing_midnight(until + dt.timedelta(days=1)) if until else None)
if not entries:
    st.info("没有符合条件的记录。")
else:
    more = "；更早的记录请缩小日期范围或加上其他条件" if len(entries) == LIMIT else ""
    st.caption(f"显示符合条件的最近 {len(entries)} 条{more}")
    record_table(
        [{"时间": beijing_text(e.at), "操作人": e.actor_name,
          "操作": ACTION_LABELS.get(e.action, e.action), "对象": target_words(e.target), "说明": e.detail}
         for e in entries],
        key="audit")
