"""首页: what the portal is for, and its doors."""

import streamlit as st

from portal.qa.personal import for_address
from ui.accessibility import page_link
from ui.resources import get_library
from ui.site_frame import open_page

st.title("法治信访门户")
st.write("市信访局网上服务平台。在这里，您可以用自己的话提问、查到相关的法律条文，"
         "阅读信访工作条例和相关法律，了解典型案例，也可以在网上预先登记信访事项并查询办理进度。")

with st.form("home-ask", border=True):
    # the example under the box, where it wraps: inside it (a placeholder) it was cut off at 320 px
    question = st.text_input("您遇到了什么问题？", placeholder="用自己的话说")
    st.caption("例如：老板拖欠工资，能申请仲裁吗？")
    if st.form_submit_button("查找相关法律条文", type="primary"):
        st.session_state["ask_query"] = question
        # one history entry (st.switch_page wrote four): Back from the answers comes here. The
        # address masks ID-card and phone numbers, as 法律问答 writes it
        shown = for_address(question) or ""
        open_page("ask", **({"q": shown} if shown.strip() else {}))

st.subheader("我们能为您做什么")
DOORS = [
    ("pages/ask.py", "法律问答", ":material/search:", "用自己的话提问，找到适用的法律条文。"),
    ("pages/laws.py", "法规库", ":material/menu_book:",
     f"逐条阅读《信访工作条例》、劳动、土地、婚姻家庭等 {len(get_library().laws)} 部法律、法规和司法解释原文。"),
    ("pages/cases.py", "典型案例", ":material/gavel:", "看看类似的问题是怎样依法解决的。"),
    ("pages/prefile.py", "网上预登记", ":material/edit_note:", "在网上预先登记信访事项，获得查询码和查询密码。"),
    ("pages/lookup.py", "进度查询", ":material/manage_search:", "用查询码和查询密码查看办理进度，办结后可以评价。"),
    ("pages/guide.py", "信访指南", ":material/info:", "怎样信访、到哪里反映、办理时限是多少。"),
    ("pages/schedule.py", "接访日程", ":material/event:", "领导接访的日期、地点和预约办法，接待大厅的开放时间。"),
]
for path, title, icon, blurb in DOORS:
    with st.container(border=True):
        page_link(path, label=title, icon=icon)
        st.caption(blurb)
