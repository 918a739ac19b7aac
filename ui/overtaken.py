"""Two staff members editing one record (a typical case, a bank question): the later save never
overwrites the earlier one without a word.

Each open record remembers the text its boxes started from (its base). When the stored text is no
longer the base, someone else saved meanwhile: an editor who typed nothing simply gets the new text;
one who typed is told who saved when, and chooses to give up their edits or to replace the other
version. Their plain 保存 is refused until then: it was clicked on a page that did not show the
other save. The service's own version check still guards a save racing another in the same instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, MutableMapping
from typing import TypeVar

import streamlit as st

from portal.lifecycle import PUBLISH, PUBLISHING, allowed_actions
from portal.timeutil import beijing_text

T = TypeVar("T")

NOT_SAVED = "没有保存：这条内容刚被他人修改过，请看页面上方的提示。"
UNSAVED_PUBLISH = "有未保存的修改：请先保存，再发布。"
UNSAVED_SHOWN = "有未保存的修改：公众看到的仍是保存过的内容，保存后立即生效。"


def overtaken(bases: MutableMapping[Hashable, T], ident: Hashable, latest: T, *,
                 typed: Callable[[T], T], forget: Callable[[], None]) -> bool:
    """True when the record `ident` was changed by someone else since this editor's boxes were
    filled (`latest` is not their base) and the editor has typed something (`typed(base)` is not the
    base). With nothing typed, `forget` empties the boxes so that they show `latest`."""
    base = bases.setdefault(ident, latest)
    if base == latest:
        return False
    if typed(base) == base:
        forget()
        bases[ident] = latest
        return False
    return True


def choice(*, what: str, by: str, at: dt.datetime, revision: int, key: str,
           take_latest: Callable[[], None]) -> bool:
    """The warning and the two ways on; True when the editor chose to save theirs over the other
    version (the button names that version, so a click on an older warning is lost, not applied)."""
    st.warning(f"{by} 在 {beijing_text(at)} 修改并保存了这个{what}（现在是第 {revision} 版）。"
               f"您在下面的修改是在此之前的内容上做的，还没有保存。请选择：")
    cols = st.columns(2)
    cols[0].button("放弃我的修改，显示最新内容", key=f"take-latest-{key}", on_click=take_latest)
    return cols[1].button(f"保存我的修改，替换第 {revision} 版", key=f"overwrite-{key}-{revision}")


def shown_before(shown: MutableMapping[Hashable, int], ident: Hashable, revision: int) -> int:
    """The revision of record `ident` this editor's page showed before this run (the page a click in
    this run was made on), and `revision` remembered as shown now. A 发布 passes it on: a colleague's
    save that only refreshed the boxes of an editor who typed nothing is not published unseen."""
    before = shown.get(ident, revision)
    shown[ident] = revision
    return before


def dropped_click(*, key: str, action: str, what: str, state: str, by: str, at: dt.datetime) -> None:
    """A click on `action`'s button (`key`) that this run no longer draws, because a colleague moved
    the record meanwhile: said where the button was, not lost without a word."""
    if st.session_state.get(key):
        st.error(f"没有{action}：{by} 在 {beijing_text(at)} 已把这个{what}改为“{state}”。")


def publishing_buttons(*, state: str, what: str, by: str, at: dt.datetime, key: Callable[[str], str],
                       overtaken: bool, unsaved: bool, act: Callable[[str], None]) -> None:
    """发布 / 撤回 for a record in `state` (portal.lifecycle.PUBLISHING): a button for each action
    the state allows, disabled while the editor has not seen what they would publish or withdraw,
    and a click on one a colleague's move has since taken away said (dropped_click).

    发布 publishes the stored text, so while the boxes hold something else (`unsaved`) it is
    disabled and said: it would say 已发布 over text the public does not get. A click made before the
    text arrived (typed, then 发布 clicked at once: one run) is said, not dropped without a word
    (Streamlit drops a disabled button's click; it is read before the button is drawn). 撤回 takes
    away the stored text and stays."""
    for action in PUBLISHING:
        held = unsaved and action == PUBLISH
        if action not in allowed_actions(state, PUBLISHING):
            dropped_click(key=key(action), action=action, what=what, state=state, by=by, at=at)
            continue
        if held and st.session_state.get(key(action)):
            st.error(f"没有发布：{UNSAVED_PUBLISH}")
        if st.button(f"{action}此{what}", key=key(action), disabled=overtaken or held):
            act(action)
    if unsaved and not overtaken:   # (overtaken: the warning above says more)
        st.caption(UNSAVED_PUBLISH if PUBLISH in allowed_actions(state, PUBLISHING) else UNSAVED_SHOWN)


def save_button(label: str, *, key: str, overtaken: bool, overwrite: bool, save: Callable[[], None]) -> None:
    """The editor's 保存: refused while overtaken (it was clicked on a page that did not show the
    other save); their choice 保存我的修改，替换第 N 版 (`overwrite`) saves."""
    if st.button(label, type="primary", key=key):
        if overtaken:
            st.error(NOT_SAVED)
        else:
            save()
    if overtaken and overwrite:
        save()
