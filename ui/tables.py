"""Staff lists (the queue, accounts, 操作日志, a case's 修订记录): one function draws them all.

Streamlit's grid (st.dataframe) draws its words on a canvas, at its own size and in its own
colours: 大字号 switched on after the page loaded leaves it small, 高对比度 leaves its headings grey,
and on a phone it shows two or three columns of many. Where it fails the reader, a page table takes
its place, whose text the page's size and colours set and which stacks into one card per row on a
phone (ui.site_frame's stack-table)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import streamlit as st

from portal.text.escape import markdown_escape
from ui.accessibility import CONTRAST, LARGE, TABLE_TEXT_REM
from ui.site_frame import card_rules, say, scroll_to

# the page table shows this many rows at a time: 300 件 as cards on a phone were some 74,000 px
PAGE_ROWS = 20
_TURNED = "table-page-turned"   # the key of the list whose 下一页 was just pressed (brought into view)

# a wide screen keeps the grid (sorting, search); a phone gets the cards of the page table
_CSS = """<style>
@media (max-width: 640px) { [class*="st-key-record-grid-"] {display:none !important;} }
@media (min-width: 641px) { [class*="st-key-stack-table-phone-"] {display:none !important;} }
/* a heading is kept whole (问题属/地 in a narrow column); a cell's words may wrap, so a long 说明
   still fits a phone */
[class*="st-key-stack-table"] :is(th, th *) {word-break:keep-all !important;}
</style>"""


# The page table's widths, estimated in em of its text: a wide (W) or full-width (F) character is
# 1 em, any other ~0.55 em (Noto Sans CJK's digits and Latin capitals; a space is less), and a cell's
# padding 0.7 em. A column whose values and heading fit WHOLE_EM is kept on one line where the table
# has room for all such columns and REST_EM for each of the others; with less room it is drawn as
# cards. In 大字号 its text is ui.accessibility's TABLE_TEXT_REM.
WHOLE_EM = 12.0
REST_EM = 6.0
PAD_EM = 0.7


def text_em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def table_widths(rows: Sequence[Mapping[str, object]]) -> tuple[list[int], float]:
    """The columns (from 1, as CSS's nth-child counts) to keep on one line, and the width in rem the
    table needs to show them so (with REST_EM for each other column)."""
    if not rows:
        return [], 0.0
    whole, need = [], 0.0
    for i, column in enumerate(rows[0], start=1):
        em = max(text_em(str(column)), *(text_em(str(row.get(column, ""))) for row in rows)) + PAD_EM
        if em <= WHOLE_EM:
            whole.append(i)
            need += em
        else:
            need += REST_EM
    return whole, round(need * TABLE_TEXT_REM, 1)


def _width_css(key: str, rows: Sequence[Mapping[str, object]]) -> str:
    """The page table by the width it has, not the screen's: where its short columns fit whole
    (a 查询码, a date, a state; 大字号's column is 920 px on a wide screen) they keep one line;
    narrower (a laptop's 1024 px beside the sidebar, a tablet) one card per row, as on a phone,
    rather than seven columns squeezed until 已提交 and a 查询码 broke inside their words."""
    box = f".st-key-stack-table-{key}"
    whole, need = table_widths(rows)
    cells = ", ".join(f"{box} td:nth-child({i}), {box} td:nth-child({i}) *" for i in whole)
    kept = f"@container (width >= {need}rem) {{ {cells} {{white-space:nowrap !important;}} }}" if cells else ""
    return (f"{box} {{container-type:inline-size;}}\n"
            f"@container (width < {need}rem) {{ {card_rules(box)} }}\n{kept}")


def grid_fails() -> bool:
    """大字号 or 高对比度: the grid would keep its own small grey words."""
    return bool(st.session_state.get(LARGE) or st.session_state.get(CONTRAST))


def inert_rows(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Rows for st.table, which renders each cell as Markdown: a citizen's 问题属地 of
    ![](http://…) would fetch an image from the writer's server on every staff screen (telling them
    who works the 件, and when), a [link](…) would be a link to click. Text cells are made inert."""
    return [{k: markdown_escape(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


def _styled(rows: list[Mapping[str, object]], row_styles: Sequence[str]) -> object:
    if not row_styles:
        return rows
    import pandas as pd  # ships with streamlit

    styles = list(row_styles)
    return pd.DataFrame(rows).style.apply(lambda row: [styles[row.name]] * len(row), axis=1)


def record_table(rows: Sequence[Mapping[str, object]], *, key: str, row_styles: Sequence[str] = (),
                 unit: str = "条") -> None:
    """`rows` as a staff list; `row_styles` gives a row its CSS (e.g. an overdue 件 in red), in order.

    In 大字号 or 高对比度 only the page table is drawn; otherwise the grid, and the page table for a
    phone (each hidden by the screen's width). The grid shows text as it is and scrolls inside its
    frame; the page table (Markdown cells) gets it made inert and shows PAGE_ROWS rows at a time
    (`unit` counts them: 第 1–20 件（共 300 件）), in the order given."""
    st.html(_CSS)
    if grid_fails():
        st.html(f"<style>{_width_css(key, rows)}</style>")
        with st.container(key=f"stack-table-{key}"):
            _paged_table(rows, row_styles, key=key, unit=unit)
        return
    with st.container(key=f"record-grid-{key}"):   # no unaudited download: config sets disableDataExport
        st.dataframe(_styled(list(rows), row_styles), hide_index=True, width="stretch", key=f"grid-{key}")
    with st.container(key=f"stack-table-phone-{key}"):   # its pager is hidden with it on a wide screen
        _paged_table(rows, row_styles, key=key, unit=unit)


def page_words(index: int, total: int, unit: str) -> str:
    """第 21–40 件（共 300 件）: which rows page `index` (from 0) of a list of `total` shows."""
    first, last = index * PAGE_ROWS + 1, min((index + 1) * PAGE_ROWS, total)
    return f"第 {first}–{last} {unit}（共 {total} {unit}）"


def _paged_table(rows: Sequence[Mapping[str, object]], row_styles: Sequence[str], *, key: str, unit: str) -> None:
    pages = -(-len(rows) // PAGE_ROWS)
    if pages <= 1:
        st.table(_styled(inert_rows(rows), row_styles), hide_index=True)
        return
    S = st.session_state
    pick = f"table-page-{key}"
    # another list (a filter changed: its length, first or last row differ) starts at its first page,
    # where the most urgent rows are; the same list after an action on one of its rows keeps its page
    seen = (len(rows), repr(rows[0]), repr(rows[-1]))
    if S.get(f"{pick}-list") != seen or not isinstance(S.get(pick), int) or not 0 <= S[pick] < pages:
        S[pick] = 0
    S[f"{pick}-list"] = seen
    index = st.selectbox(f"分页显示（每页 {PAGE_ROWS} {unit}）", range(pages), key=pick,
                         format_func=lambda i: page_words(i, len(rows), unit))
    if S.pop(_TURNED, None) == key:   # pressed at the foot of the last page: its top, said; the pager not
        # focused (a select of more than 10 options takes typing: a phone's keyboard would cover the cards)
        scroll_to(f".st-key-{pick}")
        say(f"现在显示{page_words(index, len(rows), unit)}")
    start = index * PAGE_ROWS
    shown = slice(start, start + PAGE_ROWS)
    st.table(_styled(inert_rows(rows[shown]), list(row_styles)[shown] if row_styles else ()), hide_index=True)
    if index + 1 < pages:
        st.button(f"下一页：{page_words(index + 1, len(rows), unit)}", key=f"table-next-{key}",
                  on_click=_turn, args=(pick, index + 1, key))


def _turn(pick: str, index: int, key: str) -> None:
    st.session_state[pick] = index
    st.session_state[_TURNED] = key
