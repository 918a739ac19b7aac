"""The guidance pages as a citizen and an editor see them (AppTest)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from portal.identity import Actor
from portal.roles import EDITOR, HANDLER
from portal.timeutil import beijing_today
from tests.conftest import html_bodies, page_text, said
from ui.accessibility import CONTRAST, LARGE

ROOT = Path(__file__).resolve().parents[2]
DAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日（星期(.)）")


@pytest.fixture
def staff_page(app_page):
    """Open 接访日程管理 through the app's navigation, signed in for real as `actor`'s roles."""
    from tests.staff.portal_db import signed_in_state

    def run(actor: Actor | None):
        state = signed_in_state(*actor.roles) if actor else {}
        return app_page("pages/staff_schedule.py", session_state=state)

    return run


def _days(at) -> list[tuple[dt.date, str]]:
    return [(dt.date(int(y), int(m), int(d)), w) for y, m, d, w in DAY.findall(page_text(at))]


def test_schedule_page_lists_next_receptions_first_with_every_wednesday(app_page):
    at = app_page("pages/schedule.py")
    text = page_text(at)
    assert "每周三" in text and "怎样预约" in text and "09:00—12:00、13:30—17:00" in text
    assert "不超过 5 名代表" in text
    days = _days(at)
    assert len(days) >= 6
    dates = [d for d, _ in days]
    assert dates == sorted(dates) and dates[0] >= beijing_today()
    wednesdays = [d for d, w in days if w == "三"]
    assert len(wednesdays) >= 6 and all(d.weekday() == 2 for d in wednesdays)
    # the kind is said in words, and the weekly day has one name: 领导接访日, as the contact card says
    assert "每周领导接访日" in text and "每周例行接待" not in text
    weekly = next(str(m.value) for m in at.markdown if "每周领导接访日</span>" in str(m.value))
    assert "<dt>时间</dt><dd>09:00—12:00、13:30—17:00</dd>" in weekly   # the midday pause is said as time
    assert "<dt>接待内容</dt><dd>各类信访事项</dd>" in weekly and "暂停" not in weekly
    assert "每周领导接访日遇法定节假日暂停" in text


def _server_down():
    from sqlalchemy import create_engine

    return create_engine("postgresql://portal@127.0.0.1:9/portal", pool_pre_ping=True)  # nothing listens


def test_with_the_database_down_the_schedule_shows_what_was_read_and_asks_to_phone(app_page, monkeypatch):
    from portal import db
    from ui.site_frame import office

    before = _days(app_page("pages/schedule.py"))
    monkeypatch.setattr(db, "get_engine", _server_down)
    at = app_page("pages/schedule.py")
    assert _days(at) == before
    assert any("稍早读到的安排" in str(el.value) and office().phone in str(el.value) for el in at.info)
    assert "抱歉，系统出现故障" not in page_text(at)


def test_a_process_that_never_read_the_schedule_says_so_and_keeps_the_halls_hours(app_page, monkeypatch):
    from portal import db
    from ui.schedule_view import UPCOMING
    from ui.site_frame import office

    app_page("pages/schedule.py")
    UPCOMING.forget()
    monkeypatch.setattr(db, "get_engine", _server_down)
    at = app_page("pages/schedule.py")
    text = page_text(at)
    assert any("暂时无法读取近期接访安排" in str(el.value) and office().phone in str(el.value) for el in at.warning)
    assert "抱歉，系统出现故障" not in text and "近期暂无接访安排" not in text
    assert "09:00—12:00、13:30—17:00" in text and _days(at) == []


def test_a_schedule_card_names_its_kind_and_the_weekly_day_shows_the_halls_hours():
    """M14: the weekly Wednesday was 每周例行接待 on its card and 领导接访日 above it; an announced session
    is a 专题领导接访 with its own times."""
    from portal.schedule.service import ScheduleEntry
    from ui.schedule_view import entry_html

    def card(regular: bool) -> str:
        return entry_html(ScheduleEntry(day=dt.date(2026, 12, 9), start_time="09:00", end_time="17:00", leader="局领导",
                                        place="大厅", topics="各类信访事项", regular=regular),
                          hours=("09:00—12:00", "13:30—17:00"))

    weekly, special = card(True), card(False)
    assert '<span class="sched-kind">每周领导接访日</span>' in weekly and "<dd>09:00—12:00、13:30—17:00</dd>" in weekly
    assert '<span class="sched-kind">专题领导接访</span>' in special and "<dd>09:00—17:00</dd>" in special


@pytest.mark.parametrize("actor", [None, Actor("banli", frozenset({HANDLER}))], ids=["anonymous", "handler"])
def test_staff_schedule_page_refuses_without_the_editor_role(staff_page, actor):
    at = staff_page(actor)
    # the page is not in their navigation (the home page opens instead) and no editing form shows
    assert "接访日程管理" not in [t.value for t in at.title]
    assert not any(f.key and "session" in str(f.key) for f in at.text_input)
    assert not any(label in page_text(at) for label in ("接访领导", "开始时间"))


def test_editor_adds_a_session_that_citizens_then_see(app_page, staff_page):
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    day = beijing_today() + dt.timedelta(days=3)
    at.text_input[0].input("市民政局分管负责同志")
    at.date_input[0].set_value(day)
    at.text_input[1].input("市信访局来访接待大厅二号接待室")
    at.text_area[0].input("社会救助、养老服务")
    at.button[0].click().run()
    assert not at.exception and any("已添加" in s.value for s in at.success)
    # the form is empty again: the same session is not one click from being added twice
    assert at.text_input[0].value == "" and at.text_area[0].value == ""
    public = app_page("pages/schedule.py")
    text = page_text(public)
    assert "市民政局分管负责同志" in text and "社会救助、养老服务" in text


def test_a_session_added_on_a_saturday_is_saved_with_a_word_to_check_the_day(staff_page):
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    today = beijing_today()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    at.text_input[0].input("市人社局分管负责同志")
    at.date_input[0].set_value(saturday)
    at.text_input[1].input("市信访局来访接待大厅一号接待室")
    at.button[0].click().run()
    assert any("已添加" in s.value for s in at.success)
    assert any(f"{saturday.isoformat()} 是休息日（星期六" in w.value for w in at.warning)
    assert f"{saturday.isoformat()}（星期六）" in [e.label.split(" ")[0] for e in at.expander]


def test_editor_sees_field_errors_in_plain_words(staff_page):
    """A refused 添加: the summary above the form says each problem as a link that focuses its box
    (as 预登记's does: r48a), the words are under the box too (the frame ties them to it:
    aria-invalid), and the summary takes the focus (添加 is at the foot of the form)."""
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    at.button[0].click().run()  # leader and place left empty
    marks = "\n".join(str(m.value) for m in at.markdown)
    [summary] = [m for m in marks.split("\n") if 'id="error-summary"' in m]
    assert '<a href="#field-add-0-leader">接访领导：请填写接访领导。</a>' in summary
    assert '<a href="#field-add-0-place">地点：请填写接访地点。</a>' in summary
    assert '<span id="field-add-0-leader"></span>' in marks and '<span id="field-add-0-place"></span>' in marks
    assert '<p class="field-error">错误：请填写接访领导。</p>' in marks
    assert '<p class="field-error">错误：请填写接访地点。</p>' in marks
    assert any("getElementById(\"error-summary\")" in el.proto.body for el in at.html if el.proto.unsafe_allow_javascript)


def test_an_entry_saved_after_a_refused_add_stays_open_with_its_message(staff_page):
    """A refused 添加 above the entries, then an entry's 保存 (refused, then accepted): the entry
    stays open and says what happened. All of them used to fold shut, the message inside."""
    import uuid

    leader = f"市司法局分管负责同志{uuid.uuid4().hex[:4]}"
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    at.text_input[0].input(leader)
    at.date_input[0].set_value(beijing_today() + dt.timedelta(days=5))
    at.text_input[1].input("市信访局来访接待大厅三号接待室")
    at.button[0].click().run()                             # one entry to edit
    at.text_input[0].input("")                             # the add form again, without a leader:
    at.button[0].click().run()                             # refused, above the entries
    assert "请修改以下问题后再保存" in page_text(at)

    def entry():
        [found] = [e for e in at.expander if leader in e.label]
        return found

    def save_with_end(end: dt.time):
        entry().time_input[1].set_value(end)               # a form: sent with its 保存
        [b for b in entry().button if b.label == "保存"][0].click().run()

    save_with_end(dt.time(8))                              # before the start: refused
    assert entry().proto.expanded
    marks = " ".join(str(el.value) for el in entry().markdown)
    row = re.search(r'href="#field-edit-(\d+)-end_time">结束时间：结束时间要晚于开始时间。', marks)
    assert row and f'<span id="field-edit-{row[1]}-end_time"></span>' in marks   # the entry's own box
    assert '<p class="field-error">错误：结束时间要晚于开始时间。</p>' in marks
    save_with_end(dt.time(17))
    assert entry().proto.expanded and [el.value for el in entry().success] == ["已保存。"]
    assert said(at) == ["已保存。"]


def test_deleting_a_session_asks_for_a_tick_and_then_says_so_above_the_list(app_page, staff_page):
    """One click deleted a published session, and its 已删除。 vanished with the rerun after it."""
    import uuid

    leader = f"市人社局分管负责同志{uuid.uuid4().hex[:4]}"
    day = beijing_today() + dt.timedelta(days=6)
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    at.text_input[0].input(leader)
    at.date_input[0].set_value(day)
    at.text_input[1].input("市信访局来访接待大厅一号接待室")
    at.button[0].click().run()

    def entry():
        return [e for e in at.expander if leader in e.label]

    [delete] = [b for b in entry()[0].button if b.label == "删除这场接访"]
    delete.click().run()                                   # not ticked: nothing deleted, said in the entry
    assert not at.exception
    assert entry() and entry()[0].proto.expanded
    assert "请先勾选上面的确认框" in " ".join(m.value for m in entry()[0].markdown)
    assert said(at) == ["错误：请先勾选上面的确认框，再点“删除这场接访”。"]   # the focus is on the button
    assert leader in page_text(app_page("pages/schedule.py"))

    [tick] = [c for c in entry()[0].checkbox if c.label.startswith("确认删除这场接访")]
    tick.check().run()
    [b for b in entry()[0].button if b.label == "删除这场接访"][0].click().run()
    assert not at.exception and not entry()
    shown = [m.value for m in at.success]
    assert shown == [f"已删除 {day.isoformat()} 09:00 {leader} 的接访安排，公众页面已不再显示。"], shown
    assert leader not in page_text(app_page("pages/schedule.py"))


@pytest.mark.parametrize("state, large, contrast", [
    ({}, False, False), ({LARGE: True, CONTRAST: True}, True, True), ({CONTRAST: True}, False, True)])
def test_large_text_and_high_contrast_follow_the_session(app_page, state, large, contrast):
    """The switches show the session's choice and select the CSS. (AppTest drops app.py's own
    elements on a rerun, so clicking and navigating is covered in tests/browser/.)"""
    at = app_page("pages/guide.py", session_state=state)
    assert [t.label for t in at.toggle] == ["大字号", "高对比度"]
    assert [t.value for t in at.toggle] == [large, contrast]
    assert ("font-size:125%" in html_bodies(at)) is large
    assert ("#ffff00" in html_bodies(at)) is contrast


def _colleague_session(**changes):
    """A session on the shared database, added by another editor: (its id, its data)."""
    import uuid

    from sqlmodel import Session as DB

    from portal.schedule.service import SessionData, add_session
    from tests.staff.portal_db import ready_engine

    data = SessionData(**{"leader": f"市住建局分管负责同志{uuid.uuid4().hex[:4]}",
                          "day": beijing_today() + dt.timedelta(days=4), "start_time": "09:00",
                          "end_time": "11:30", "place": "市信访局来访接待大厅二号接待室", "topics": "物业服务", **changes})
    with DB(ready_engine()) as s:
        return add_session(session=s, actor=COLLEAGUE, data=data, today=beijing_today()).id, data


def _colleague_edits(row_id: int, data, **changes):
    from dataclasses import replace

    from sqlmodel import Session as DB

    from portal.schedule.service import update_session
    from tests.staff.portal_db import ready_engine

    with DB(ready_engine()) as s:
        update_session(session=s, actor=COLLEAGUE, session_id=row_id, data=replace(data, **changes))


COLLEAGUE = Actor("bianji-li", frozenset({EDITOR}))


def _entry(at, leader):
    [found] = [e for e in at.expander if leader in e.label]
    return found


def _save(at, leader):
    [b for b in _entry(at, leader).button if b.label == "保存"][0].click().run()


def _stored(row_id: int):
    from sqlmodel import Session as DB

    from portal.schedule.models import ReceptionSession
    from tests.staff.portal_db import ready_engine

    with DB(ready_engine()) as s:
        return s.get(ReceptionSession, row_id)


def test_a_save_over_a_colleagues_change_is_refused_once_saying_what_is_stored(staff_page):
    """The staleness audit: two editors typed into one entry's 接待内容; the second 保存 said 已保存。
    and stored the first one's text (its box, unkeyed, was redrawn with the stored value)."""
    row_id, data = _colleague_session()
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    _colleague_edits(row_id, data, topics="E1写的接待内容")
    _entry(at, data.leader).text_area[0].input("E2写的接待内容")
    _save(at, data.leader)
    [warning] = [w.value for w in _entry(at, data.leader).warning]
    assert warning.startswith("没有保存：bianji-li 在") and "接待内容：E1写的接待内容" in warning
    assert _stored(row_id).topics == "E1写的接待内容", "the colleague's save stands"
    assert _entry(at, data.leader).text_area[0].value == "E2写的接待内容", "what this editor typed is kept"
    _save(at, data.leader)                                  # seen now: the second 保存 replaces it
    assert [s.value for s in _entry(at, data.leader).success] == ["已保存。"]
    assert _stored(row_id).topics == "E2写的接待内容" and _stored(row_id).updated_by != "bianji-li"


def test_an_editor_who_typed_nothing_is_shown_the_colleagues_change(staff_page):
    row_id, data = _colleague_session()
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    _colleague_edits(row_id, data, place="市信访局来访接待大厅五号接待室")
    at.run()
    [note] = [i.value for i in _entry(at, data.leader).info]
    assert "bianji-li 在" in note and "五号接待室" in note and "框里还是您打开时的内容" in note
    _save(at, data.leader)                                  # nothing typed: theirs is not overwritten
    assert _stored(row_id).place == "市信访局来访接待大厅五号接待室"
    assert "您没有改动，没有保存" in _entry(at, data.leader).success[0].value
    assert _entry(at, data.leader).text_input[1].value == "市信访局来访接待大厅五号接待室"
    assert not _entry(at, data.leader).info


def test_a_save_on_an_entry_a_colleague_deleted_is_said_with_what_was_typed(staff_page):
    from sqlmodel import Session as DB

    from portal.schedule.service import delete_session
    from tests.staff.portal_db import ready_engine

    row_id, data = _colleague_session()
    at = staff_page(Actor("bianji", frozenset({EDITOR})))
    _entry(at, data.leader).text_area[0].input("补充的接待内容")
    with DB(ready_engine()) as s:
        delete_session(session=s, actor=COLLEAGUE, session_id=row_id)
    _save(at, data.leader)
    message = " ".join(e.value for e in at.error)
    assert "没有保存：您修改的这场接访已被删除" in message and "接待内容：补充的接待内容" in message
    assert not [e for e in at.expander if data.leader in e.label]
