"""Widgets of the 信访指南 page: sections with article links, and the deadline picture + table."""

from __future__ import annotations

import logging

import streamlit as st

from portal.clock import ACCEPTANCE_NOTICE
from portal.db import STORAGE_FAILURES, failure_reason, session_scope
from portal.guide import timeline
from portal.guide.content import GuideSection, load_guide
from portal.guide.service import published_sections
from portal.guide.timeline import steps, timeline_svg
from ui.accessibility import LARGE
from ui.links import provision_link
from ui.resources import get_library, settings

log = logging.getLogger(__name__)


FALLBACK_NOTE = ("网站暂时无法读取信访指南的最新内容，下面是随系统发布的版本，个别内容可能不是最新。"
                 "如有疑问，请拨打来访接待电话 {phone}。")


@st.cache_data(show_spinner=False)
def _shipped_sections() -> list[GuideSection]:
    return load_guide(settings().content_dir / "guide")


def guide_sections() -> tuple[list[GuideSection], bool]:
    """The guide as published now, read on every run (five short rows, no cache to go stale): a
    section an 编辑 publishes on 信访指南编辑 shows on every replica's next run. With the database
    away, the shipped files instead, and True: how to petition is what a citizen needs most when the
    online service is down, so the page says the text may be older rather than showing nothing."""
    try:
        with session_scope() as session:
            return published_sections(session=session), False
    except STORAGE_FAILURES as exc:
        log.warning("guide: the shipped files shown, the database is away: %s", failure_reason(exc))
        return _shipped_sections(), True


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
               "“最迟第几日”按每一步都用足期限推算，实际往往更快。"
               f"{ACCEPTANCE_NOTICE.name}：信访部门自收到之日起 {ACCEPTANCE_NOTICE.days} 日内登记，并转送、交办有权处理的机关"
               f"（第二十二条）。有权处理的机关自收到之日起 {ACCEPTANCE_NOTICE.days} 日内书面告知信访人接收情况以及处理途径"
               "和程序（第二十三条），办理期限从受理之日起算：图中按收到转送当日受理推算，之后各步实际可能再晚至多 "
               f"{ACCEPTANCE_NOTICE.days} 日。直接向有权处理的机关提出的，没有{ACCEPTANCE_NOTICE.name}这一步。")
    st.markdown("**同样的内容（文字表格）**")
    with st.container(key="stack-table-timeline"):   # on a phone each row becomes a card (ui/site_frame.py)
        st.markdown(timeline_table_markdown())
