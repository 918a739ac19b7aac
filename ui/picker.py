"""A keyed st.selectbox whose option labels can change while an option stays chosen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def live_label_selectbox(label: str, options: Sequence[T], *, key: str,
                         format_func: Callable[[T], str], **selectbox_args) -> T:
    """st.selectbox(label, options, key=key, format_func=format_func, **selectbox_args), except that when the chosen
    option's label has changed since the last run (a case published: “（草稿）” became “（已发布）”)
    the value is set again.

    The browser keeps the chosen option's label, not the option: left alone it goes on showing the
    old label, and on the next click sends that label back, which no longer matches any option, so
    Streamlit falls back to the first option (the editor is thrown onto “新建”). Setting the value
    makes Streamlit send the new label with this run."""
    shown_key = f"{key}-shown-label"
    chosen = st.session_state.get(key)
    if chosen in options and st.session_state.get(shown_key, format_func(chosen)) != format_func(chosen):
        st.session_state[key] = chosen
    value = st.selectbox(label, options, key=key, format_func=format_func, **selectbox_args)
    if value is not None:   # (nothing chosen: a placeholder, no label to follow)
        st.session_state[shown_key] = format_func(value)
    return value
