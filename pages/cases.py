"""典型案例: published cases with filters by 类别 and by law; one case at ?case=<slug>."""

import logging

import streamlit as st

from portal.cases.content import CATEGORIES, SECTIONS
from portal.cases.models import TypicalCase
from portal.cases.render import plain_text, render_markdown
from portal.cases.service import citations_of, matching
from portal.db import beside_answer, session_scope
from portal.laws.ids import law_slug_of
from portal.stats.reads import record_read
from portal.text.escape import html_escape, markdown_escape
from portal.timeutil import date_text
from ui.cases_source import published_for_page
from ui.links import provision_link, shared_address
from ui.resources import get_library
from ui.site_frame import office, page_title, say, scroll_to, share_link, show_here, start_at_top

log = logging.getLogger(__name__)
library = get_library()
ALL = "全部"
EXAMPLE_BADGE = '<span class="case-badge">示例案例</span>'
CSS = """<style>
.case-badge {display:inline-block;padding:0.05rem 0.5rem;border-radius:0.3rem;font-size:0.95rem;
  border:2px solid #5b4a00;color:#5b4a00;background:#fff6d6;font-weight:600;}
.case-meta {color:#333;font-size:1rem;margin:0.2rem 0 0.6rem 0;}
.case-body {font-size:1.1rem;line-height:1.9;word-break:break-word;}
.case-body h3 {font-size:1.15rem;}
</style>"""


def meta_html(category: str, illustrative: bool) -> str:
    badge = f" {EXAMPLE_BADGE}" if illustrative else ""
    return f'<div class="case-meta">类别：{html_escape(category)}{badge}</div>'


OLDER_NOTE = ("网站暂时无法读取典型案例的最新内容，下面是本站稍早读到的版本，个别案例可能已经更新或撤回。"
              "如有疑问，请拨打来访接待电话 {phone}。")
AWAY_NOTE = "网站暂时无法读取典型案例，请过一会儿再来看。如需帮助，请拨打来访接待电话 {phone}。"


def count_read(slug: str) -> None:
    """Count one reading per case and browser session (anonymously: the slug and a count)."""
    read = st.session_state.setdefault("cases_read", set())
    if slug in read:
        return
    read.add(slug)

    def record() -> None:
        with session_scope() as session:
            record_read(session=session, slug=slug)

    try:   # statistics must never stand between a citizen and the case, nor keep them waiting
        beside_answer(record, instead=None, what="a case read not counted")
    except Exception:
        log.warning("could not record a case read", exc_info=True)


def published(got: tuple[list[TypicalCase], bool] | None) -> list[TypicalCase] | None:
    """The published cases (`published_for_page`), newest first, with a note where they are as last
    read (the database is away); None, said so, where there is nothing to show."""
    if got is None:
        st.warning(AWAY_NOTE.format(phone=office().phone))
        return None
    cases, now = got
    if not now:
        st.info(OLDER_NOTE.format(phone=office().phone))
    return cases


FILTERS = ("category", "law")   # the list's filters live in the address: Back and 返回案例列表 keep them
CAME_FROM = "cases-came-from"   # the case the reader opened, to show the list again at its card


def list_params() -> dict[str, str]:
    return {name: st.query_params[name] for name in FILTERS if name in st.query_params}


def read_case(slug: str) -> None:
    st.session_state[CAME_FROM] = slug
    show_here(case=slug, **list_params())


def back_to_list(where: str) -> None:
    st.button("返回案例列表", key=f"cases-list-{where}", on_click=show_here, kwargs={"at_top": False, **list_params()},
              icon=":material/arrow_back:", type="tertiary")


def filters_changed(laws: dict[str, str]) -> None:
    """A filter chosen: into the address (a new history entry, so Back undoes it)."""
    category, law_title = st.session_state["case-category"], st.session_state["case-law"]
    params = {"category": category} if category != ALL else {}
    if laws.get(law_title):
        params["law"] = laws[law_title]
    show_here(at_top=False, **params)
    st.session_state["cases-filtered"] = True


def show_case(slug: str) -> None:
    got = published_for_page()
    case = next((c for c in got[0] if c.slug == slug), None) if got else None
    if case is not None:
        page_title(case.title)
    st.title(markdown_escape(case.title) if case else "典型案例")   # the heading first, then any note
    if published(got) is None:
        back_to_list("away")
        return
    if case is None:
        st.warning("没有找到这个案例。它可能已经撤回，或者链接有误。")
        back_to_list("missing")
        return
    count_read(slug)
    st.markdown(meta_html(case.category, case.illustrative), unsafe_allow_html=True)
    if case.illustrative:
        st.caption("本案例为示例，人物和情节均为虚构，用于说明法律规定的适用。")
    for name, label in SECTIONS.items():
        st.subheader(label)
        st.html(f'<div class="case-body">{render_markdown(getattr(case, name))}</div>')
    st.subheader("法律依据")
    for citation in citations_of(case):
        line = f"- {provision_link(citation.id, library)}"
        if citation.reason:
            line += f"：{markdown_escape(citation.reason)}"
        st.markdown(line)
    if case.published_on:
        st.caption(f"发布日期：{date_text(case.published_on)}")
    st.caption("本页网址（可复制分享）：")   # as an article's: the case alone, not the list's filters
    share_link(shared_address("cases", {"case": case.slug}))
    back_to_list("bottom")


def law_options(cases) -> dict[str, str]:
    """Laws cited by the published cases: title -> slug, in library order."""
    cited = {law_slug_of(c.id) for case in cases for c in citations_of(case)}
    return {law.title: law.slug for law in library.ordered_laws() if law.slug in cited}


def show_list() -> None:
    came_from = st.session_state.pop(CAME_FROM, None)
    st.title("典型案例")
    st.write("这些案例说明信访事项通常怎样依法处理。每个案例都列出了所依据的法律条文，可以点击阅读原文。")
    every = published(published_for_page())
    if every is None:
        return
    laws = law_options(every)
    wanted_law = st.query_params.get("law")
    wanted_category = st.query_params.get("category")
    # the boxes show what the address says (after Back, a shared link, 返回案例列表)
    st.session_state["case-category"] = wanted_category if wanted_category in CATEGORIES else ALL
    st.session_state["case-law"] = next((t for t, s in laws.items() if s == wanted_law), ALL)
    category = st.selectbox("按类别查看", [ALL, *CATEGORIES], key="case-category",
                            on_change=filters_changed, args=(laws,))
    law_title = st.selectbox("按法规查看", [ALL, *laws], key="case-law", on_change=filters_changed, args=(laws,))
    cases = matching(every, category=None if category == ALL else category, law_slug=laws.get(law_title))
    if st.session_state.pop("cases-filtered", False):   # the list changed below the box the reader is in
        say(f"共 {len(cases)} 个案例。" if cases else "没有符合条件的案例。")
    if not cases:
        st.info("没有符合条件的案例。请换一个类别或法规看看。")
        return
    st.caption(f"共 {len(cases)} 个案例")
    for case in cases:
        with st.container(border=True, key=f"case-card-{case.slug}"):
            st.markdown(f"**{markdown_escape(case.title)}**")
            st.markdown(meta_html(case.category, case.illustrative), unsafe_allow_html=True)
            st.write(plain_text(case.significance, limit=90))
            st.button(f"阅读案例：{markdown_escape(case.title)}", key=f"read-case-{case.slug}", on_click=read_case, args=(case.slug,),
                      icon=":material/article:", type="tertiary")
    if came_from in {case.slug for case in cases}:   # back from that case: the list where the reader left it
        scroll_to(f".st-key-case-card-{came_from}", focus=f".st-key-read-case-{came_from} button")


st.html(CSS)
start_at_top()   # a case (or the list) opened by a button further down
slug = st.query_params.get("case")
if slug:
    show_case(slug)
else:
    show_list()
