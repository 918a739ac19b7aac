"""Data access for the schedule pages: the shipped file's regular reception and DB sessions."""

from __future__ import annotations

import streamlit as st

from portal.db import LastRead, session_scope
from portal.schedule.service import RegularReception, ScheduleEntry, load_schedule_file, upcoming
from portal.text.escape import html_escape
from portal.timeutil import beijing_today
from ui.resources import settings


@st.cache_data(show_spinner=False)
def regular_reception() -> RegularReception:
    return load_schedule_file(settings().content_dir / "schedule.yaml").regular


UPCOMING = LastRead[list[ScheduleEntry]]("reception schedule")


def next_receptions(weeks: int = 6) -> tuple[list[ScheduleEntry], bool] | None:
    """The next receptions, soonest first, and True when read now; False: as this process last
    read them (the database is away; the days already past left out); None: the database is away
    and this process has read none yet."""
    def read() -> list[ScheduleEntry]:
        with session_scope() as session:
            return upcoming(session=session, today=beijing_today(), regular=regular_reception(), weeks=weeks)

    got = UPCOMING.read(read)
    if got is None or got[1]:
        return got
    today = beijing_today()
    return [e for e in got[0] if e.day >= today], False


def entry_html(entry: ScheduleEntry, *, hours: tuple[str, ...] = ()) -> str:
    """One session as a card; the kind is said in words (每周领导接访日 / 专题领导接访), never colour alone.
    `hours`: the hall's opening hours, shown as the weekly day's time (it keeps their midday pause)."""
    kind = "每周领导接访日" if entry.regular else "专题领导接访"
    time = "、".join(hours) if entry.regular and hours else f"{entry.start_time}—{entry.end_time}"
    rows = [("时间", time), ("接访领导", entry.leader), ("地点", entry.place)]
    if entry.topics:
        rows.append(("接待内容", entry.topics))
    items = "".join(f"<dt>{html_escape(k)}</dt><dd>{html_escape(v)}</dd>" for k, v in rows)
    return (f'<section class="sched-card" aria-label="{html_escape(entry.day_text)}">'
            f'<p class="sched-day"><strong>{html_escape(entry.day_text)}</strong> '
            f'<span class="sched-kind">{kind}</span></p><dl class="sched-dl">{items}</dl></section>')


SCHEDULE_CSS = """<style>
.sched-card {border:2px solid #1a1a1a;border-radius:0.4rem;padding:0.6rem 0.9rem;margin:0 0 0.8rem 0;}
.sched-day {margin:0 0 0.3rem 0;font-size:1.1rem;}
.sched-kind {display:inline-block;border:1.5px solid #1a1a1a;border-radius:0.3rem;padding:0 0.4rem;
  font-size:0.95rem;margin-left:0.3rem;}
.sched-dl {display:grid;grid-template-columns:auto 1fr;gap:0.2rem 0.8rem;margin:0;}
.sched-dl dt {font-weight:700;} .sched-dl dd {margin:0;word-break:break-word;}
</style>"""
