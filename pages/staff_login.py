"""工作人员登录 / 退出."""

import streamlit as st

from portal.roles import roles_words
from portal.staff.passwords import MIN_PASSWORD_LENGTH
from ui.auth import current_actor, oidc_configured, restore_typed_text, sign_in, sign_out
from ui.site_frame import scroll_to
from ui.staff_nav import WANTED, WANTED_PARAMS, allowed_staff_pages, staff_links, staff_title

actor = current_actor()
wanted = st.session_state.get(WANTED)
if actor is not None:   # signed in again after an expiry: what they were typing, back in its boxes
    restore_typed_text(actor.username)
if actor is not None and wanted:
    st.session_state.pop(WANTED, None)
    params = st.session_state.pop(WANTED_PARAMS, None) or None
    if wanted in allowed_staff_pages(actor):   # signed in (again): on to the page that was asked for
        st.switch_page(wanted, query_params=params)
    st.warning(f"您的账号没有使用“{staff_title(wanted)}”的权限。")
if actor is not None:
    st.title("工作台")
    st.success(f"您已登录：{actor.username}（角色：{roles_words(actor.roles)}）")
    if not actor.roles:
        st.warning("您的账号还没有分配角色，请联系管理员。")
    if links := staff_links(actor):   # where to go from here (on a phone the sidebar is behind a small »)
        st.markdown("**您可以使用：**")
        for path, label in links:
            st.page_link(path, label=label)
    st.caption("长时间不操作会自动退出登录。离开电脑前请先点击“退出登录”。")
    if st.button("退出登录", type="primary", key="logout"):
        sign_out()
        st.session_state["staff_signed_out"] = True
        st.rerun()
    st.stop()

st.title("工作人员登录")
if oidc_configured() and st.user.is_logged_in:
    st.warning("您已通过统一身份认证登录，但没有分配本系统的角色。请联系管理员。")
    if st.button("退出统一身份认证", key="oidc-logout"):
        st.logout()
if st.session_state.pop("staff_signed_out", False):
    st.success("您已退出登录。")
if st.session_state.pop("staff_expired", False):
    # the same words for every end the page cannot tell apart: idle too long, or the account
    # disabled or its password reset by an administrator (it said "idle" for those too)
    st.info("您的登录已结束，为安全起见已自动退出：较长时间未操作，或管理员停用了账号、重置了密码，都会这样。"
            "请重新登录。同一账号重新登录后，会恢复您刚才填写的文字。")
if wanted:
    st.info(f"请先登录，登录后将打开“{staff_title(wanted)}”。")
# the sidebar is hidden on a phone (under 768 px), where the menu is the ☰ 菜单 at the top
st.caption("本页面仅供信访工作人员使用。群众办理业务：手机上请点页面上方的“☰ 菜单”，电脑上请使用左侧“公众服务”栏目。")
with st.form("login", clear_on_submit=False):
    username = st.text_input("用户名", key="login-username", autocomplete="username")
    password = st.text_input("密码", type="password", key="login-password",
                             autocomplete="current-password")
    # a visible hint, not a "?" tooltip (whose button a screen reader names in English: Help for 密码)
    st.caption(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。忘记密码请联系管理员重置。")
    submitted = st.form_submit_button("登录", type="primary")
if submitted:
    outcome = sign_in(username, password)
    if outcome.ok:
        st.rerun()
    # under the form, below the fold of a laptop in 大字号: brought into view, and with the 密码 box
    # out of sight the focus goes to it, as after the staff pages' other actions. Not said from here:
    # an error is role=alert, said already (scroll_to)
    with st.container(key="login-error"):
        st.error(outcome.message)
    scroll_to(".st-key-login-error", claim=True, below_only=True)

if oidc_configured():
    st.divider()
    if st.button("使用单位统一身份认证登录", key="oidc-login"):
        st.login()
