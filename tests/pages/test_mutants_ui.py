"""UI-layer checks added after hand-made mutants of ui/*.py survived the page tests (session 35).

Each test asserts what a citizen or a staff member would notice: the words on the page, what is
masked, what is refused. Expected words come from the README, PRODUCT rules or the law text."""

from __future__ import annotations

import pytest

from portal.identity import Actor
from portal.roles import EDITOR, HANDLER
from tests.conftest import page_text
from tests.pages.test_dashboard_page import own_db  # noqa: F401  (the fixture: the stats fixture's database)
from tests.pages.test_staff_pages import _accounts, _expire_sessions_of, _sign_in_on, writing_a_new_case


@pytest.mark.parametrize("how_the_first_left", ["signed out", "session expired"])
def test_a_colleague_signing_in_on_the_same_tab_never_sees_the_first_editors_unsaved_case(app_page, how_the_first_left):
    """An editor writes a new case, looks at another case (the unsaved text is kept for them), and
    then leaves: 退出登录, or the session runs out. A colleague signing in on the same browser tab
    opens 典型案例管理 → ＋ 新建案例: the boxes are empty, not the first editor's unsaved work."""
    editor, colleague = _accounts(EDITOR, EDITOR)
    at = writing_a_new_case(app_page, editor, "甲编辑还没保存的案例", "甲编辑写到一半的案情。")
    at.selectbox(key="cases-pick").select_index(1).run()      # another case: the new one's text is kept
    if how_the_first_left == "signed out":
        at.switch_page("pages/staff_login.py").run()
        at.button(key="logout").click().run()
        assert "您已退出登录。" in page_text(at)
    else:
        _expire_sessions_of(editor)
        at.run()
        assert "您的登录已结束，为安全起见已自动退出" in page_text(at)
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

    assert shown(Actor("clerk", frozenset({EDITOR}))) == ["工作台", "典型案例管理", "接访日程管理", "信访指南编辑"]
    assert shown(None) == ["工作人员登录"]


def test_a_case_title_with_markdown_in_it_is_one_link_to_the_case_and_nothing_else():
    """网上预登记's 相关典型案例 links a case by its title: a title that happens to hold Markdown
    (brackets, an address) must stay the words of one link to that case, not become a second link."""
    from markdown_it import MarkdownIt

    from ui.links import case_link

    html = MarkdownIt().render(case_link("wage-case", "欠薪 [点这里](http://evil.example) *加急*"))
    assert html.count("<a ") == 1 and "evil.example\"" not in html and "<em>" not in html
    assert "/cases?case=wage-case" in html and "[点这里]" in html


def _red_rows(table_proto) -> set[int]:
    """Rows a staff list draws in the overdue red (the Styler's CSS rules in the element)."""
    import re

    css = str(table_proto)
    rows: set[int] = set()
    for selectors, props in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if "#fde8e8" in props.lower():
            rows |= {int(n) for n in re.findall(r"_row(\d+)_", selectors)}
    return rows


def test_only_the_overdue_filing_is_drawn_in_red_in_the_queue(app_page):
    """预登记办理: an overdue 件 is listed first and in red; the one with days left after it is not red
    (every row red, or the wrong one, hides which 件 is late)."""
    from tests.pages.test_staff_queue_page import district, open_queue, stored

    where = district()
    stored(1, district=where), stored(30, district=where)
    at = open_queue(app_page, HANDLER)
    at.selectbox(key="q-district").set_value(where).run()
    assert [str(v).startswith("⚠ 已超期") for v in at.dataframe[0].value["期限"]] == [True, False]
    assert _red_rows(at.dataframe[0].proto) == {0}


def test_after_a_correction_the_confirmation_tick_is_empty_again(app_page):
    """更正信访件编号 done: its boxes are empty again — the 确认更正 tick too, so a second correction
    asks for confirmation again (a tick left on made the next click final without a word)."""
    from tests.pages.test_correct_number_page import fill, numbers, registered, shown
    from tests.pages.test_staff_queue_page import open_queue, open_record

    wrong, right = numbers()
    made = registered(wrong)
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    fill(at, pid, right, "登记时两位数字录反")
    assert f"的信访件编号现在是 {right}" in shown(at)
    assert at.checkbox(key=f"confirm-correct_number-{pid}").value is False
    fill(at, pid, wrong, "又录反了", sure=False)
    assert "请先勾选“确认更正”" in shown(at)


def test_a_refusal_for_one_filing_is_not_shown_on_the_next_one_opened(app_page):
    """登记 refused on one 件 (no 信访件编号 typed): opening another 件, the handler does not see that
    refusal on it, above its panels or under its boxes."""
    from tests.pages.test_staff_queue_page import district, open_queue, stored

    where = district()
    first, second = stored(district=where), stored(district=where)
    at = open_queue(app_page, HANDLER)
    at.selectbox(key="q-district").set_value(where).run()
    at.selectbox(key="q-open").set_value(first.prefiling.id).run()
    at.button(key=f"do-register-{first.prefiling.id}").click().run()
    refused = [e.value for e in at.error]
    assert refused and any("信访件编号" in v for v in refused), refused
    at.selectbox(key="q-open").set_value(second.prefiling.id).run()
    assert not at.exception
    assert [e.value for e in at.error] == [] and "错误：" not in page_text(at)


def test_every_problem_of_a_refused_rejection_is_listed_above_the_panels(app_page):
    """不予登记 clicked with no reason, no channel and no tick: the message above the panels lists all
    three problems at once (one per click was one more click per problem)."""
    from tests.pages.test_staff_queue_page import district, open_queue, open_record, stored

    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    at.text_input(key=f"channel-{pid}").input("")
    at.button(key=f"do-reject-{pid}").click().run()
    [summary] = [e.value for e in at.error]
    assert summary.startswith("请修改以下问题")
    assert "确认不予登记" in summary and "理由" in summary and "途径" in summary, summary


def test_a_revealed_filing_a_colleague_then_registers_shows_its_new_state(app_page):
    """A handler revealed 个人信息; a colleague then registers the 件. The next run shows 已登记 and
    offers 办结 — not the revealed page of before, whose 登记 would only be refused."""
    from sqlmodel import Session

    from portal.prefiling import staff
    from tests.pages.test_staff_queue_page import act_buttons, district, open_queue, open_record, stored
    from tests.staff.portal_db import ready_engine

    made = stored(district=district())
    pid = made.prefiling.id
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    at.button(key=f"reveal-{pid}").click().run()
    assert "张秀兰" in page_text(at)
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=Actor("colleague", frozenset({HANDLER})), prefiling_id=pid,
                       official_number=f"LX-{made.code}")
    at.run()
    assert "状态：已登记" in page_text(at)
    assert act_buttons(at) == {"close", "correct_number"}
    assert "张秀兰" not in page_text(at)        # hidden again: a changed record is masked until revealed


def test_a_report_hidden_from_a_handler_is_said_hidden_not_left_unfilled(app_page):
    """检举控告 content a handler may not read: the page says it is hidden; it does not show
    被反映对象 and 诉求 as （未填写）, which would say the citizen wrote nothing."""
    from tests.pages.test_staff_queue_page import district, open_queue, open_record, stored

    made = stored(district=district(), category="检举控告", facts="某局副局长收受红包。")
    text = page_text(open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made))
    assert "被反映对象、诉求、事实与理由和附件属于检举控告内容，已隐藏" in text
    assert "**诉求**" not in text and "**被反映对象**" not in text


def test_markdown_a_citizen_typed_is_shown_as_typed_in_the_filing_detail(app_page):
    """The 件's detail lines (被反映对象, 诉求 …) show the citizen's words as typed: ![](…) fetches no
    image from the writer's server on the handler's screen, [..](..) is no link to click."""
    from markdown_it import MarkdownIt

    from tests.pages.test_staff_queue_page import district, open_queue, open_record, stored

    made = stored(district=district(), subject="![](http://evil.example/x.png)",
                  request="请[点击此处](http://evil.example/)查看")
    at = open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made)
    rendered = "".join(MarkdownIt().render(str(m.value)) for m in at.markdown)
    assert "evil.example" in rendered                       # the words are there …
    assert "<img" not in rendered and 'href="http://evil.example' not in rendered   # … inert


def _closed_by_a_colleague():
    """A 件 in the queue's district, registered and answered (办结) by another handler."""
    from sqlmodel import Session

    from portal.prefiling import staff
    from tests.pages.test_staff_queue_page import district, stored
    from tests.staff.portal_db import ready_engine

    made = stored(district=district())
    colleague = Actor("colleague", frozenset({HANDLER}))
    with Session(ready_engine()) as s:
        staff.register(session=s, actor=colleague, prefiling_id=made.prefiling.id,
                       official_number=f"LX-{made.code}")
        staff.close(session=s, actor=colleague, prefiling_id=made.prefiling.id, reply="已修复。")
    return made


def test_a_rating_without_a_comment_is_not_said_to_be_a_hidden_report(app_page):
    """满意 with no comment on an ordinary 件: the handler sees 评价意见 （未填写）, not that the comment
    is hidden as 检举控告 content (which would send them looking for a role they do not need)."""
    from sqlmodel import Session, delete

    from portal.prefiling.lookup import rate
    from portal.prefiling.models import RateEvent
    from tests.pages.test_staff_queue_page import open_queue, open_record
    from tests.prefiling.factories import client
    from tests.staff.portal_db import ready_engine

    made = _closed_by_a_colleague()
    with Session(ready_engine()) as s:
        s.exec(delete(RateEvent))
        s.commit()
        rate(session=s, code=made.code, secret=made.secret, client=client(), rating="满意", comment="")
    text = page_text(open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made))
    assert "评价：满意" in text
    assert "**评价意见**：（未填写）" in text and "已隐藏" not in text


def test_a_closed_filing_counts_no_deadline_on_the_handlers_page(app_page):
    """办结 is the end: the detail says the 件 counts no deadline (已结束，不计期限), not “当前期限：
    已超期 …” for a 件 that was answered long ago."""
    import datetime as dt

    from sqlmodel import Session

    from portal.prefiling.models import Prefiling
    from portal.timeutil import beijing_today
    from tests.pages.test_staff_queue_page import open_queue, open_record
    from tests.staff.portal_db import ready_engine

    made = _closed_by_a_colleague()
    pid = made.prefiling.id
    with Session(ready_engine()) as s:
        p = s.get(Prefiling, pid)                     # received a year ago: its days would be long past
        p.received_date = beijing_today() - dt.timedelta(days=365)
        s.add(p)
        s.commit()
    text = page_text(open_record(open_queue(app_page, HANDLER, **{"q-code": made.code}), made))
    assert "已结束，不计期限" in text
    assert "当前期限" not in text and "已超期" not in text


def _stored_for_lookup():
    """A pre-filing as the factory makes it (查询码 and 查询密码 known), in the migrated database."""
    from sqlmodel import Session

    from tests.prefiling.factories import make_prefiling
    from tests.staff.portal_db import ready_engine

    with Session(ready_engine(), expire_on_commit=False) as s:
        return make_prefiling(s)


def _lookup(app_page, made):
    from tests.pages.test_staff_queue_page import citizen_lookup_page

    at = citizen_lookup_page(app_page, made)
    assert not at.exception
    return at


def test_a_refused_withdrawal_never_tells_the_citizen_it_was_withdrawn(app_page):
    """Staff registered the 件 while the citizen's page still offered 撤回: the refusal is shown,
    and nowhere does the page say 您已撤回这份预登记."""
    import uuid

    from sqlmodel import Session

    from portal.db import get_engine
    from portal.prefiling import staff

    made = _stored_for_lookup()
    at = _lookup(app_page, made)
    with Session(get_engine()) as s:
        staff.register(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                       official_number=f"LX-{uuid.uuid4().hex[:6]}")
    at.checkbox(key="lk_confirm_withdraw").check()
    [b for b in at.button if b.label == "撤回预登记"][0].click().run()
    text = page_text(at)
    assert "当前状态：已登记" in text
    assert "您已撤回" not in text


def test_a_staff_reply_is_shown_to_the_citizen_as_written_not_as_html(app_page):
    """A reply holding what looks like HTML (a citizen's words quoted, a pasted fragment) is shown as
    the letters typed on 进度查询; no element is made of it."""
    from sqlmodel import Session

    from portal.db import get_engine
    from portal.prefiling import staff

    made = _stored_for_lookup()
    with Session(get_engine()) as s:
        staff.request_more(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                           reply='请补充<img src=x onerror="alert(1)">合同<b>复印件</b>')
    at = _lookup(app_page, made)
    bodies = "".join(str(m.value) for m in at.markdown)
    assert "&lt;img src=x" in bodies and "&lt;b&gt;复印件&lt;/b&gt;" in bodies
    assert "<img src=x" not in bodies and "<b>复印件" not in bodies


def test_an_overdue_filing_tells_the_citizen_how_many_days_have_passed(app_page):
    """登记转送 is due within 15 days (《信访工作条例》第二十二条). Thirty days after it was received,
    the citizen reads the deadline passed N days ago, N counted to the real last day, as a positive
    number — not “已过 -N 天”."""
    import datetime as dt

    from sqlmodel import Session

    from portal.clock import last_day
    from portal.db import get_engine
    from portal.prefiling.models import Prefiling
    from portal.timeutil import beijing_today

    made = _stored_for_lookup()
    today = beijing_today()
    received = today - dt.timedelta(days=30)
    with Session(get_engine()) as s:
        p = s.get(Prefiling, made.prefiling.id)
        p.received_date = received
        s.add(p)
        s.commit()
    late_by = (today - last_day(received + dt.timedelta(days=15))).days
    assert late_by > 0
    text = page_text(_lookup(app_page, made))
    assert f"登记转送的法定期限已过 {late_by} 天。请拨打来访接待电话 12345 询问，也可以到来访接待大厅当面反映。" in text


def test_a_rejected_filing_tells_the_citizen_the_reason_and_the_channel(app_page):
    """不予登记: 进度查询 states the reason and the channel the matter should take (《信访工作条例》
    第二十二条 / 诉访分离), even when the reply written to the citizen words it otherwise."""
    from sqlmodel import Session

    from portal.db import get_engine
    from portal.prefiling import staff

    made = _stored_for_lookup()
    with Session(get_engine()) as s:
        staff.reject(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                     reason="属于劳动争议，依法应当申请劳动仲裁", channel="区劳动人事争议仲裁委员会",
                     reply="您好，您反映的事项请按下列途径办理。")
    text = page_text(_lookup(app_page, made))
    assert "当前状态：不予登记" in text
    assert "**不予登记的理由**：属于劳动争议，依法应当申请劳动仲裁" in text
    assert "**应当通过的途径**：区劳动人事争议仲裁委员会" in text


def test_sending_one_file_says_one_file_was_sent(app_page):
    """需补充材料: one photo sent; the notice counts one file (a wrong count makes the citizen look for
    a file that is not there)."""
    from sqlmodel import Session

    from portal.db import get_engine
    from portal.prefiling import staff
    from tests.prefiling import files

    made = _stored_for_lookup()
    with Session(get_engine()) as s:
        staff.request_more(session=s, actor=Actor("clerk", frozenset({HANDLER})), prefiling_id=made.prefiling.id,
                           reply="请补充漏水处的照片。")
    at = _lookup(app_page, made)
    at.get("file_uploader")[0].set_value(("漏水.png", files.png(), "image/png"))
    [b for b in at.button if b.label == "提交补充材料"][0].click().run()
    assert "您上传的1个文件列在下面的“已提交的材料”中。" in page_text(at)


def test_the_check_page_lists_where_the_matter_was_raised_before(app_page, monkeypatch):
    """Answered 是 to 是否已向其他机关反映: 核对 shows the body and the stage too, so the citizen can
    check and change them before submitting."""
    from tests.pages.test_prefile_page import consent, history, matter, petitioner

    at = app_page("pages/prefile.py")
    import ui.search_engine
    from tests.pages.test_prefile_page import FakeSearcher, clear_rate_events

    clear_rate_events()
    monkeypatch.setattr(ui.search_engine, "get_searcher", lambda: FakeSearcher())
    at = history(matter(petitioner(consent(at))), answer="是", stage="已复核")
    text = page_text(at)
    assert "核对您填写的内容" in text
    assert "向哪个机关反映过" in text and "区人社局" in text and "目前进展" in text


def test_the_check_page_shows_angle_brackets_as_typed(app_page, monkeypatch):
    """核对 shows each answer as it will be stored: 事实与理由 with <b>…</b> in it reads as those
    letters, not as bold type."""
    from tests.pages.test_prefile_page import consent, history, matter, petitioner

    at = app_page("pages/prefile.py")
    import ui.search_engine
    from tests.pages.test_prefile_page import FakeSearcher, clear_rate_events

    clear_rate_events()
    monkeypatch.setattr(ui.search_engine, "get_searcher", lambda: FakeSearcher())
    at = history(matter(petitioner(consent(at)), facts="公司写的<b>欠条</b>不认账，多次讨要未果。"))
    bodies = "".join(str(m.value) for m in at.markdown)
    assert "&lt;b&gt;欠条&lt;/b&gt;" in bodies and "<b>欠条" not in bodies


def test_nothing_is_saved_before_consent_is_given(app_page):
    """须知与授权: 继续 without the tick is refused, and no draft is kept — consent is the basis for
    keeping anything (the 须知 on that step asks it before any answer is kept)."""
    from tests.pages.test_prefile_page import click

    at = app_page("pages/prefile.py")
    click(at, "继续")
    text = page_text(at)
    assert "有 1 处需要修改" in text
    assert "草稿已保存" not in text and "draft" not in at.query_params


def test_after_sending_one_question_the_next_question_can_be_sent_too(app_page):
    """法律问答: a question sent to staff says 已发送; the next question asked in the same visit is not
    said to be sent — its box and 发送给工作人员 are offered."""
    import uuid

    from tests.pages.test_bank_pages import NONSENSE

    at = app_page("pages/ask.py", session_state={"ask_query": NONSENSE})
    at.text_area(key="bank-send-text").input(f"邻居违建怎么办{uuid.uuid4().hex[:4]}").run()
    at.button(key="bank-send").click().run()
    assert "已发送。" in page_text(at)
    second = f"{NONSENSE} {uuid.uuid4().hex[:4]}"
    at.session_state["ask_query"] = second
    at.run()
    assert not at.exception
    assert "已发送。" not in page_text(at)
    assert at.text_area(key="bank-send-text").value == second
    assert [b for b in at.button if b.key == "bank-send"]


def test_the_dashboard_heads_the_overdue_list_with_its_count(app_page, own_db):  # noqa: F811
    """数据看板 (the stats fixture: C3 and C4 are past their last day on 2026-12-01, worked out by hand in
    tests/stats/fixture.py): the list is headed 已超期（2 件）, the number a 管理员 reports."""
    from portal.roles import ADMIN
    from tests.pages.test_dashboard_page import PAGE, signed_in

    at = app_page(PAGE, session_state=signed_in(own_db, ADMIN))
    heads = [str(h.value) for h in at.subheader]
    assert "已超期（2 件）" in heads, heads


def test_a_refused_file_is_named_as_typed_in_the_error_summary(app_page, monkeypatch):
    """网上预登记: a refused attachment is named in the box of problems at the top of the step. A file
    name holding <b>…</b> reads as those letters there, not as markup."""
    from tests.pages.test_prefile_page import FakeSearcher, clear_rate_events, consent, petitioner
    from tests.prefiling import files

    at = app_page("pages/prefile.py")
    import ui.search_engine

    clear_rate_events()
    monkeypatch.setattr(ui.search_engine, "get_searcher", lambda: FakeSearcher())
    at = petitioner(consent(at))
    at.get("file_uploader")[0].set_value(("<b>合同</b>.pdf", files.pdf(root_extra=b"/OpenAction << /S /JavaScript /JS (x) >>"),
                                          "application/pdf"))
    from tests.pages.test_prefile_page import matter

    at = matter(at)
    [summary] = [str(m.value) for m in at.markdown if "error-summary" in str(m.value)]
    assert "&lt;b&gt;合同&lt;/b&gt;.pdf" in summary and "<b>合同" not in summary


def test_a_reception_session_shows_what_the_editor_typed_as_text():
    """领导接访日程 (public): a session's leader, place and 接待内容 are an editor's typing, shown as
    the letters typed — a pasted <a>, <img> or <script> makes no element on the citizens' page."""
    import datetime as dt

    from portal.schedule.service import ScheduleEntry
    from ui.schedule_view import entry_html

    html = entry_html(ScheduleEntry(day=dt.date(2026, 12, 9), start_time="09:00", end_time="11:30",
                                    leader='王局长<img src=x onerror="alert(1)">', place="<b>二楼</b>接待室",
                                    topics='<a href="http://evil.example">点此预约</a>', regular=False))
    assert "专题领导接访" in html and "2026年12月9日" in html
    assert "<img" not in html and "<b>" not in html and "<a " not in html
    assert "&lt;img src=x" in html and "&lt;b&gt;二楼&lt;/b&gt;" in html and "点此预约" in html
