"""账号管理 (管理员): create accounts, change roles, disable, reset passwords."""

import streamlit as st

from portal.db import session_scope
from portal.field_errors import ValidationFailed
from portal.roles import ADMIN, ROLES
from portal.staff import accounts
from portal.staff.passwords import MIN_PASSWORD_LENGTH
from portal.text.escape import markdown_escape
from portal.timeutil import beijing_text
from ui.auth import require_page
from ui.refresh import refresh_button
from ui.site_frame import success_in_view
from ui.tables import record_table

actor = require_page(ADMIN)
st.title("账号管理")


def run(action, success: str) -> bool:
    """Call a service; show its errors in plain words. True on success."""
    try:
        with session_scope() as session:
            action(session)
    except ValidationFailed as failure:   # every problem at once, not one per try
        st.error("请修改以下问题：\n\n" + "\n".join(f"- {markdown_escape(e.message)}" for e in failure.errors))
        return False
    st.session_state["users-flash"] = success
    return True


if flash := st.session_state.pop("users-flash", None):
    success_in_view(flash, key="users-flash-box")   # 创建账号 is a screen below it on a phone

with session_scope() as session:
    users = accounts.list_users(session=session, actor=actor)
# another 管理员's change, read now (a browser refresh signs staff out)
refresh_button("edit-user", "刷新", what="账号列表")
record_table([{"用户名": u.username, "角色": u.roles.replace(",", "、") or "无",
               "状态": "停用" if u.disabled else "启用",
               "更新时间": beijing_text(u.updated_at)} for u in users], key="users")

st.subheader("新建账号")
# not cleared on submit: after a refusal (passwords differ, a name the rules refuse) what was typed
# stays, to be corrected. Emptied once the account exists by new keys (a generation): deleting the
# old keys emptied the boxes in AppTest but the browser sent its values back
gen = st.session_state.setdefault("new-user-gen", 0)
with st.form("add-user", clear_on_submit=False):
    username = st.text_input("用户名（小写字母、数字、点、横线、下划线，2–40 个字符）", key=f"new-username-{gen}")
    password = st.text_input(f"初始密码（至少 {MIN_PASSWORD_LENGTH} 个字符）", type="password", key=f"new-password-{gen}")
    confirm = st.text_input("再输入一次密码", type="password", key=f"new-confirm-{gen}")
    # no 全选 (Streamlit's select-all row, first in the list): ArrowDown then Enter gave an account
    # every role, 管理员 and 检举控告 included; each role is chosen by itself
    roles = st.multiselect("角色", ROLES, key=f"new-roles-{gen}", select_all=False)
    if st.form_submit_button("创建账号", type="primary"):
        if run(lambda s: accounts.create_user(session=s, actor=actor, username=username.strip(),
                                              password=password, confirm=confirm, roles=roles),
               f"已创建账号 {username.strip()}。"):
            for field in ("username", "password", "confirm", "roles"):   # the password held no longer
                st.session_state.pop(f"new-{field}-{gen}", None)
            st.session_state["new-user-gen"] = gen + 1
            st.rerun()

# the roles each account's box was filled from: a box still holding them follows another 管理员's change
# (it kept the old roles, and 保存角色 put them back); a box changed here keeps its choice, and is told
FILLED: dict[str, set[str]] = st.session_state.setdefault("users-roles-filled", {})


def roles_box(user) -> str:
    """The key of `user`'s 角色 box, holding the stored roles unless changed here and not yet saved."""
    key, stored = f"roles-{user.username}", set(user.role_set) & set(ROLES)
    chosen = set(st.session_state.get(key) or ()) if key in st.session_state else None
    if chosen is None or chosen in (stored, FILLED.get(user.username)):
        st.session_state[key] = [r for r in ROLES if r in stored]
        FILLED[user.username] = stored
    elif FILLED.get(user.username) != stored:
        st.warning(f"另一位管理员已把 {user.username} 的角色改为：{'、'.join(r for r in ROLES if r in stored) or '无'}。"
                   "下面是您选的角色，还没有保存；点“保存角色”会改为您选的。")
    return key


if users:
    st.subheader("修改账号")
    name = st.selectbox("选择账号", [u.username for u in users], key="edit-user")
    user = next(u for u in users if u.username == name)
    new_roles = st.multiselect("角色", ROLES, key=roles_box(user), select_all=False)
    if st.button("保存角色", key=f"save-roles-{name}"):
        if run(lambda s: accounts.set_roles(session=s, actor=actor, username=name, roles=new_roles),
               f"已更新 {name} 的角色。"):
            st.rerun()
    label = "启用账号" if user.disabled else "停用账号"
    if st.button(label, key=f"toggle-{name}"):
        if run(lambda s: accounts.set_disabled(session=s, actor=actor, username=name,
                                               disabled=not user.disabled), f"已{label[:2]} {name}。"):
            st.rerun()
    with st.form(f"reset-{name}", clear_on_submit=True):
        new_password = st.text_input("新密码", type="password", key=f"reset-pw-{name}")
        if st.form_submit_button("重置密码（同时解除锁定）"):
            if run(lambda s: accounts.reset_password(session=s, actor=actor, username=name,
                                                     password=new_password), f"已重置 {name} 的密码。"):
                st.rerun()
