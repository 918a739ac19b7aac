"""A form's errors, said once at the top and again under each field: the error summary (its links
focus their fields, by the frame script) and the jump targets it links to. Used by 预登记 and by the
staff forms (典型案例管理, 接访日程管理)."""

from __future__ import annotations

from collections.abc import Callable, Collection

import streamlit as st

from portal.field_errors import FieldError
from portal.text.escape import html_escape
from ui.site_frame import field_error, focus_once


def anchor_id(field: str) -> str:
    """The id of the jump target for `field` (a dotted name such as agents.1.phone)."""
    return "field-" + field.replace(".", "-")


def anchor(field: str) -> None:
    """A jump target for the error summary's link to `field`: the frame script focuses the first box
    after it."""
    st.markdown(f'<span id="{html_escape(anchor_id(field))}"></span>', unsafe_allow_html=True)


def error_summary(errors: list[FieldError], *, label: Callable[[str], str], title: str = "",
                  where: str = "", unlinked: Collection[str] = (), token: object = None) -> None:
    """The box at the top of a form: how many problems, each with its field and what to do, as a
    link that focuses the field; the box takes the focus once per new list. `title`: the heading
    (有 N 处需要修改 unless given); `where`: the prefix of the form's anchors (two forms on a page);
    `unlinked`: fields this form has no box for (said, not linked); `token`: what makes a list new
    (the list itself unless given: a page that draws a list once per refusal gives a new object)."""
    if not errors:
        return

    def item(e: FieldError) -> str:
        words = f"{html_escape(label(e.field))}：{html_escape(e.message)}"
        if e.field in unlinked:
            return f"<li>{words}</li>"
        return f'<li><a href="#{html_escape(anchor_id(where + e.field))}">{words}</a></li>'

    heading = html_escape(title or f"有 {len(errors)} 处需要修改")
    st.markdown(f'<div class="error-summary" id="error-summary" role="alert" tabindex="-1">'
                f'<p class="es-title" role="heading" aria-level="2">{heading}</p>'
                f'<ul>{"".join(item(e) for e in errors)}</ul></div>', unsafe_allow_html=True)
    focus_once("error-summary", id(errors) if token is None else token)


def inline_error(field: str, errors: list[FieldError]) -> None:
    """The same words as in the summary, right under the field (the frame script ties them to it)."""
    for e in errors:
        if e.field == field:
            field_error(e.message)
