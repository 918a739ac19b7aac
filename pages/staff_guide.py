"""信访指南编辑 (编辑): change a section of the public 信访指南 (its title and Markdown text, with a
preview drawn as the public page draws it), publish it, and see every revision; add a section,
withdraw or restore one, move one up or down (ui.guide_editor). The rules (who may, what is
refused, a colleague's publication meanwhile) are portal.guide.service's and, for the structure,
portal.guide.structure's."""

import streamlit as st

from portal.citations import GUIDE
from portal.db import session_scope
from portal.field_errors import ValidationFailed
from portal.guide import service as guide
from portal.guide.citing import Citation, read_citations, with_ids
from portal.guide.content import GuideFormatError, GuideSection
from portal.guide.lifecycle import PUBLISHED
from portal.roles import EDITOR
from portal.text.escape import markdown_escape
from portal.timeutil import beijing_text
from ui import overtaken as edits
from ui.auth import USER_SCOPED, require_page
from ui.guide_editor import render_add, render_structure
from ui.guide_view import render_timeline
from ui.links import provision_link
from ui.picker import live_label_selectbox
from ui.resources import get_library
from ui.site_frame import field_error, success_in_view
from ui.stale_view import warn_stale
from ui.tables import record_table

UNREAD = "（法规库中找不到这一条）"
actor = require_page(EDITOR)
library = get_library()
st.title("信访指南编辑")
warn_stale(GUIDE, library)
st.write("修改公众页面“信访指南”的各节内容。点击“发布”后，公众页面立即显示新的内容。"
         "也可以新增一节、把一节从公众页面撤回（保留，可恢复）或调整顺序。")

with session_scope() as session:
    rows = {r.slug: r for r in guide.staff_sections(session=session, actor=actor)}
if not rows:
    st.info("还没有指南章节：请信息化管理员运行 python -m portal setup，导入 content/guide 中的文件。")
    st.stop()
render_add(actor=actor, library=library)
places = {s: i for i, s in enumerate(rows, start=1)}


def label(s: str) -> str:
    withdrawn = "" if rows[s].state == PUBLISHED else "（已撤回）"
    return f"{places[s]}. {rows[s].title}{withdrawn}（第 {rows[s].revision} 版）　{s}"


slug = live_label_selectbox("选择章节", list(rows), key="guide-pick", format_func=label)
row = rows[slug]
TITLE, BODY, TIMELINE = f"guide-title-{slug}", f"guide-body-{slug}", f"guide-timeline-{slug}"

# what each section's boxes started from (revision, title, body, timeline): ui.overtaken
BASE: dict[str, tuple] = st.session_state.setdefault(f"{USER_SCOPED}guide-base", {})
# what was typed into each section, kept while another is open (Streamlit forgets the values of
# widgets a run does not draw: switching 选择章节 would throw unpublished edits away)
KEPT: dict[str, object] = st.session_state.setdefault(f"{USER_SCOPED}guide-kept", {})
latest = (row.revision, row.title, row.body, row.show_timeline)


def typed(base: tuple) -> tuple:
    return (base[0], *(st.session_state.get(key, KEPT.get(key, value))
                       for key, value in zip((TITLE, BODY, TIMELINE), base[1:], strict=True)))


def forget() -> None:
    for key in (TITLE, BODY, TIMELINE):
        st.session_state.pop(key, None)
        KEPT.pop(key, None)


def take_latest() -> None:
    forget()
    BASE[slug] = latest


overtaken = edits.overtaken(BASE, slug, latest, typed=typed, forget=forget)
overwrite = overtaken and edits.choice(what="章节", by=row.updated_by, at=row.updated_at, revision=row.revision,
                                       key=f"guide-{slug}", take_latest=take_latest)
base = BASE[slug]

if flash := st.session_state.pop("guide-flash", None):
    success_in_view(flash, key="guide-flash-shown")
st.caption(f"第 {row.revision} 版　最后发布：{markdown_escape(row.updated_by)}，{beijing_text(row.updated_at)}"
           f"　网址：/guide#{slug}")
render_structure(actor=actor, library=library, rows=list(rows.values()), slug=slug)

for key, value in zip((TITLE, BODY, TIMELINE), base[1:], strict=True):
    if key not in st.session_state:
        st.session_state[key] = KEPT.get(key, value)
# errors belong to the text that failed: once it changes they are stale
failure = st.session_state.get(f"guide-errors-{slug}")
if failure and failure[0] != typed(base):
    failure = None
    st.session_state.pop(f"guide-errors-{slug}", None)


def inline(name: str) -> None:
    for error in failure[1] if failure else []:
        if error.field == name:
            field_error(error.message)


inline("slug")   # a colleague published meanwhile: said above the boxes
title = st.text_input("标题", key=TITLE, max_chars=guide.MAX_TITLE)
inline("title")
edit_tab, preview_tab = st.tabs(["编辑", "预览"])
with edit_tab:
    st.caption("正文使用 Markdown：空一行分段，**加粗**，“- ”开头为列表。引用条文写作 [[法规名称第X条]]，"
               "如 [[信访工作条例第二十一条]] 或 [[信访工作条例第21条]]（全称、简称都可以），公众页面显示为可点击的"
               "条文链接，发布时系统把它换成条文编号（如 [[xinfang-gongzuo-tiaoli-2022:第二十一条]]）保存；"
               "期限写作 {{days:handling}}（天数）或 {{ext:handling}}（可延长的天数），数字由系统按法定期限填写。")
    body = st.text_area("正文", key=BODY, height=420)
    inline("body")
    show_timeline = st.checkbox("在本节之后显示期限示意图和表格", key=TIMELINE)
KEPT.update({key: st.session_state[key] for key in (TITLE, BODY, TIMELINE)})
unsaved = typed(base) != base


def as_typed(citation: Citation) -> str:
    return markdown_escape(f"[[{' '.join(citation.typed.split())}]]")


def flagged(citation: Citation) -> str:
    """An unreadable citation in the preview: as typed, marked in the warning colour."""
    return f":orange-background[{as_typed(citation)}{UNREAD}]"


with preview_tab:
    cited = read_citations(body, library=library)
    if unread := [c for c in cited if c.provision_id is None]:
        st.warning("预览中标出的条文引用在法规库中找不到，发布时会被退回，请改正：\n\n"
                   + "\n".join(f"- {as_typed(c)}：{markdown_escape(c.problem)}" for c in unread))
    shown = GuideSection(slug=slug, title=title.strip() or "（未填写标题）",
                         body=with_ids(body, cited, unknown=flagged), show_timeline=show_timeline)
    st.header(markdown_escape(shown.title), anchor=False)
    try:
        st.markdown(shown.render(lambda pid: provision_link(pid, library)))
    except GuideFormatError:
        st.warning("正文中有系统不认识的期限写法，发布时会列出，请改正后再预览。")
    if show_timeline:
        render_timeline()


def publish() -> None:
    expected = row.revision if overwrite else base[0]   # 保存我的修改，替换第 N 版: knowingly over it
    try:
        with session_scope() as session:
            done = guide.publish_section(session=session, actor=actor, library=library, slug=slug, title=title,
                                         body=body, show_timeline=show_timeline, expected_revision=expected)
    except ValidationFailed as failed:
        st.session_state[f"guide-errors-{slug}"] = (typed(base), failed.errors)
    else:
        st.session_state.pop(f"guide-errors-{slug}", None)
        forget()
        BASE.pop(slug, None)   # the next run starts from what is stored
        st.session_state["guide-flash"] = (f"已发布第 {done.revision} 版，公众页面“信访指南”已显示新的内容。"
                                           if done.state == PUBLISHED else
                                           f"已保存第 {done.revision} 版。这一节已撤回，公众页面不显示，恢复后显示新的内容。")
    st.rerun()


if failure:
    st.error("没有发布，请修改以下问题：\n\n" + "\n".join(f"- {markdown_escape(e.message)}" for e in failure[1]))
edits.save_button("发布", key=f"guide-publish-{slug}", overtaken=overtaken, overwrite=overwrite, save=publish)
if unsaved and not overtaken:
    st.button("放弃未发布的修改", key=f"guide-discard-{slug}", on_click=take_latest)
st.page_link("pages/guide.py", label="查看公开页面", icon=":material/open_in_new:")

with st.expander("修订记录"):
    with session_scope() as session:
        revisions = guide.section_revisions(session=session, actor=actor, slug=slug)
    record_table([{"版本": r.number, "操作": r.action, "修改人": r.author, "时间": beijing_text(r.created_at),
                   "标题": r.title} for r in revisions], key=f"guide-revisions-{slug}")
    number = st.selectbox("查看某一版的全文", [r.number for r in revisions], key=f"guide-rev-{slug}",
                          format_func=lambda n: f"第 {n} 版" + ("（现在的内容）" if n == row.revision else ""))
    chosen = next(r for r in revisions if r.number == number)
    st.markdown(f"**{markdown_escape(chosen.title)}**")
    try:
        st.markdown(guide.section_of(chosen).render(lambda pid: provision_link(pid, library)))
    except GuideFormatError:
        st.code(chosen.body, language="markdown")
    if number != row.revision:
        if unsaved:
            st.caption("您在上面有未发布的修改：请先发布，或点“放弃未发布的修改”，再恢复这一版。")
        if st.button(f"重新发布第 {number} 版的内容", key=f"guide-restore-{slug}-{number}",
                     disabled=unsaved or overtaken):
            try:
                with session_scope() as session:
                    done = guide.restore_revision(session=session, actor=actor, library=library, slug=slug,
                                                  number=number, expected_revision=row.revision)
            except ValidationFailed as failed:
                st.error("没有发布：\n\n" + "\n".join(f"- {markdown_escape(e.message)}" for e in failed.errors))
            else:
                forget()
                BASE.pop(slug, None)
                st.session_state["guide-flash"] = f"已按第 {number} 版的内容发布为第 {done.revision} 版。"
                st.rerun()
