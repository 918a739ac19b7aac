"""Widgets of the 信访指南 page: sections with article links, and the deadline picture + table."""

from __future__ import annotations

import streamlit as st

from portal.clock import ACCEPTANCE_NOTICE
from portal.db import session_scope
from portal.guide import timeline
from portal.guide.content import GuideSection
from portal.guide.service import published_sections
from portal.guide.timeline import steps, timeline_svg
from ui.accessibility import LARGE
from ui.links import provision_link
from ui.resources import get_library


def guide_sections() -> list[GuideSection]:
    """The guide as published now, read on every run (five short rows, no cache to go stale): a
    section an 编辑 publishes on 信访指南编辑 shows on every replica's next run."""
    with session_scope() as session:
        return published_sections(session=session)


def render_section(section: GuideSection) -> None:
    library = get_library()
    st.header(section.title, anchor=section.slug)
    st.markdown(section.render(lambda pid: provision_link(pid, library)))


def timeline_table_markdown() -> str:
    """The text alternative of the picture: the same steps, as a table with article links."""
    library = get_library()
    rows = ["| 阶段 | 步骤 | 期限 | 由谁、从何时算起 | 最迟（从提交算起） | 依据 |",
            "| --- | --- | --- | --- | --- | --- |"]
    for step in steps():
        rule = step.rule
        basis = "、".join(provision_link(pid, library, with_title=False) for pid in rule.provision_ids)
        rows.append(f"| {step.stage} | {rule.name} | {step.period_text} | {rule.who}，自{rule.starts_from}起 "
                    f"| 第 {step.end_day} 日 | 《信访工作条例》{basis} |")
    return "\n".join(rows)


def render_timeline() -> None:
    st.subheader("期限示意图", anchor="timeline")
    scale = timeline.LARGE if st.session_state.get(LARGE) else 1.0   # 大字号 reaches the picture's words too
    st.markdown(f'<figure class="timeline-figure" style="margin:0">{timeline_svg(text_scale=scale)}</figure>',
                unsafe_allow_html=True)
    st.caption("图中实心条是法定期限，虚线空心条是情况复杂时可以延长的期限。"
               "“最迟第几日”按每一步都用足期限推算，实际往往更快。受理告知按有权处理的机关直接收到计算；"
               f"经信访部门转送的，信访部门还有转送的 {ACCEPTANCE_NOTICE.days} 日，有权处理的机关从收到转送之日起算。")
    st.markdown("**同样的内容（文字表格）**")
    with st.container(key="stack-table-timeline"):   # on a phone each row becomes a card (ui/site_frame.py)
        st.markdown(timeline_table_markdown())
