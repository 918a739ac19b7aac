"""信访指南: how to petition, where to go, rights and duties, the process and its deadlines."""

import streamlit as st

from ui.accessibility import page_link
from ui.guide_view import FALLBACK_NOTE, guide_sections, render_section, render_timeline
from ui.site_frame import office

st.title("信访指南")
st.write("用简单的话说明怎样信访、到哪里反映、有哪些权利和义务、要多长时间。"
         "每一条后面都有法律依据，点击可以阅读条文原文。")

sections, from_files = guide_sections()
if from_files:
    st.info(FALLBACK_NOTE.format(phone=office().phone))
st.markdown("**本页内容：** " + " · ".join(f"[{s.title}](#{s.slug})" for s in sections))

timeline_drawn = False   # once, after the first section that asks for it (two may: 新增 and 恢复 can tick a second)
for section in sections:
    render_section(section)
    if section.show_timeline and not timeline_drawn:
        render_timeline()
        timeline_drawn = True

st.divider()
page_link("pages/prefile.py", label="网上预登记信访事项", icon=":material/edit_note:")
page_link("pages/schedule.py", label="查看领导接访日程", icon=":material/event:")
page_link("pages/cases.py", label="阅读典型案例", icon=":material/gavel:")
