"""数据看板 (管理员, 办理): the bureau's figures for a date range, with charts and tables, the
overdue lists linking to 预登记办理, and the 月通报 downloads."""

import streamlit as st

from portal.cases.service import published_list
from portal.db import session_scope
from portal.roles import ADMIN, HANDLER
from portal.stats import figures
from portal.timeutil import beijing_today
from ui import dashboard_view as view
from ui import queue_view
from ui.auth import require_page
from ui.resources import get_library

actor = require_page(ADMIN, HANDLER)
today = beijing_today()
st.title("数据看板")
queue_view.holiday_gap_note(today)
period = view.pick_period(today)
if period is not None:
    with session_scope() as session:
        intake = figures.intake(session=session, actor=actor, period=period)
        timely = figures.timeliness(session=session, actor=actor, period=period, today=today)
        outcomes = figures.outcomes(session=session, actor=actor, period=period)
        due = figures.due_lists(session=session, actor=actor, day=today)
        education = figures.legal_education(session=session, actor=actor, period=period)
        case_titles = {c.slug: c.title for c in published_list(session=session)}
    st.caption(f"统计区间：{period.label}。")
    view.restricted_note(intake.restricted_counted)
    view.intake(intake)
    view.timeliness(timely)
    view.outcomes(outcomes)
    view.due_lists(due, actor)
    view.legal_education(education, get_library(), case_titles)
st.divider()
view.downloads(actor, today)
