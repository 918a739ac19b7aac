"""法治信访门户 — the domain package of the petition law portal. Never imports streamlit."""
