"""A warning on a staff page when published content of its kind cites an article the library no
longer ships (portal.citations): the citizen sees a bare id where the link was."""

from __future__ import annotations

import streamlit as st

from portal.citations import stale_citations
from portal.db import session_scope
from portal.laws.library import Library
from portal.text.escape import markdown_escape

SHOWN = 20   # items listed on the page; setup lists them all


def warn_stale(kind: str, library: Library) -> None:
    """Name each published item of `kind` whose cited articles are no longer in the 法规库."""
    with session_scope() as session:
        stale = stale_citations(session=session, library=library, kinds=(kind,))
    if not stale:
        return
    lines = "\n".join(f"- {markdown_escape(item.title)}（{markdown_escape(item.ref)}）："
                      f"{markdown_escape('、'.join(item.missing))}" for item in stale[:SHOWN])
    if len(stale) > SHOWN:
        lines += f"\n- ……共 {len(stale)} 条，其余的请信息化管理员运行 python -m portal setup 查看"
    st.warning(f"以下已发布的{kind}引用的条文，法规库中已经没有（法律修订后条文可能重新编号）。"
               f"公众页面上这些引用不能打开，请核对后重新引用条文并发布：\n\n{lines}")
