"""A warning on a staff page when published content of its kind cites an article the library no
longer ships, or one of a repealed law (portal.citations)."""

from __future__ import annotations

import streamlit as st

from portal.citations import StaleCitation, stale_citations
from portal.db import session_scope
from portal.laws.library import Library
from portal.text.escape import markdown_escape
from ui.links import provision_title

SHOWN = 20   # items listed on the page; setup lists them all


def warn_stale(kind: str, library: Library) -> None:
    """Above a staff editor: each published item of `kind` citing articles no longer in the 法规库
    (a warning: the citizen cannot open them), and, folded away, those citing a repealed law (it may
    be cited on purpose, to explain the rule of the time)."""
    with session_scope() as session:
        stale = stale_citations(session=session, library=library, kinds=(kind,))
    gone = [item for item in stale if item.missing]
    if gone:
        st.warning(f"以下已发布的{kind}引用的条文，法规库中已经没有（法律修订后条文可能重新编号），公众页面上不能打开。"
                   f"请核对后重新引用条文并发布：\n\n{_listed(gone, lambda item: item.missing)}")
    old = [item for item in stale if item.repealed]
    if old:
        with st.expander(f"引用已废止法律条文的已发布{kind}（{len(old)} 条）"):
            st.markdown("公众页面上这些条文标注“已废止”。法律有了新版本的，请改为引用现行的条文并发布；"
                        "为说明当时的规定而引用的，可以保留。\n\n"
                        + _listed(old, lambda item: tuple(provision_title(pid, library) for pid in item.repealed)))


def _listed(items: list[StaleCitation], cited) -> str:
    lines = "\n".join(f"- {markdown_escape(item.title)}（{markdown_escape(item.ref)}）："
                      f"{markdown_escape('、'.join(cited(item)))}" for item in items[:SHOWN])
    if len(items) > SHOWN:
        lines += f"\n- ……共 {len(items)} 条，其余的请信息化管理员运行 python -m portal setup 查看"
    return lines
