"""The site frame as a citizen sees it on every public page (AppTest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import html_bodies, page_text, said

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ["pages/home.py", "pages/ask.py", "pages/laws.py", "pages/cases.py", "pages/prefile.py",
          "pages/lookup.py", "pages/guide.py", "pages/schedule.py"]


@pytest.mark.parametrize("page", PUBLIC)
def test_every_public_page_has_the_bureau_header_footer_and_phone_menu(app_page, page):
    at = app_page(page)
    html = html_bodies(at)
    assert '<p class="site-name">示范市信访局</p>' in html
    footer = html[html.index('class="site-footer"'):]
    for words in ("主办单位", "示范市信访局", "来访接待电话", "12345", "市民中心一楼东侧",
                  "接待时间", "09:00—12:00、13:30—17:00"):
        assert words in footer, words
    # the phone menu is labelled in words and links every public page
    labels = [link.label.removesuffix("（当前页面）") for link in at.get("page_link")]
    for wanted in ("首页", "法律问答", "法规库", "典型案例", "网上预登记", "进度查询", "信访指南", "接访日程"):
        assert wanted in labels
    assert "☰ 菜单" in [p.proto.popover.label for p in at.get("popover")]


def test_home_page_has_a_door_for_every_public_page(app_page):
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    public = re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"', app)
    home = (ROOT / "pages" / "home.py").read_text(encoding="utf-8")
    doors = set(re.findall(r'\("(pages/[a-z_]+\.py)", "', home))
    assert set(public) - {"pages/home.py"} <= doors
    at = app_page("pages/home.py")
    assert "领导接访的日期" in page_text(at)


def test_the_framework_words_script_is_on_every_page(app_page):
    html = html_bodies(app_page("pages/prefile.py"))
    assert "跳到主要内容" in html and "按回车键提交" in html and "每个文件不超过" in html


def test_the_city_comes_from_settings(app_page, monkeypatch):
    from portal.settings import get_settings
    from ui.site_frame import office

    monkeypatch.setenv("PORTAL_CITY", "青岛市")
    get_settings.cache_clear()
    office.clear()
    try:
        html = html_bodies(app_page("pages/home.py"))
        assert '<p class="site-name">青岛市信访局</p>' in html
    finally:
        monkeypatch.delenv("PORTAL_CITY")
        get_settings.cache_clear()
        office.clear()


def test_the_header_and_footer_give_one_phone_under_one_name(app_page, monkeypatch):
    """H5: the bureau's phone (PORTAL_BUREAU_PHONE) is the 来访接待电话 in the header as in the
    footer — not a 政务服务便民热线 the bureau may not run."""
    from portal.settings import get_settings
    from ui.site_frame import office

    monkeypatch.setenv("PORTAL_BUREAU_PHONE", "0531-86001234")
    get_settings.cache_clear()
    office.clear()
    try:
        html = html_bodies(app_page("pages/home.py"))
    finally:
        monkeypatch.delenv("PORTAL_BUREAU_PHONE")
        get_settings.cache_clear()
        office.clear()
    header = html[html.index('class="site-header"'):html.index('class="site-footer"')]
    footer = html[html.index('class="site-footer"'):]
    assert "来访接待电话 0531-86001234" in header and "热线" not in html
    assert "来访接待电话" in footer and "0531-86001234" in footer


def test_large_text_and_high_contrast_survive_a_reload_through_the_address(app_page):
    from ui.accessibility import CONTRAST, LARGE

    at = app_page("pages/guide.py")
    at.toggle(key=f"_{LARGE}_switch").set_value(True).run()
    at.toggle(key=f"_{CONTRAST}_switch").set_value(True).run()
    assert str(at.query_params["a11y"]) in ("['large,contrast']", "large,contrast")
    # a reload is a new session with the same address
    again = app_page("pages/guide.py", a11y="large,contrast")
    assert again.session_state[LARGE] and again.session_state[CONTRAST]
    css = html_bodies(again)
    assert "font-size:125%" in css and "[data-testid=\"stCaptionContainer\"] *" in css
    assert again.toggle(key=f"_{LARGE}_switch").value is True
    # switching both off takes them out of the address
    again.toggle(key=f"_{LARGE}_switch").set_value(False).run()
    again.toggle(key=f"_{CONTRAST}_switch").set_value(False).run()
    assert "a11y" not in again.query_params
    assert "font-size:125%" not in html_bodies(again)


def test_frame_scripts_survive_the_html_sanitiser():
    """Streamlit's DOMPurify drops a <script> whose text looks like markup (`<` before a letter or /),
    which silently switched the whole frame script off once."""
    from ui import site_frame

    for script in (site_frame._SCRIPT, site_frame._TOP_SCRIPT, site_frame._FOCUS_SCRIPT, site_frame._SAY_SCRIPT,
                   site_frame._SCROLL_TO_SCRIPT, site_frame._FIELD_SCRIPT):
        inner = script.strip().removeprefix("<script>").removesuffix("</script>")
        assert not re.search(r"<[/\w!]", inner)


@pytest.mark.parametrize(("page", "address", "label"), [("pages/lookup.py", "lookup", "进度查询"),
                                                        ("pages/home.py", "", "首页")])
def test_the_phone_menu_says_which_page_is_open(app_page, page, address, label):
    at = app_page(page, session_state={"_page_current": address})   # as app.py records it
    labels = [link.label for link in at.get("page_link")]
    assert f"{label}（当前页面）" in labels and label not in labels
    assert sum(text.endswith("（当前页面）") for text in labels) == 1


def _say_typed_words():
    import streamlit as st

    from ui.site_frame import say

    say(st.session_state.get("words", ""), token=st.session_state.get("token"))


def test_what_is_said_cannot_close_its_script_and_is_said_once_per_token():
    """A message may hold what someone typed (a question filed into the bank): '</script>' in it
    must not end the script early (and '<' before a letter would make the sanitiser drop it)."""
    from streamlit.testing.v1 import AppTest

    words = '已收入：</script><img src=x onerror=alert(1)><!-- 房东不退押金'
    at = AppTest.from_function(_say_typed_words)
    at.session_state["words"], at.session_state["token"] = words, "q1"
    at.run()
    [body] = [el.proto.body for el in at.html if "__portalSay(" in el.proto.body]
    inner = body.strip().removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w!]", inner)
    assert said(at) == [words]
    at.run()
    assert said(at) == []                                  # the same token: said once
    at.session_state["token"] = "q2"
    at.run()
    assert said(at) == [words]


def _in_order(node, out: list) -> list:
    """The page's elements in the order they are drawn, blocks opened."""
    children = getattr(node, "children", None)
    if isinstance(children, dict) and children:
        for key in sorted(children):
            _in_order(children[key], out)
    else:
        out.append(node)
    return out


def test_a_page_that_fails_says_so_in_its_own_area_above_the_footer(monkeypatch):
    """Failure drill: a fault in a page's run was drawn after the site footer, where a phone shows
    nothing of it (the citizen pressed a button and nothing seemed to happen). It is drawn in the
    page's own area now, above the footer, and still logged."""
    from streamlit.testing.v1 import AppTest

    import ui.schedule_view

    def broken(*_args, **_kwargs):
        raise RuntimeError("a fault on purpose")

    monkeypatch.setattr(ui.schedule_view, "next_receptions", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/schedule.py")
    at.run()
    assert at.exception
    drawn = _in_order(at.main, [])
    fault = next(i for i, e in enumerate(drawn) if type(e).__name__ == "Exception")
    footer = next(i for i, e in enumerate(drawn) if "site-footer" in str(getattr(getattr(e, "proto", None), "body", "")))
    assert fault < footer


def test_staff_pages_tell_a_fault_to_staff_and_public_pages_to_citizens(app_page):
    """A citizen is given the hotline; a staff member is told to copy what they were writing
    (a refresh may sign them out) and that the fault is in the server's log."""
    from portal.settings import get_settings
    from tests.staff.portal_db import signed_in_state
    from ui.site_frame import STAFF_FAULT_MESSAGE

    public = html_bodies(app_page("pages/schedule.py"))
    assert f"拨打来访接待电话 {get_settings().bureau_phone}" in public and STAFF_FAULT_MESSAGE not in public
    staff = html_bodies(app_page("pages/staff_queue.py", session_state=signed_in_state("办理")))
    assert STAFF_FAULT_MESSAGE in staff and "请稍后刷新本页再试" not in staff


def _queue_through_the_frame(prefiling_id: int, reply: str):
    """app.py (the frame, whose page area catches a page's fault) on 预登记办理 for a new handler,
    the 件 `prefiling_id` open and `reply` typed in its 需补充材料 box."""
    from streamlit.testing.v1 import AppTest

    from tests.staff.portal_db import signed_in_state

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["staff_token"] = signed_in_state("办理")["staff_token"]
    at.switch_page("pages/staff_queue.py")
    at.run()
    at.selectbox(key="q-open").set_value(prefiling_id).run()
    at.text_area(key=f"reply-request_more-{prefiling_id}").input(reply).run()
    return at


def test_a_fault_in_a_staff_page_keeps_the_text_it_hid_and_gives_it_back(monkeypatch):
    """A fault drawn part-way down 预登记办理 (here in the 重复信访 panel, above the reply boxes):
    the boxes below are not drawn, so Streamlit forgot their text; the fault message says it comes
    back, and on the next run it does, the same 件 open, with a toast."""
    from portal.prefiling import repeats
    from tests.pages.test_staff_queue_page import district, stored

    made = stored(district=district())
    box = f"reply-request_more-{made.prefiling.id}"
    at = _queue_through_the_frame(made.prefiling.id, "请补充漏水处的照片。")

    def broken(**_kwargs):
        raise RuntimeError("a fault on purpose")

    monkeypatch.setattr(repeats, "repeat_panel", broken)
    at.run()
    assert at.exception and not [t for t in at.text_area if t.key == box]
    assert "稍后从菜单重新打开该页即可自动填回" in html_bodies(at)
    monkeypatch.undo()
    at.run()
    assert not at.exception
    assert at.text_area(key=box).value == "请补充漏水处的照片。"
    assert any("已恢复系统故障前您填写的内容" in t.value for t in at.toast)


def test_what_is_chosen_after_a_fault_is_not_undone_by_the_text_given_back(monkeypatch):
    """After a fault part-way down 预登记办理 the list above it still works: another 件 picked
    there opens, rather than the kept text pulling the page back to the first one."""
    from portal.prefiling import repeats
    from tests.pages.test_staff_queue_page import district, stored

    place = district()
    first, other = stored(district=place), stored(district=place)
    at = _queue_through_the_frame(first.prefiling.id, "第一件的答复")
    monkeypatch.setattr(repeats, "repeat_panel", lambda **_kwargs: 1 / 0)
    at.run()
    assert at.exception
    monkeypatch.undo()
    at.selectbox(key="q-open").set_value(other.prefiling.id).run()
    assert not at.exception and at.selectbox(key="q-open").value == other.prefiling.id
