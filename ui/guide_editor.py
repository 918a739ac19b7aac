"""Widgets of 信访指南编辑 for the page's structure: 新增章节, and 上移 / 下移 / 撤回 / 恢复 of the
chosen section. Every rule (what is refused and why, two editors at once) is portal.guide.structure's;
these only call it and say the outcome in words."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from portal.db import session_scope
from portal.field_errors import FieldError, ValidationFailed
from portal.guide import service as guide
from portal.guide import structure
from portal.guide.lifecycle import PUBLISHED, GuideActionRefused
from portal.guide.models import GuideSectionRecord
from portal.identity import Actor
from portal.laws.library import Library
from portal.text.escape import markdown_escape
from ui.site_frame import field_error

FLASH = "guide-flash"          # shown by the page above the boxes, after the rerun
PICK = "guide-pick"
REFUSED = "guide-structure-refused"
NEW = {"slug": "guide-new-slug", "title": "guide-new-title", "body": "guide-new-body", "timeline": "guide-new-timeline"}
NEW_ERRORS = "guide-new-errors"


def _act(call: Callable[[Session], object], done: str) -> None:
    """A button's on_click: run `call` in one transaction; the outcome is said on the next run."""
    try:
        with session_scope() as session:
            call(session)
    except GuideActionRefused as refused:
        st.session_state[REFUSED] = str(refused)
    except ValidationFailed as failed:
        st.session_state[REFUSED] = "没有恢复：" + " ".join(e.message for e in failed.errors)
    else:
        st.session_state[FLASH] = done


def render_structure(*, actor: Actor, library: Library, rows: list[GuideSectionRecord], slug: str) -> None:
    """Where the chosen section stands, with its 上移 / 下移 and 撤回 / 恢复 buttons (in a row that
    wraps on a phone)."""
    slugs = [r.slug for r in rows]
    index = slugs.index(slug)
    row = rows[index]
    shown = row.state == PUBLISHED
    st.markdown(f"**位置：第 {index + 1} 节（共 {len(rows)} 节）**　"
                + ("公众页面显示这一节。" if shown else "**已撤回**：公众页面不显示这一节，内容和修订记录都保留，可以恢复。"))
    if refused := st.session_state.pop(REFUSED, None):
        st.error(refused)
    with st.container(horizontal=True, key=f"guide-structure-{slug}"):
        st.button("上移", key=f"guide-up-{slug}", icon=":material/arrow_upward:", disabled=index == 0,
                  on_click=_act, args=(lambda s: structure.move_section(
                      session=s, actor=actor, slug=slug, direction=structure.UP, expected_neighbour=slugs[index - 1]),
                      f"已将“{row.title}”上移到第 {index} 节。"))
        st.button("下移", key=f"guide-down-{slug}", icon=":material/arrow_downward:", disabled=index == len(rows) - 1,
                  on_click=_act, args=(lambda s: structure.move_section(
                      session=s, actor=actor, slug=slug, direction=structure.DOWN,
                      expected_neighbour=slugs[index + 1] if index + 1 < len(rows) else None),
                      f"已将“{row.title}”下移到第 {index + 2} 节。"))
        if shown:
            st.button("从公众页面撤回", key=f"guide-withdraw-{slug}", icon=":material/visibility_off:",
                      on_click=_act, args=(lambda s: structure.withdraw_section(
                          session=s, actor=actor, slug=slug, expected_revision=row.revision),
                          f"已撤回“{row.title}”：公众页面不再显示这一节，内容和修订记录都保留，可随时恢复。"))
        else:
            st.button("恢复到公众页面", key=f"guide-restore-section-{slug}", icon=":material/visibility:",
                      on_click=_act, args=(lambda s: structure.restore_section(
                          session=s, actor=actor, library=library, slug=slug, expected_revision=row.revision),
                          f"已恢复“{row.title}”：公众页面在原来的位置重新显示这一节。"))


def _typed() -> tuple:
    return tuple(st.session_state.get(key) for key in NEW.values())


def _add(actor: Actor, library: Library) -> None:
    values = {name: st.session_state.get(key) for name, key in NEW.items()}
    try:
        with session_scope() as session:
            row = structure.add_section(session=session, actor=actor, library=library, slug=values["slug"] or "",
                                        title=values["title"] or "", body=values["body"] or "",
                                        show_timeline=bool(values["timeline"]))
    except ValidationFailed as failed:
        st.session_state[NEW_ERRORS] = (_typed(), failed.errors)
        return
    for key in NEW.values():
        st.session_state.pop(key, None)
    st.session_state.pop(NEW_ERRORS, None)
    st.session_state[PICK] = row.slug   # open the new section below
    st.session_state[FLASH] = (f"已新增并发布“{row.title}”：公众页面“信访指南”的最后一节已显示它，"
                               "可用“上移”调整位置。")


def render_add(*, actor: Actor, library: Library) -> None:
    """新增章节: 网址名, 标题, 正文 and the deadline-picture tick; problems said under their boxes."""
    failure = st.session_state.get(NEW_ERRORS)
    if failure and failure[0] != _typed():   # errors belong to the text that failed
        failure = None
        st.session_state.pop(NEW_ERRORS, None)
    errors: list[FieldError] = failure[1] if failure else []

    def inline(name: str) -> None:
        for error in errors:
            if error.field == name:
                field_error(error.message)

    with st.expander("新增章节", expanded=bool(errors)):
        st.caption("新的一节发布在公众页面的最后，之后可以用“上移”调整位置。正文的写法和发布的检查与修改已有章节相同。")
        if errors:
            st.error("没有新增，请修改以下问题：\n\n" + "\n".join(f"- {markdown_escape(e.message)}" for e in errors))
        # said under the box, not in a "?" help icon (24 px, named in English to a screen reader)
        st.text_input("新章节的网址名", key=NEW["slug"], max_chars=structure.MAX_SLUG, placeholder="如 jiedai-dating-tongzhi")
        inline("slug")   # its error right under the box; the hint after it
        st.caption("网址名：小写英文字母、数字和横线，是这一节在公众页面上的链接（/guide#网址名），新增后不能修改。")
        st.text_input("新章节的标题", key=NEW["title"], max_chars=guide.MAX_TITLE)
        inline("title")
        st.text_area("新章节的正文", key=NEW["body"], height=240)
        inline("body")
        st.checkbox("在新章节之后显示期限示意图和表格", key=NEW["timeline"])
        st.caption("期限示意图只显示一次：显示在勾选的第一节之后。")
        st.button("新增并发布", key="guide-add", type="primary", on_click=_add, args=(actor, library))
