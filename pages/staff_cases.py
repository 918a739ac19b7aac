"""典型案例管理 (编辑): write a case in Markdown with a live preview, cite articles from the
library, publish / withdraw, and see every revision."""

import secrets

import streamlit as st

from portal.cases import lifecycle
from portal.cases import service as cases
from portal.cases.content import CATEGORIES, SECTIONS, CaseDraft, Citation
from portal.cases.render import dropped, render_markdown
from portal.citations import CASE
from portal.db import session_scope
from portal.field_errors import ValidationFailed
from portal.roles import EDITOR
from portal.text.escape import markdown_escape
from portal.timeutil import beijing_text, beijing_today
from ui import overtaken as edits
from ui.auth import USER_SCOPED, require_page
from ui.form_errors import anchor, error_summary, inline_error
from ui.links import provision_link, provision_title
from ui.picker import live_label_selectbox
from ui.refresh import refresh_button
from ui.resources import get_library
from ui.site_frame import success_in_view
from ui.stale_view import warn_stale
from ui.tables import record_table

actor = require_page(EDITOR)
library = get_library()
NEW = "__new__"
LABELS = {"slug": "网址名", "title": "标题", "category": "类别", **SECTIONS, "provisions": "法律依据"}
st.title("典型案例管理")
warn_stale(CASE, library)

if "cases-pick-next" in st.session_state:  # set before the selectbox exists (Streamlit rule)
    st.session_state["cases-pick"] = st.session_state.pop("cases-pick-next")
with session_scope() as session:
    all_cases = {c.slug: c for c in cases.staff_cases(session=session, actor=actor)}
# the label names the 网址名 too: Streamlit tells options apart by their labels, and of two cases
# with one title and state the second could not be opened (choosing it opened the first)
pick = live_label_selectbox("选择案例", [NEW, *all_cases], key="cases-pick",
                            format_func=lambda s: "＋ 新建案例" if s == NEW
                            else f"{all_cases[s].title}（{all_cases[s].state}）　{s}")
case = all_cases.get(pick)
# a colleague's save or a new case, read now (a browser refresh signs staff out); typed text stays
refresh_button("cases-pick", "刷新", what="案例列表" + ("和此案例" if pick != NEW else ""))
key = case.slug if case else "new"
# a new case starts as a real one: ticked by default, a real case written in a hurry was published
# as 人物情节为虚构 (the shipped examples say so in their files)
saved = cases.draft_of(case) if case else CaseDraft("", CATEGORIES[0], "", "", "", "", illustrative=False)

if flash := st.session_state.pop("cases-flash", None):
    success_in_view(flash, key="cases-flash-shown")
failure: ValidationFailed | None = st.session_state.get(f"errors-{key}")
errors = failure.errors if failure else []   # said again under each field (inline_error)
if failure:   # 保存 is at the foot of the form: the list of problems takes the focus, once; each links its box
    error_summary(failure.errors, label=lambda f: LABELS.get(f, f), title="请修改以下问题后再保存：",
                  unlinked=() if case is None else ("slug",))   # an open case's 网址名 is not a box


# what was typed into each case, kept while another case is open: Streamlit forgets the values of
# widgets a run does not draw, and switching 选择案例 would otherwise throw unsaved edits away
KEPT: dict[str, object] = st.session_state.setdefault(f"{USER_SCOPED}cases-kept", {})   # this user's only


# the text each open case's boxes started from, and the revision each was last shown at (ui.overtaken)
BASE: dict[str, CaseDraft] = st.session_state.setdefault(f"{USER_SCOPED}cases-base", {})
SHOWN: dict[str, int] = st.session_state.setdefault(f"{USER_SCOPED}cases-shown", {})


def typed_draft(key: str, base: CaseDraft) -> CaseDraft:
    """What this editor's boxes hold for a case before they are drawn (their state, else what was
    kept while another case was open, else `base`)."""
    def value(name: str) -> object:
        widget = f"{name}-{key}"
        return st.session_state.get(widget, KEPT.get(widget, getattr(base, name)))
    provs = st.session_state.get(f"provs-{key}")
    provisions = (base.provisions if provs is None else
                  tuple(Citation(c["id"], st.session_state.get(f"reason-{key}-{c['id']}", c["reason"]).strip())
                        for c in provs))
    return CaseDraft(provisions=provisions, **{name: value(name) for name in
                                               ("title", "category", "illustrative", *SECTIONS)})


def forget_typed(key: str) -> None:
    """Empty this editor's boxes for a case: the next run fills them with the saved text."""
    cited = st.session_state.get(f"provs-{key}") or []
    for k in (*(f"{name}-{key}" for name in ("title", "category", "illustrative", "provs", *SECTIONS)),
              *(f"reason-{key}-{c['id']}" for c in cited)):
        st.session_state.pop(k, None)
        KEPT.pop(k, None)


def take_latest(slug: str, key: str, latest: CaseDraft) -> None:
    forget_typed(key)
    BASE[slug] = latest


def field(widget_key: str, saved_value: object) -> str:
    """The widget's key, its value set (before the widget exists) to what was typed earlier, else
    the saved value."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = KEPT.get(widget_key, saved_value)
    return widget_key


overtaken = overwrite = False   # someone else saved since this editor's boxes were filled
if case:
    overtaken = edits.overtaken(BASE, case.slug, saved, typed=lambda base: typed_draft(key, base),
                                forget=lambda: forget_typed(key))
    if overtaken:
        overwrite = edits.choice(what="案例", by=case.updated_by, at=case.updated_at, revision=case.revision,
                                 key=key, take_latest=lambda: take_latest(case.slug, key, saved))

if case:
    st.caption(f"状态：**{case.state}**　第 {case.revision} 版　最后修改：{case.updated_by}，"
               f"{beijing_text(case.updated_at)}　网址名：{case.slug}")
    slug = case.slug
else:
    anchor("slug")
    slug = st.text_input("网址名（英文小写和横线，例如 laodong-zhongcai-2026）",
                         key=field("slug-new", f"case-{beijing_today():%Y%m%d}-{secrets.token_hex(2)}")).strip()
    inline_error("slug", errors)
anchor("title")
title = st.text_input("标题", key=field(f"title-{key}", saved.title))
inline_error("title", errors)
anchor("category")
category = st.selectbox("类别", CATEGORIES, key=field(f"category-{key}", saved.category
                                                    if saved.category in CATEGORIES else CATEGORIES[0]))
illustrative = st.checkbox("示例案例（人物情节为虚构）", key=field(f"illustrative-{key}", saved.illustrative))

provs_key = f"provs-{key}"
if provs_key not in st.session_state:
    st.session_state[provs_key] = [{"id": c.id, "reason": c.reason} for c in saved.provisions]
citations: list[dict] = st.session_state[provs_key]

edit_tab, preview_tab = st.tabs(["编辑", "预览"])
texts: dict[str, str] = {}
with edit_tab:
    st.caption("正文使用 Markdown：空一行分段，**加粗**，“1.”开头为编号列表。")
    for name, label in SECTIONS.items():
        anchor(name)
        texts[name] = st.text_area(label, height=160, key=field(f"{name}-{key}", getattr(saved, name)))
        if gone := dropped(texts[name]):   # the preview shows it gone: say what, and why
            st.caption(markdown_escape(f"公开页面上不会显示：{'、'.join(gone)}。正文只保留文字格式"
                                       "（分段、加粗、列表、表格、链接）。"))
        inline_error(name, errors)

    st.subheader("法律依据")
    anchor("provisions")   # its link focuses the first reason, else the law to pick from
    inline_error("provisions", errors)
    for i, citation in enumerate(citations):
        named = provision_title(citation["id"], library)
        with st.container(key=f"named-buttons-case-{i}"):
            cols = st.columns([5, 1])
            cols[0].markdown(f"{provision_link(citation['id'], library)}")
            citation["reason"] = cols[0].text_input(f"{named}的适用理由（一句话）",
                                                    key=field(f"reason-{key}-{citation['id']}", citation["reason"]))
            if cols[1].button(f"移除 *{named}*", key=f"remove-{key}-{i}"):
                citations.pop(i)
                st.rerun()
    laws = library.ordered_laws()
    law = st.selectbox("从法规库选择法规", laws, key=f"pick-law-{key}",
                       format_func=lambda x: x.title + ("（已废止）" if x.is_repealed else ""))
    provision = st.selectbox("条文", law.provisions, key=f"pick-article-{key}-{law.slug}",
                             format_func=lambda p: f"{p.label}　{p.body[:30]}")
    st.caption(provision.text)
    if st.button("添加这一条", key=f"add-{key}"):
        if all(c["id"] != provision.id for c in citations):
            citations.append({"id": provision.id, "reason": ""})
        st.rerun()

draft = CaseDraft(title=title, category=category, illustrative=illustrative,
                  provisions=tuple(Citation(c["id"], c["reason"].strip()) for c in citations), **texts)
TYPED = [f"title-{key}", f"category-{key}", f"illustrative-{key}", *(f"{n}-{key}" for n in SECTIONS)]
if not case:
    TYPED.append("slug-new")
KEPT.update({k: st.session_state[k] for k in TYPED if k in st.session_state})
# errors belong to the draft that failed: once a field changes they are stale, so they go
if failure and st.session_state.get(f"errors-draft-{key}") != draft:
    st.session_state.pop(f"errors-{key}", None)
    st.session_state.pop(f"errors-draft-{key}", None)
    st.rerun()

with preview_tab:
    st.markdown(f"### {markdown_escape(draft.title) or '（未填写标题）'}")
    st.caption(f"类别：{draft.category}" + ("　示例案例" if draft.illustrative else ""))
    for name, label in SECTIONS.items():
        st.markdown(f"**{label}**")
        st.html(f'<div class="case-body">{render_markdown(getattr(draft, name))}</div>')
    st.markdown("**法律依据**")
    for c in draft.provisions:
        st.markdown(f"- {provision_link(c.id, library)}：{markdown_escape(c.reason)}")


def attempt(action, success: str, next_pick: str, after=None) -> None:
    """Run a service call; on success run `after`, remember the message and rerun."""
    try:
        with session_scope() as session:
            action(session)
    except ValidationFailed as error:
        st.session_state[f"errors-{key}"] = error
        st.session_state[f"errors-draft-{key}"] = draft
    except lifecycle.IllegalTransition as error:
        st.error(str(error))
        return
    else:
        st.session_state.pop(f"errors-{key}", None)
        if after is not None:
            after()
        for k in TYPED:   # saved: what is kept is what is stored
            KEPT.pop(k, None)
        if not case:      # a new case is saved: the next new case starts empty
            for k in TYPED:
                st.session_state.pop(k, None)
            st.session_state.pop(provs_key, None)
        st.session_state["cases-flash"] = success
        if next_pick != pick:
            st.session_state["cases-pick-next"] = next_pick
    st.rerun()


def save() -> None:
    attempt(lambda s: cases.save_case(session=s, actor=actor, library=library, slug=slug, draft=draft,
                                      expected_revision=case.revision if case else None,
                                      new=case is None),
            "已保存。" + ("已发布的案例修改后立即对公众生效。" if case and case.state == lifecycle.PUBLISHED else
                          "草稿不会对公众显示，确认无误后请点击“发布此案例”。"), slug,
            after=lambda: BASE.pop(slug, None))   # the next run starts from the saved text


edits.save_button("保存", key=f"save-{key}", overtaken=overtaken, overwrite=overwrite, save=save)

if case:
    seen = edits.shown_before(SHOWN, case.slug, case.revision)   # the version a click here was made on
    edits.publishing_buttons(
        state=case.state, what="案例", by=case.updated_by, at=case.updated_at, key=lambda a: f"{a}-{key}",
        overtaken=overtaken, unsaved=cases.differs_from_stored(case=case, draft=draft),
        act=lambda a: attempt(lambda s: cases.transition(session=s, actor=actor, library=library, slug=case.slug,
                                                         action=a, seen_revision=seen),
                              f"已{a}。" + ("公众现在可以看到这个案例。" if a == lifecycle.PUBLISH else "公众已看不到这个案例。"),
                              case.slug))
    if case.state == lifecycle.PUBLISHED:
        st.page_link("pages/cases.py", label="查看公开页面", query_params={"case": case.slug})

    with st.expander("修订记录"):
        with session_scope() as session:
            revisions = cases.case_revisions(session=session, actor=actor, slug=case.slug)
        record_table([{"版本": r.number, "操作": r.action, "状态": r.state, "修改人": r.author,
                       "时间": beijing_text(r.created_at), "标题": r.title} for r in revisions],
                     key=f"revisions-{key}")
        newest = max(r.number for r in revisions)   # opens on the newest (it opened on 第 1 版)
        number = st.selectbox("查看某一版的全文", sorted((r.number for r in revisions), reverse=True),
                              format_func=lambda n: f"第 {n} 版" + ("（最新）" if n == newest else ""),
                              key=f"rev-{key}")
        chosen = next(r for r in revisions if r.number == number)
        for name, label in SECTIONS.items():
            st.markdown(f"**{label}**")
            st.html(f'<div class="case-body">{render_markdown(getattr(chosen, name))}</div>')
