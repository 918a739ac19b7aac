"""数据看板 widgets: the range picker, Altair charts each followed by its numbers as a table (for
screen readers and phones), the overdue lists linking to 预登记办理, and the 月通报 downloads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import altair as alt
import streamlit as st
from sqlmodel import Session

from portal.clock import ACCEPTANCE_NOTICE
from portal.db import session_scope
from portal.identity import Actor
from portal.prefiling.codes import grouped
from portal.prefiling.queue import deadline_words
from portal.roles import HANDLER
from portal.stats import bulletin, figures
from portal.stats.facts import Period, RangeError, last_month, month_period
from portal.stats.figures import DEFINITIONS, DUE_NOTE, RESTRICTED_LEFT_OUT, DueRow, Share
from portal.timeutil import beijing_today
from ui.auth import RETRY_DOWNLOAD, at_click
from ui.tables import inert_rows

BAR_COLOUR = "#1f4e79"


def pick_period(today: dt.date) -> Period | None:
    """The range picker (default: last month). None, with a message, while it is incomplete or wrong."""
    default = last_month(today)
    # no max_value: a later day typed in was refused by the widget in English only (a red "!"),
    # and the figures went on showing the old range; it is said here, and the range ends today
    picked = st.date_input("统计区间（北京时间，含首尾两日）", value=(default.start, default.end),
                           format="YYYY-MM-DD", key="dash-range")
    if not isinstance(picked, tuple | list) or len(picked) != 2:
        st.info("请在日历中再点选结束日期。")
        return None
    start, end = picked
    if end > today:
        st.warning(f"结束日期不能晚于今天：已按统计到今天（{today:%Y-%m-%d}）计算。")
        end = today
    try:
        return Period(start, end)
    except RangeError as exc:
        st.error(str(exc))
        return None


def percent(share: Share) -> str:
    return "—" if share.rate is None else f"{share.rate:.1%}"


def bars(title: str, data: list[tuple[str, int]], *, what: str = "类别", unit: str = "件数",
         key: str) -> None:
    """A bar chart and, after it, the same numbers as a table."""
    st.subheader(title)
    if not data or not any(n for _k, n in data):
        st.caption("本区间没有数据。")
        return
    import pandas as pd  # ships with streamlit

    frame = pd.DataFrame({what: [k for k, _n in data], unit: [n for _k, n in data]})
    chart = (alt.Chart(frame).mark_bar(color=BAR_COLOUR)
             .encode(y=alt.Y(f"{what}:N", sort=None, title=None, axis=alt.Axis(labelLimit=160)),
                     x=alt.X(f"{unit}:Q", title=unit, axis=alt.Axis(tickMinStep=1, format="d")),
                     tooltip=[f"{what}:N", f"{unit}:Q"])
             .properties(height=40 * len(data) + 70, description=f"{title}（数字见下表）"))
    st.altair_chart(chart, width="stretch", key=f"chart-{key}")
    st.table(inert_rows([{what: k, unit: str(n)} for k, n in data]))


def intake(result: figures.Intake) -> None:
    st.header("预登记接收和办理情况")
    st.caption(DEFINITIONS["intake"])
    left, right = st.columns(2)
    left.metric("本区间提交", f"{result.total} 件")
    right.metric("其中确认为重复信访", f"{result.confirmed_repeats} 件")
    st.caption(DEFINITIONS["repeats"])
    # 不予登记 and 撤回 end a 件 before 登记 (the state machine): not a step after it
    bars("办理流程：提交 → 登记 → 办结（登记前也可能不予登记或撤回）", list(result.flow.items()), what="环节", key="flow")
    bars("按月份", result.by_month, what="月份", key="month")
    bars("按类别", result.by_category, key="category")
    bars("按问题属地", result.by_district, what="问题属地", key="district")
    bars("系统建议的其他途径", result.by_channel, what="途径", key="channel")
    st.caption("一件预登记可能同时建议几种途径，分别计数。")


def timeliness(result: figures.Timeliness) -> None:
    st.header("按期办理")
    left, right = st.columns(2)
    left.metric(f"{ACCEPTANCE_NOTICE.name}按期率", percent(result.acceptance))
    right.metric("60日内办结率", percent(result.handling))
    st.caption(DEFINITIONS["acceptance"])
    st.caption(DEFINITIONS["handling"])
    st.table([
        {"项目": f"{ACCEPTANCE_NOTICE.name}：按期", "件数": str(result.acceptance_on_time)},
        {"项目": f"{ACCEPTANCE_NOTICE.name}：逾期或超期未告知", "件数": str(result.acceptance_late)},
        {"项目": f"{ACCEPTANCE_NOTICE.name}：尚在期限内", "件数": str(result.acceptance_pending)},
        {"项目": "办结：60日内", "件数": str(result.handling_on_time)},
        {"项目": "办结：延期内（61至90日）", "件数": str(result.handling_extended)},
        {"项目": "办结：超期", "件数": str(result.handling_late)},
        {"项目": "办结：尚在期限内", "件数": str(result.handling_pending)},
        {"项目": "含延期办结率", "件数": percent(result.handling_with_extension)},
        # below the rates, which are over the 办结 rows above: these have no 60 days to be judged by
        {"项目": "登记的建议意见、检举控告（不计60日期限，不计入上面的比率）", "件数": str(result.handling_not_counted)},
    ])


def outcomes(result: figures.Outcomes) -> None:
    st.header("办结与评价")
    first, sat, once = st.columns(3)
    first.metric("初信初访三周办结率", percent(result.first_time))
    sat.metric("满意率", percent(result.satisfaction))
    once.metric("一次性结服率", percent(result.one_time))
    st.caption(DEFINITIONS["first_time"])
    st.caption(DEFINITIONS["satisfaction"])
    st.markdown(f"**一次性结服率的定义：** {DEFINITIONS['one_time']}")
    unrated = result.closed - result.rated
    bars("评价", [*result.ratings.items(), ("未评价", unrated)], what="评价", key="ratings")
    st.table([{"项目": "初信初访：21日内办结", "件数": f"{result.first_time.part} / {result.first_time.whole}"},
              {"项目": "本区间办结", "件数": str(result.closed)}])


def _due_table(rows: list[DueRow], *, link: bool) -> None:
    st.table([{"查询码": grouped(r.code), "状态": r.state, "环节": r.step, "类别": r.category,
               "法定期限": r.due.isoformat(),
               "期限": deadline_words(r.days_left)}
              for r in rows])
    if not link:
        st.caption("在预登记办理中打开需要“办理”权限。")
        return
    st.caption("点击查询码，在预登记办理中打开：")
    cols = st.columns(3)
    for i, r in enumerate(rows):
        cols[i % 3].page_link("pages/staff_queue.py", label=grouped(r.code), query_params={"code": r.code},
                              icon=":material/open_in_new:")


def due_lists(result: figures.DueLists, actor: Actor) -> None:
    link = actor.has(HANDLER)  # 预登记办理 is open to 办理 only
    st.header("超期和本周到期")
    st.caption(f"截至 {result.day.isoformat()}，尚未办结的事项；期限最后一日遇周末或法定节假日顺延。"
               f"{DUE_NOTE}只列查询码，不含个人信息。")
    st.subheader(f"已超期（{len(result.overdue)} 件）")
    if result.overdue:
        _due_table(result.overdue, link=link)
    else:
        st.success("没有超过法定期限的事项。")
    st.subheader(f"7日内到期（{len(result.due_this_week)} 件）")
    if result.due_this_week:
        _due_table(result.due_this_week, link=link)
    else:
        st.caption("7日内没有到期的事项。")


def legal_education(result: figures.LegalEducation, library, case_titles: dict[str, str]) -> None:
    from ui.links import provision_link

    st.header("普法")
    st.subheader("法律问答中打开最多的条文（累计）")
    if result.top_articles:
        st.markdown("\n".join(f"{i}. {provision_link(pid, library)}：{n} 次"
                              for i, (pid, n) in enumerate(result.top_articles, 1)))
    else:
        st.caption("还没有记录。")
    st.caption("只记录条文和次数，不记录问题和提问人；这项计数没有日期，是累计数。")
    bars("常见问题库：每月新增问题", result.bank_by_month, what="月份", unit="新增问题", key="bank")
    st.caption(f"区间结束时已发布的问题共 {result.bank_total} 条。")
    st.subheader("阅读最多的典型案例（累计）")
    if result.top_cases:
        st.table(inert_rows([{"案例": case_titles.get(slug, slug), "阅读次数": str(n)} for slug, n in result.top_cases]))
    else:
        st.caption("还没有记录。")
    st.caption("每个浏览器会话阅读一个案例计一次，不记录读者。")


def restricted_note(counted: bool) -> None:
    if not counted:
        st.info(RESTRICTED_LEFT_OUT)


def _months_back(today: dt.date, n: int = 24) -> list[tuple[int, int]]:
    out, year, month = [], today.year, today.month
    for _ in range(n):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


@st.fragment
def downloads(actor: Actor, today: dt.date) -> None:
    """月通报 for a chosen month; the file is made (and the export audited) only on click. A
    fragment: choosing a month reruns this section only, not the dashboard's figure queries."""
    st.header("月通报")
    st.caption("月通报与本看板使用同一套统计口径；1至4件的数字记为“<5”，为防由合计推算另有个别数字记为“*”，不含个人信息，超期事项只列查询码。"
               "每次下载都记入操作日志。" + RETRY_DOWNLOAD)
    months = _months_back(today)
    default = last_month(today).start
    year, month = st.selectbox("月份", months, index=months.index((default.year, default.month)),
                               format_func=lambda ym: f"{ym[0]}年{ym[1]}月", key="dash-month")
    name = bulletin.title_of(year, month)
    left, right = st.columns(2)
    left.download_button("下载月通报（网页，可打印）", data=_exporter(at_click(actor), year, month, "html"),
                         file_name=f"{name}.html", mime="text/html", key="dash-html",
                         icon=":material/print:", on_click="ignore")
    right.download_button("下载月通报（Markdown）", data=_exporter(at_click(actor), year, month, "md"),
                          file_name=f"{name}.md", mime="text/markdown", key="dash-md",
                          icon=":material/download:", on_click="ignore")
    st.caption(f"统计区间：{month_period(year, month).label}，与上月比较。")


def _exporter(who: Callable[[Session], Actor], year: int, month: int, fmt: str):
    """Deferred: the bulletin is generated and audited when the button is clicked, if `who`
    (ui.auth.at_click) finds the session still open then."""
    def make() -> bytes:
        with session_scope() as session:
            return bulletin.export_bulletin(session=session, actor=who(session), year=year, month=month, fmt=fmt,
                                            today=beijing_today())
    return make
