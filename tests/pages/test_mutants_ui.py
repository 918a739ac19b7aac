"""UI-layer checks added after hand-made mutants of ui/*.py survived the page tests (session 35).

Each test asserts what a citizen or a staff member would notice: the words on the page, what is
masked, what is refused. Expected words come from the README, PRODUCT rules or the law text."""

from __future__ import annotations

import pytest

from portal.identity import Actor
from portal.roles import EDITOR
from tests.conftest import page_text
from tests.pages.test_staff_pages import _accounts, _expire_sessions_of, _sign_in_on


@pytest.mark.parametrize("how_the_first_left", ["signed out", "session expired"])
def test_a_colleague_signing_in_on_the_same_tab_never_sees_the_first_editors_unsaved_case(app_page, how_the_first_left):
    """An editor writes a new case, looks at another case (the unsaved text is kept for them), and
    then leaves: 退出登录, or the session runs out. A colleague signing in on the same browser tab
    opens 典型案例管理 → ＋ 新建案例: the boxes are empty, not the first editor's unsaved work."""
    editor, colleague = _accounts(EDITOR, EDITOR)
    at = app_page("pages/staff_login.py")
    _sign_in_on(at, editor)
    at.switch_page("pages/staff_cases.py").run()
    at.text_input(key="title-new").input("甲编辑还没保存的案例")
    at.text_area(key="facts-new").input("甲编辑写到一半的案情。")
    at.run()
    at.selectbox(key="cases-pick").select_index(1).run()      # another case: the new one's text is kept
    if how_the_first_left == "signed out":
        at.switch_page("pages/staff_login.py").run()
        at.button(key="logout").click().run()
        assert "您已退出登录。" in page_text(at)
    else:
        _expire_sessions_of(editor)
        at.run()
        assert "您已较长时间未操作" in page_text(at)
    _sign_in_on(at, colleague)
    at.switch_page("pages/staff_cases.py").run()
    at.selectbox(key="cases-pick").select("＋ 新建案例").run()
    assert not at.exception
    assert at.text_input(key="title-new").value == ""
    assert at.text_area(key="facts-new").value == ""
    assert "甲编辑" not in page_text(at)


def test_the_signed_in_login_page_is_called_workbench_in_the_navigation(monkeypatch):
    """Signed in, the sidebar entry of the login page is 工作台 (its page signs out with 退出登录): an
    entry still called 工作人员登录 told a clerk they were not signed in. (st.Page is recorded: the
    sidebar's titles are what st.navigation is given.)"""
    import streamlit as st

    from ui.staff_nav import staff_pages

    monkeypatch.setattr(st, "Page", lambda page, **kw: kw)

    def shown(actor):   # the titles a reader sees in the sidebar (hidden pages are not listed)
        return [p["title"] for p in staff_pages(actor) if p.get("visibility") != "hidden"]

    assert shown(Actor("clerk", frozenset({EDITOR}))) == ["工作台", "典型案例管理", "接访日程管理"]
    assert shown(None) == ["工作人员登录"]
