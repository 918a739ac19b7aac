"""进度查询: a citizen looks up a pre-filing by code and secret, withdraws it or rates the outcome."""

import streamlit as st

from ui import lookup_view
from ui.accessibility import page_link
from ui.prefile_ui import page_css

page_css()
st.title("进度查询")
code = st.query_params.get("code")
if code and "lk_code" not in st.session_state:
    st.session_state.lk_code = code

told = lookup_view.announce()
view = st.session_state.get("lk_view")
if view is None:
    lookup_view.ask(ended=told == lookup_view.LEFT)
    page_link("pages/prefile.py", label="还没有提交？去网上预登记", icon=":material/edit_note:")
else:   # a filing on screen was submitted: 还没有提交？ is not a question for its reader
    lookup_view.show(lookup_view.current(view))
