"""Placeholder until this service opens."""

import streamlit as st

st.title(st.session_state.get("_page_title", "即将开通"))
st.info("本栏目即将开通，敬请关注。您可以先访问「法规库」查阅法律法规原文。")
st.page_link("pages/laws.py", label="前往法规库", icon=":material/menu_book:")
