"""工作台 pages (AppTest): sign-in and out, pages per role, no way in by tampering with state."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.cases.service import published_case
from portal.identity import Actor
from portal.roles import ADMIN, COUNSEL, EDITOR, HANDLER, REPORTS
from portal.staff.auth import failed_name_tag
from tests.conftest import page_text
from tests.staff.factories import PASSWORD, make_user
from tests.staff.portal_db import ready_engine, signed_in_state
from ui.staff_nav import allowed_staff_pages

STAFF_TITLES = {"pages/staff_cases.py": "典型案例管理", "pages/staff_users.py": "账号管理",
                "pages/staff_audit.py": "操作日志", "pages/staff_schedule.py": "接访日程管理",
                "pages/staff_queue.py": "预登记办理", "pages/staff_bank.py": "常见问题库",
                "pages/staff_dashboard.py": "数据看板", "pages/staff_guide.py": "信访指南编辑"}
STAFF_PAGES = list(STAFF_TITLES)


@pytest.mark.parametrize(("roles", "expected"), [
    ((), ["pages/staff_login.py"]),
    ((EDITOR,), ["pages/staff_login.py", "pages/staff_cases.py", "pages/staff_schedule.py",
                 "pages/staff_guide.py"]),
    ((HANDLER,), ["pages/staff_login.py", "pages/staff_queue.py", "pages/staff_dashboard.py"]),
    ((REPORTS,), ["pages/staff_login.py"]),
    ((ADMIN,), ["pages/staff_login.py", "pages/staff_dashboard.py", "pages/staff_users.py",
                "pages/staff_audit.py"]),
    ((COUNSEL,), ["pages/staff_login.py", "pages/staff_bank.py"]),
])
def test_navigation_lists_only_the_pages_a_role_may_open(roles, expected):
    assert allowed_staff_pages(Actor("x", frozenset(roles))) == expected
    assert allowed_staff_pages(None) == ["pages/staff_login.py"]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_pages_refuse_visitors_and_forged_state(app_page, page):
    ready_engine()
    forged = {"staff_token": "forged", "actor": Actor("hacker", frozenset({ADMIN, EDITOR})),
              "roles": [ADMIN], "username": "admin"}
    for state in ({}, forged):
        at = app_page(page, session_state=state)
        # the page's address opens 工作人员登录, which names the page it will open after signing in
        # (a reload or a bookmark of a staff page starts a new, signed-out session)
        assert f"请先登录，登录后将打开“{STAFF_TITLES[page]}”" in page_text(at)
        assert [t.value for t in at.title] == ["工作人员登录"]
        staff_keys = ("title-", "slug-", "new-", "audit-", "q-", "dash-")
        assert not at.dataframe and not [w for w in at.text_input if (w.key or "").startswith(staff_keys)]


@pytest.mark.parametrize(("roles", "page", "allowed"), [
    ((EDITOR,), "pages/staff_cases.py", True), ((EDITOR,), "pages/staff_users.py", False),
    ((EDITOR,), "pages/staff_audit.py", False), ((ADMIN,), "pages/staff_users.py", True),
    ((ADMIN,), "pages/staff_audit.py", True), ((ADMIN,), "pages/staff_cases.py", False),
    ((HANDLER, REPORTS), "pages/staff_cases.py", False), ((HANDLER,), "pages/staff_users.py", False),
    ((HANDLER,), "pages/staff_queue.py", True), ((EDITOR, REPORTS), "pages/staff_queue.py", False),
    ((COUNSEL,), "pages/staff_bank.py", True), ((EDITOR, ADMIN), "pages/staff_bank.py", False),
    ((ADMIN,), "pages/staff_dashboard.py", True), ((HANDLER,), "pages/staff_dashboard.py", True),
    ((REPORTS,), "pages/staff_dashboard.py", False), ((EDITOR, COUNSEL), "pages/staff_dashboard.py", False),
])
def test_each_role_opens_only_its_pages(app_page, roles, page, allowed):
    """A page the role may not open is not in its navigation: the address lands on 工作台 instead
    (nothing of the page drawn, no error)."""
    at = app_page(page, session_state=signed_in_state(*roles))
    assert [t.value for t in at.title] == ([STAFF_TITLES[page]] if allowed else ["工作台"])


def test_login_and_logout_through_the_page(app_page):
    engine = ready_engine()
    name = f"p{uuid.uuid4().hex[:8]}"
    with Session(engine) as s:
        make_user(s, name, EDITOR)
        s.commit()
    at = app_page("pages/staff_login.py")
    # a citizen who came here is sent back by the menu they can see (on a phone: ☰ 菜单)
    assert "手机上请点页面上方的“☰ 菜单”，电脑上请使用左侧“公众服务”栏目" in page_text(at)
    at.text_input(key="login-username").input(name)
    at.text_input(key="login-password").input("wrong password here")
    at.button[0].click().run()
    assert "用户名或密码不正确" in page_text(at) and "staff_token" not in at.session_state
    brought = [el.proto.body for el in at.html if ".st-key-login-error" in el.proto.body]
    assert brought and all("if (!false || told" in body for body in brought), "an error (role=alert) said twice"
    at.text_input(key="login-password").input(PASSWORD)
    at.button[0].click().run()
    assert f"您已登录：{name}" in page_text(at)
    at.button(key="logout").click().run()
    assert "工作人员登录" in page_text(at) and "staff_token" not in at.session_state
    assert "您已退出登录。" in page_text(at)
    at.run()
    assert "您已退出登录。" not in page_text(at), "said once"
    with Session(engine) as s:
        actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.target == name))]
        failed = s.exec(select(AuditEntry).where(AuditEntry.target == failed_name_tag(name))).all()
    assert actions[-2:] == ["login", "logout"]
    assert [e.action for e in failed] == ["login_failed"]  # the typed name only as a keyed hash


def _accounts(*roles: str) -> list[str]:
    """A fresh staff account per role; their user names."""
    names = [f"u{uuid.uuid4().hex[:8]}" for _ in roles]
    with Session(ready_engine()) as s:
        for name, role in zip(names, roles, strict=True):
            make_user(s, name, role)
        s.commit()
    return names


def _expire_sessions_of(username: str) -> None:
    import datetime as dt

    from portal.staff.models import StaffSession

    with Session(ready_engine()) as s:
        for row in s.exec(select(StaffSession).where(StaffSession.username == username)):
            row.last_seen_at = row.last_seen_at - dt.timedelta(hours=3)
            s.add(row)
        s.commit()


def _sign_in_on(at, name: str) -> None:
    at.switch_page("pages/staff_login.py")   # where the browser is after the redirect (AppTest stays)
    at.text_input(key="login-username").input(name)
    at.text_input(key="login-password").input(PASSWORD)
    [b for b in at.button if b.label == "登录"][0].click().run()


def test_a_staff_page_opened_signed_out_opens_after_signing_in(app_page):
    """A reload or a bookmark of 预登记办理 (a new session): sign in, and the queue opens; an 编辑
    is told the page is not theirs instead of landing on the home page."""
    handler, editor = _accounts(HANDLER, EDITOR)
    for name, lands in ((handler, "预登记办理"), (editor, "工作台")):
        at = app_page("pages/staff_queue.py")
        assert "请先登录，登录后将打开“预登记办理”" in page_text(at)
        _sign_in_on(at, name)
        assert [t.value for t in at.title] == [lands], name
        if name == editor:
            assert "您的账号没有使用“预登记办理”的权限" in page_text(at)


def test_a_link_to_one_filing_opened_signed_out_still_finds_it_after_signing_in(app_page):
    """数据看板's links (and a bookmark) open 预登记办理 at one 查询码: /staff_queue?code=…. Opened
    signed out, the sign-in came between, and the queue opened unfiltered."""
    [handler] = _accounts(HANDLER)
    at = app_page("pages/staff_queue.py", code="K7M2P9Q4RT")
    assert "请先登录，登录后将打开“预登记办理”" in page_text(at)
    _sign_in_on(at, handler)
    assert [t.value for t in at.title] == ["预登记办理"]
    assert at.text_input(key="q-code").value == "K7M2P9Q4RT"


def test_a_new_cases_web_name_carries_the_beijing_date(app_page, monkeypatch):
    """At 00:30 on 1 January 2027 in Beijing (16:30 UTC the day before, a UTC server's date) the
    proposed 网址名 is dated 20270101."""
    import datetime as dt

    import portal.timeutil

    app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))   # modules loaded first
    monkeypatch.setattr(portal.timeutil, "utcnow", lambda: dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC))
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    assert at.text_input(key="slug-new").value.startswith("case-20270101-")


def test_a_new_cases_error_summary_links_each_problem_to_its_box(app_page):
    """保存 on an empty new case: each problem in the summary is a link to a jump target before its
    box (the frame script focuses the box), as 预登记's summary does (r48a). Plain text before."""
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    at.button(key="save-new").click().run()
    marks = "\n".join(str(m.value) for m in at.markdown)
    [summary] = [m for m in marks.split("\n") if 'id="error-summary"' in m]
    for field, words in (("title", "标题：请填写标题。"), ("facts", "案情：请填写案情。"),
                         ("significance", "典型意义：请填写典型意义。")):
        assert f'<a href="#field-{field}">{words}</a>' in summary
        assert f'<span id="field-{field}"></span>' in marks


def test_editor_writes_and_publishes_a_case_in_the_page(app_page, library):
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    slug = f"ui-{uuid.uuid4().hex[:8]}"
    at.text_input(key="slug-new").input(slug)
    at.text_input(key="title-new").input("页面里写的案例")
    for name in ("facts", "process", "result", "significance"):
        at.text_area(key=f"{name}-new").input(f"{name} 的内容，**加粗**。")
    at.button(key="save-new").click().run()
    assert "请至少选择一条法律依据" in page_text(at)  # inline + summary, nothing stored
    # 保存 is at the foot of the form: the summary above takes the focus (audit 27, S-m5), and each
    # problem in it is a link that focuses its box, as on 预登记 (r48a)
    assert any('getElementById("error-summary")' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)
    marks = "\n".join(str(m.value) for m in at.markdown)
    [summary] = [m for m in marks.split("\n") if 'id="error-summary"' in m]
    assert "请修改以下问题后再保存" in summary
    assert '<a href="#field-provisions">法律依据：请至少选择一条法律依据。</a>' in summary
    assert '<span id="field-provisions"></span>' in marks
    at.text_input(key="title-new").input("页面里写的案例（改过）")   # a changed field clears stale errors
    at.run()
    assert "请至少选择一条法律依据" not in page_text(at) and "请修改以下问题" not in page_text(at)
    at.text_input(key="title-new").input("页面里写的案例")
    at.run()
    at.button(key="add-new").click().run()  # first article of the first law in the picker
    at.button(key="save-new").click().run()
    # a basis without its reason read "《…》第N条：" and nothing after it on the public page
    assert "的适用理由（一句话）" in page_text(at) and "已保存" not in page_text(at)
    [reason] = [t for t in at.text_input if str(t.key).startswith("reason-new-")]
    reason.input("信访工作条例的总则。")
    at.run()
    at.button(key="save-new").click().run()
    assert "已保存" in page_text(at), page_text(at)
    # 保存 is at the foot of the form: the page is brought to the message
    assert any('".st-key-cases-flash-shown"' in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)
    assert at.session_state["cases-pick"] == slug
    at.button(key=f"发布-{slug}").click().run()
    assert "已发布" in page_text(at)
    with Session(ready_engine()) as s:
        assert published_case(session=s, slug=slug).title == "页面里写的案例"
    public = app_page("pages/cases.py", case=slug)
    assert "页面里写的案例" in page_text(public)


def test_the_case_picker_names_the_new_state_right_after_publish_and_withdraw(app_page, library):
    """The browser keeps the chosen option's label, not the case: unless the run after 发布 / 撤回
    (or after another editor's) sends the new label, the picker goes on saying the old state, and
    the next click sends that old label back and lands the editor on ＋ 新建案例."""
    from portal.cases import service
    from tests.cases.factories import EDITOR_ACTOR
    from tests.pages.test_case_conflict_page import open_case

    at, slug = open_case(app_page, library, "标签跟上状态的案例")
    assert f"标签跟上状态的案例（草稿）　{slug}" in at.selectbox(key="cases-pick").options

    def shown_label() -> str | None:
        picker = at.selectbox(key="cases-pick").proto
        return picker.raw_value if picker.set_value else None   # None: the browser keeps its old label

    for action, state in (("发布", "已发布"), ("撤回", "已撤回")):
        at.button(key=f"{action}-{slug}").click().run()
        assert f"已{action}。" in page_text(at)
        assert shown_label() == f"标签跟上状态的案例（{state}）　{slug}", action
        assert at.selectbox(key="cases-pick").value == slug
        at.run()                                  # an ordinary run after it sends nothing new
        assert shown_label() is None and at.selectbox(key="cases-pick").value == slug
    with Session(ready_engine()) as s:            # another editor publishes it meanwhile
        service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug=slug)
        s.commit()
    at.run()
    assert shown_label() == f"标签跟上状态的案例（已发布）　{slug}"


def test_a_new_case_is_not_marked_fictional_until_the_editor_says_so(app_page):
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    assert at.checkbox(key="illustrative-new").value is False


def test_switching_cases_keeps_unsaved_edits(app_page):
    at = app_page("pages/staff_cases.py", session_state=signed_in_state(EDITOR))
    at.text_input(key="title-new").input("还没保存的新案例")
    at.text_area(key="facts-new").input("案情写到一半。")
    at.run()
    shown = at.selectbox(key="cases-pick").proto.options[1]            # 标题（状态） of the first case
    at.selectbox(key="cases-pick").select_index(1).run()                 # look at another case …
    assert "title-new" not in [w.key for w in at.text_input]
    assert at.text_input(key=f"title-{at.selectbox(key='cases-pick').value}").value == shown.rsplit("（", 1)[0]
    at.selectbox(key="cases-pick").select("＋ 新建案例").run()           # … and come back
    assert at.text_input(key="title-new").value == "还没保存的新案例"
    assert at.text_area(key="facts-new").value == "案情写到一半。"


def test_admin_sees_audit_log_and_users(app_page):
    state = signed_in_state(ADMIN)
    audit = page_text(app_page("pages/staff_audit.py", session_state=state))
    assert "操作日志" in audit and "不能修改或删除" in audit
    users = app_page("pages/staff_users.py", session_state=state)
    assert "新建账号" in page_text(users)


def test_the_audit_log_finds_a_reference_code_typed_as_the_queue_shows_it(app_page):
    from portal.audit.service import TRANSITION, record
    from portal.prefiling import codes

    code = codes.new_reference_code()
    with Session(ready_engine()) as s:
        record(session=s, actor_name="clerk", action=TRANSITION, target=f"prefiling:{code}", detail="登记")
        s.commit()
    at = app_page("pages/staff_audit.py", session_state=signed_in_state(ADMIN))
    at.text_input(key="audit-target").input(codes.grouped(code).lower()).run()   # ABCD-EFGH-JK, any case
    [table] = at.dataframe
    assert list(table.value["对象"]) == [f"预登记 {codes.grouped(code)}"]   # in words, not prefiling:…


def _box(at, label: str):
    return next(box for box in at.text_input if box.label.startswith(label))


def _roles(at):
    return next(box for box in at.multiselect if box.label == "角色")


def test_a_refused_new_account_keeps_what_was_typed_and_a_created_one_empties_the_form(app_page):
    at = app_page("pages/staff_users.py", session_state=signed_in_state(ADMIN))
    name = f"zhao{uuid.uuid4().hex[:6]}"
    _box(at, "用户名").input(name)
    _box(at, "初始密码").input("a-long-password-1")
    _box(at, "再输入一次密码").input("a-long-password-2")
    _roles(at).select(EDITOR)
    [b for b in at.button if b.label == "创建账号"][0].click().run()
    assert "两次输入的密码不一致" in page_text(at)
    assert _box(at, "用户名").value == name and _roles(at).value == [EDITOR]
    _box(at, "再输入一次密码").input("a-long-password-1")
    [b for b in at.button if b.label == "创建账号"][0].click().run()
    assert f"已创建账号 {name}" in page_text(at)
    assert _box(at, "用户名").value == "" and _roles(at).value == []


def test_roles_are_granted_one_by_one_with_no_select_all(app_page):
    """Streamlit's 全选 row came first in 角色's list: ArrowDown then Enter gave the account all five
    roles, 管理员 and 检举控告 included. Neither 角色 box (新建账号, 修改账号) offers it."""
    at = app_page("pages/staff_users.py", session_state=signed_in_state(ADMIN))
    boxes = [box for box in at.multiselect if box.label == "角色"]
    assert len(boxes) == 2
    # select_all 0: never shown (the default, 1000, shows it for 2 to 1000 options)
    assert [box.proto.select_all for box in boxes] == [0, 0]


def test_a_new_account_with_several_problems_hears_of_all_of_them_at_once(app_page):
    at = app_page("pages/staff_users.py", session_state=signed_in_state(ADMIN))
    _box(at, "用户名").input("Zhao Li")
    _box(at, "初始密码").input("short")
    _box(at, "再输入一次密码").input("shorter")
    [b for b in at.button if b.label == "创建账号"][0].click().run()
    [said] = [e.value for e in at.error]
    from portal.staff.passwords import password_problem

    assert "用户名只能用小写字母" in said and "两次输入的密码不一致" in said and password_problem("short") in said
    assert said.count("\n- ") == 3, said


def writing_a_new_case(app_page, editor: str, title: str, facts: str):
    """`editor` signed in on 典型案例管理, a new case's 标题 and 案情 typed and not saved."""
    at = app_page("pages/staff_login.py")
    _sign_in_on(at, editor)
    at.switch_page("pages/staff_cases.py").run()
    at.text_input(key="title-new").input(title)
    at.text_area(key="facts-new").input(facts)
    at.run()
    return at


def test_text_typed_before_the_session_expired_comes_back_after_signing_in_again(app_page):
    """The session runs out while a case is being written: 保存 leads to 工作人员登录, and signing in
    as the same person opens the page with the text back in its boxes; a colleague signing in on
    the same tab gets none of it."""
    editor, colleague = _accounts(EDITOR, EDITOR)
    for who, gets_it_back in ((editor, True), (colleague, False)):
        at = writing_a_new_case(app_page, editor, "写了二十分钟的案例标题", "案情写了很长一段。")
        _expire_sessions_of(editor)
        at.button(key="save-new").click().run()                     # the session has run out
        assert "您的登录已结束，为安全起见已自动退出" in page_text(at) and "请先登录，登录后将打开“典型案例管理”" in page_text(at)
        _sign_in_on(at, who)
        assert [t.value for t in at.title] == ["典型案例管理"]
        title = at.text_input(key="title-new").value
        assert (title == "写了二十分钟的案例标题") == gets_it_back, (who, title)
        assert (at.text_area(key="facts-new").value == "案情写了很长一段。") == gets_it_back
        assert any("已恢复您退出登录前填写的内容" in t.value for t in at.toast) == gets_it_back
        assert "staff_kept" not in at.session_state


def test_an_account_disabled_while_signed_in_is_not_told_it_was_idle(app_page):
    """The staleness audit: a disabled account's next click led to 工作人员登录 saying only that
    it had been idle too long."""
    from portal.identity import Actor
    from portal.roles import ADMIN
    from portal.staff.accounts import set_disabled

    [editor] = _accounts(EDITOR)
    at = writing_a_new_case(app_page, editor, "停用前写的标题", "停用前写的案情。")
    with Session(ready_engine()) as s:
        set_disabled(session=s, actor=Actor("admin-wang", frozenset({ADMIN})), username=editor)
        s.commit()
    at.button(key="save-new").click().run()
    text = page_text(at)
    assert "您的登录已结束" in text and "管理员停用了账号、重置了密码" in text
    assert [t.value for t in at.title] == ["工作人员登录"]


def test_no_password_box_is_ever_kept_across_an_expiry():
    """Every password box's key (as written in pages/ and ui/) is one the expiry keeping skips."""
    import re
    from pathlib import Path

    from tests.conftest import ROOT
    from ui.auth import _NOT_KEPT

    keys = []
    for path in [*Path(ROOT, "pages").glob("*.py"), *Path(ROOT, "ui").glob("*.py")]:
        for call in re.findall(r"text_input\([^()]*?type=\"password\"[^()]*?\)|text_input\([^()]*?\)", path.read_text()):
            if 'type="password"' in call and (m := re.search(r'key=f?"([^"]+)"', call)):
                keys.append(m.group(1))
    assert len(keys) >= 5, keys
    assert all(any(part in key for part in _NOT_KEPT) for key in keys), keys


def test_signed_in_staff_find_their_pages_on_the_workbench_and_in_the_phone_menu(app_page):
    """On a phone the sidebar is a small » away: 工作台 lists the pages the account may open, and so
    does the ☰ 菜单 (after the public pages, with 工作台 for 工作人员登录); a visitor's menu has none."""
    def links(at) -> list[str]:
        return [e.proto.label.removesuffix("（当前页面）") for e in at.get("page_link")]

    editor_handler = signed_in_state(EDITOR, HANDLER)
    at = app_page("pages/staff_login.py", session_state=editor_handler)
    shown = links(at)
    for title in ("典型案例管理", "接访日程管理", "信访指南编辑", "预登记办理", "数据看板"):
        assert shown.count(title) == 2, (title, shown)          # the 工作台 page and the menu
    assert "账号管理" not in shown and "常见问题库" not in shown and "操作日志" not in shown
    # the 工作台 page (its 退出登录 button signs out), by its own name: a link called 退出登录 that
    # did not sign out left a clerk signed in who thought otherwise
    assert "工作台" in shown and "退出登录" not in shown and "工作人员登录" not in shown
    assert "您可以使用：" in page_text(at)

    visitor = links(app_page("pages/home.py"))
    assert "工作人员登录" in visitor and not {"典型案例管理", "预登记办理", "退出登录"} & set(visitor)


def _writing_a_reply(app_page, reply: str):
    """A handler signed in on 预登记办理 with a new 件 open and `reply` typed in its 需补充材料 box,
    not sent: (the AppTest, the handler's name, the stored 件)."""
    from tests.pages.test_staff_queue_page import district, stored

    [handler] = _accounts(HANDLER)
    made = stored(district=district())
    at = app_page("pages/staff_login.py")
    _sign_in_on(at, handler)
    at.switch_page("pages/staff_queue.py").run()
    at.selectbox(key="q-open").set_value(made.prefiling.id).run()
    at.text_area(key=f"reply-request_more-{made.prefiling.id}").input(reply)
    return at, handler, made


def _press_with_the_database_away(at, made, monkeypatch) -> None:
    """请信访人补充材料 pressed while the database refuses connections (the session check fails
    first), then the database back."""
    from portal.staff import auth as staff_auth
    from tests.conftest import database_away

    with monkeypatch.context() as away:
        away.setattr(staff_auth, "resume", database_away)
        at.button(key=f"do-request_more-{made.prefiling.id}").click().run()


def test_a_reply_typed_before_the_session_expired_comes_back_with_its_filing_open(app_page):
    """预登记办理: the session runs out while a reply is being written; signing in again opens the
    same 件 with the reply back in its box (the 件 was closed and the reply lost, though the page
    said it was restored)."""
    reply = "经核查，已督促物业公司于本月修复屋顶。"
    at, handler, made = _writing_a_reply(app_page, reply)
    at.run()
    _expire_sessions_of(handler)
    at.button(key=f"do-request_more-{made.prefiling.id}").click().run()   # the session has run out
    assert "您的登录已结束，为安全起见已自动退出" in page_text(at)
    _sign_in_on(at, handler)
    assert [t.value for t in at.title] == ["预登记办理"]
    assert at.selectbox(key="q-open").value == made.prefiling.id
    assert at.text_area(key=f"reply-request_more-{made.prefiling.id}").value == reply


def test_a_reply_typed_when_the_database_went_away_comes_back_with_it(app_page, monkeypatch):
    """预登记办理: the database stops while a reply is being written, and the button shows the fault
    page (the reply box is not drawn, so Streamlit forgot its text, which the fault message asked to
    copy). With the database back, the same 件 is open with the reply in its box, and it is said."""
    reply = "请补充漏水处的照片和物业的维修记录。"
    at, _handler, made = _writing_a_reply(app_page, reply)
    box = f"reply-request_more-{made.prefiling.id}"
    _press_with_the_database_away(at, made, monkeypatch)
    assert at.exception                              # the fault page: no boxes drawn
    assert not [t for t in at.text_area if t.key == box]
    at.run()                                         # the database is back
    assert not at.exception
    assert at.selectbox(key="q-open").value == made.prefiling.id
    assert at.text_area(key=box).value == reply
    assert any("已恢复系统故障前您填写的内容" in t.value for t in at.toast)
    assert "staff_kept_away" not in at.session_state
    at.run()
    assert not any("已恢复" in t.value for t in at.toast)   # said once


def test_with_the_session_uncheckable_the_frame_stays_and_public_pages_still_work(app_page, monkeypatch):
    """The database away when a signed-in handler's session is checked, first thing in a run: the
    whole portal was replaced by the fault, with no header, footer or menu, even on 信访指南, which
    needs no database. Now the frame stays, the staff page says so in its own area, the public
    pages work, and with the database back the handler is still signed in on the same page."""
    from portal.staff import auth as staff_auth
    from tests.conftest import database_away, html_bodies

    at, _handler, _made = _writing_a_reply(app_page, "请补充照片。")
    with monkeypatch.context() as away:
        away.setattr(staff_auth, "resume", database_away)
        at.run()
        frame = html_bodies(at)
        assert at.exception and "主办单位" in frame and "site-header" in frame
        assert not [t for t in at.title if t.value == "预登记办理"]         # the page itself is not run
        at.switch_page("pages/guide.py").run()
        assert not at.exception and [t.value for t in at.title] == ["信访指南"]
    at.run()                                              # the database back: still signed in
    at.switch_page("pages/staff_queue.py").run()
    assert not at.exception and [t.value for t in at.title] == ["预登记办理"]


def test_text_given_back_after_a_fault_is_not_found_by_a_colleague_signing_in_on_the_tab(app_page, monkeypatch):
    """The handler's reply comes back after the fault on whatever page the tab is on (here one
    without its box, where Streamlit drops it again at the end of the run: the give-back writes
    the boxes' own keys, never a copy of its own); the handler walks away, and a colleague who
    signs in on the same tab and opens the same 件 finds its box empty."""
    at, handler, made = _writing_a_reply(app_page, "经核查，物业已同意维修。")
    box = f"reply-request_more-{made.prefiling.id}"
    _press_with_the_database_away(at, made, monkeypatch)
    assert at.exception
    at.switch_page("pages/staff_login.py").run()   # the reply is given back on 工作台, where it has no box
    assert any("已恢复系统故障前您填写的内容" in t.value for t in at.toast)
    _expire_sessions_of(handler)                   # the handler walks away
    at.run()
    [colleague] = _accounts(HANDLER)
    _sign_in_on(at, colleague)
    at.switch_page("pages/staff_queue.py").run()
    at.selectbox(key="q-open").set_value(made.prefiling.id).run()
    assert at.text_area(key=box).value == ""



def test_every_export_of_a_reference_code_is_found_by_it_and_the_log_reads_by_date(app_page):
    """A 件 that went out in a CSV of 300 was named in the export's entry only if it fitted in its
    1000 characters: each exported 件 now has its own entry, and 操作日志 finds it by 查询码; the
    dates (Beijing days) bound what is read."""
    import datetime as dt

    from portal.prefiling import codes, export
    from portal.prefiling.queue import QueueRow
    from portal.timeutil import beijing_today
    from tests.prefiling.factories import make_prefiling

    with Session(ready_engine()) as s:
        made = [make_prefiling(s) for _ in range(3)]
        rows = [QueueRow(m.prefiling.id, m.code, "已提交", "其他", "历下区", beijing_today(), 15) for m in made]
        s.add(AuditEntry(actor_name="clerk", action="transition", target=f"prefiling:{made[2].code}", detail="很久以前",
                         at=dt.datetime(2025, 1, 1, 3, tzinfo=dt.UTC)))
        s.commit()
        export.export_csv(session=s, actor=Actor("clerk", frozenset({HANDLER})), rows=rows)
    at = app_page("pages/staff_audit.py", session_state=signed_in_state(ADMIN))
    at.text_input(key="audit-target").input(codes.grouped(made[2].code)).run()
    [table] = at.dataframe
    assert list(table.value["说明"]) == ["随预登记列表导出（不含身份信息，共 3 条）", "很久以前"]
    at.date_input(key="audit-since").set_value(beijing_today()).run()
    assert list(at.dataframe[0].value["说明"]) == ["随预登记列表导出（不含身份信息，共 3 条）"]
    at.date_input(key="audit-since").set_value(dt.date(2025, 1, 1))
    at.date_input(key="audit-until").set_value(dt.date(2025, 1, 1)).run()
    assert list(at.dataframe[0].value["说明"]) == ["很久以前"]
