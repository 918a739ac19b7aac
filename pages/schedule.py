"""领导接访日程: the next reception sessions, soonest first."""

import streamlit as st

from portal.prefiling.form import MAX_REPRESENTATIVES
from portal.text.escape import html_escape
from ui.accessibility import page_link
from ui.links import provision_link
from ui.resources import get_library
from ui.schedule_view import SCHEDULE_CSS, entry_html, next_receptions, regular_reception
from ui.site_frame import office

st.title("领导接访日程")
regular = regular_reception()
o = office()
st.markdown(SCHEDULE_CSS, unsafe_allow_html=True)
contact = [("接待时间", html_escape(o.hours_text)),
           ("领导接访日", html_escape(f"{regular.weekday_text}，时间同上，由局领导和有关部门负责同志当面接待")),
           ("地址", f'{html_escape(o.city + o.address)}<br><a href="{html_escape(o.map_url)}" target="_blank" '
                  f'rel="noopener noreferrer">在地图上查看（新窗口打开）</a>'),
           ("来访接待电话", f'<a href="{html_escape(o.tel_url)}">{html_escape(o.phone)}</a>'),
           ("怎样预约", html_escape(o.booking))]
st.markdown('<section class="sched-card" aria-label="来访接待"><p class="sched-day"><strong>来访接待</strong></p>'
            '<dl class="sched-dl">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in contact) + "</dl></section>",
            unsafe_allow_html=True)
st.info(f"来访请带好本人身份证件；多人反映同一问题请推选不超过 {MAX_REPRESENTATIVES} 名代表。")
library = get_library()
st.markdown("依据：" + "、".join(provision_link(pid, library) for pid in (
    "shandong-xinfang-tiaoli-2015:第二十三条", "shandong-xinfang-tiaoli-2015:第二十六条",
    "xinfang-gongzuo-tiaoli-2022:第二十条")))

st.subheader("近期接访安排（最近的在前）")
got = next_receptions()
entries = got[0] if got else []
if got is None:
    st.warning(f"网站暂时无法读取近期接访安排，请过一会儿再来看，或拨打来访接待电话 {o.phone} 询问。"
               "上面的接待时间和地址不受影响。")
elif not got[1]:
    st.info(f"网站暂时无法读取最新的接访安排，下面是本站稍早读到的安排，可能已有调整。来访前请拨打来访接待电话 {o.phone} 确认。")
if got and not entries:
    st.write("近期暂无接访安排。")
for entry in entries:
    st.markdown(entry_html(entry, hours=o.hours), unsafe_allow_html=True)
st.caption("日程如有调整，以本页最新公布为准。每周领导接访日遇法定节假日暂停。领导接访日之外，接待大厅在上述接待时间内照常接待来访群众。")
page_link("pages/guide.py", label="来访前，先看看信访指南", icon=":material/info:")
