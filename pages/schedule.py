"""领导接访日程: the next reception sessions, soonest first."""

import streamlit as st

from portal.prefiling.form import MAX_REPRESENTATIVES
from portal.text.escape import html_escape
from ui.links import provision_link
from ui.resources import get_library
from ui.schedule_view import SCHEDULE_CSS, entry_html, next_receptions, regular_reception

st.title("领导接访日程")
regular = regular_reception()
st.info(f"市信访局{regular.weekday_text}接待群众来访：{regular.start_time}—{regular.end_time}，地点：{regular.place}。"
        f"来访请带好本人身份证件；多人反映同一问题请推选不超过 {MAX_REPRESENTATIVES} 名代表。")
library = get_library()
st.markdown("依据：" + "、".join(provision_link(pid, library) for pid in (
    "shandong-xinfang-tiaoli-2015:第二十三条", "shandong-xinfang-tiaoli-2015:第二十六条",
    "xinfang-gongzuo-tiaoli-2022:第二十条")))

st.subheader("近期接访安排（最近的在前）")
entries = next_receptions()
st.markdown(SCHEDULE_CSS, unsafe_allow_html=True)
if not entries:
    st.write("近期暂无接访安排。")
for entry in entries:
    st.markdown(entry_html(entry), unsafe_allow_html=True)
st.caption("日程如有调整，以本页最新公布为准。" + html_escape("领导接访日之外，接待大厅照常接待来访群众。"))
st.page_link("pages/guide.py", label="来访前，先看看信访指南", icon=":material/info:")
