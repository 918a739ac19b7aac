"""典型案例 page (AppTest): publishing shows a case at once, withdrawing removes it, and the
detail view renders sanitised HTML with links to the cited articles."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from portal.cases import service
from portal.cases.content import Citation
from tests.cases.factories import ARTICLE_22, EDITOR_ACTOR, make_case
from tests.conftest import page_text, said
from tests.staff.portal_db import ready_engine
from ui.cases_source import published_cases


@pytest.fixture
def engine():
    return ready_engine()


def _slug() -> str:
    return f"page-{uuid.uuid4().hex[:8]}"


def _links(at) -> list[str]:
    """What the reader can follow: links, and the buttons that open a case on this page."""
    return [link.label for link in at.get("page_link")] + [b.label for b in at.button]


def _html(at) -> str:
    """Every st.html body except the frame's own constant scripts (ui/frame.py), which alone may run
    JavaScript and never carry content; they are checked to hold no payload."""
    scripts = [el for el in at.html if el.proto.unsafe_allow_javascript]
    assert not any("alert(" in el.proto.body for el in scripts)
    return "\n".join(str(el.value) for el in at.html if not el.proto.unsafe_allow_javascript)


def test_list_shows_shipped_cases_with_example_label(app_page, engine):
    at = app_page("pages/cases.py")
    text = page_text(at)
    assert "典型案例" in text and "示例案例" in text
    assert "阅读案例：邻里漏水纠纷经人民调解达成协议" in _links(at)


def test_publish_shows_at_once_and_withdraw_removes(app_page, engine, library):
    slug = _slug()
    with Session(engine) as s:
        make_case(s, library, slug, title="刚发布的欠薪案例")
        s.commit()
    assert "阅读案例：刚发布的欠薪案例" not in _links(app_page("pages/cases.py"))  # draft: not public
    assert slug not in [c.slug for c in published_cases()]
    with Session(engine) as s:
        service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug=slug)
        s.commit()
    assert "阅读案例：刚发布的欠薪案例" in _links(app_page("pages/cases.py"))
    assert slug in [c.slug for c in published_cases()]
    detail = app_page("pages/cases.py", case=slug)
    assert "刚发布的欠薪案例" in page_text(detail) and "某公司拖欠职工工资三个月。" in _html(detail)
    with Session(engine) as s:
        service.withdraw(session=s, actor=EDITOR_ACTOR, library=library, slug=slug)
        s.commit()
    assert "阅读案例：刚发布的欠薪案例" not in _links(app_page("pages/cases.py"))
    assert slug not in [c.slug for c in published_cases()]
    gone = page_text(app_page("pages/cases.py", case=slug))
    assert "没有找到这个案例" in gone and "某公司拖欠" not in gone


def test_detail_links_cited_articles_to_permalinks(app_page, engine):
    at = app_page("pages/cases.py", case="staff-example-tiaojie-xieyi")
    text = page_text(at)
    for heading in ("案情", "处理过程", "处理结果", "典型意义", "法律依据"):
        assert heading in text
    assert "[《信访工作条例》第三十三条](/laws?law=xinfang-gongzuo-tiaoli-2022&article=" in text
    assert "[《中华人民共和国人民调解法》第三十一条](/laws?law=renmin-tiaojie-fa-2010&article=" in text
    assert "示例案例" in text and "虚构" in text


def test_a_case_has_its_address_to_copy_and_share_without_the_readers_choice_or_the_list_filters(app_page):
    """r48b #8: a case had no 本页网址 / 复制链接 as an article has."""
    import html
    import re

    at = app_page("pages/cases.py", case="staff-example-tiaojie-xieyi", category="调解", a11y="large")
    assert "本页网址（可复制分享）" in page_text(at)
    [copied] = re.findall(r'data-copy="([^"]*)">复制链接</button>', "\n".join(el.proto.body for el in at.html))
    assert html.unescape(copied) == "/cases?case=staff-example-tiaojie-xieyi"


def test_published_xss_payloads_reach_the_page_inert(app_page, engine, library):
    slug = _slug()
    with Session(engine) as s:
        make_case(s, library, slug, state="已发布",
                  facts='<script>alert(1)</script><img src=x onerror=alert(2)>[点我](javascript:alert(3))',
                  significance='<a href="data:text/html,<script>alert(4)</script>">看</a>')
        make_case(s, library, slug + "-r", state="已发布",
                  provisions=(Citation(ARTICLE_22, "[x](javascript:alert(5))"),))
        s.commit()
    html = _html(app_page("pages/cases.py", case=slug)).lower()
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html and "data:" not in html
    text = page_text(app_page("pages/cases.py", case=slug + "-r"))
    assert "](javascript:" not in text


def test_filters_by_category_and_by_law(app_page, engine):
    at = app_page("pages/cases.py")
    assert said(at) == []                                  # opening the list says nothing extra
    at.selectbox(key="case-category").select("复查复核").run()
    links = _links(at)
    shown = len([link for link in links if link.startswith("阅读案例：")])
    assert said(at) == [f"共 {shown} 个案例。"]             # the list changed below the box
    assert "阅读案例：对处理意见不服，在30日内依法申请复查" in links
    assert "阅读案例：邻里漏水纠纷经人民调解达成协议" not in links
    by_law = _links(app_page("pages/cases.py", law="renmin-tiaojie-fa-2010"))
    assert "阅读案例：邻里漏水纠纷经人民调解达成协议" in by_law
    assert "阅读案例：对处理意见不服，在30日内依法申请复查" not in by_law


def test_reading_a_case_is_counted_once_per_session_and_anonymously(app_page, engine):
    from portal.stats.reads import most_read

    slug = "staff-example-tiaojie-xieyi"
    with Session(engine) as s:
        before = dict(most_read(session=s, limit=1000)).get(slug, 0)
    at = app_page("pages/cases.py", case=slug)
    at.run()  # a rerun in the same session (a switch, a refresh of the widgets) is not a new reading
    with Session(engine) as s:
        assert dict(most_read(session=s, limit=1000)).get(slug, 0) == before + 1


def test_a_case_read_from_the_list_is_written_into_the_address_and_back_clears_it(app_page):
    """st.page_link to this same page showed the case without changing the address: 大字号 (a
    rerun) then fell back to the list."""
    at = app_page("pages/cases.py")
    [read] = [b for b in at.button if b.label == "阅读案例：邻里漏水纠纷经人民调解达成协议"]
    read.click().run()
    assert at.query_params.get("case") and [t.value for t in at.title] == ["邻里漏水纠纷经人民调解达成协议"]
    at.run()                                             # any rerun stays on the case
    assert [t.value for t in at.title] == ["邻里漏水纠纷经人民调解达成协议"]
    [back] = [b for b in at.button if b.label == "返回案例列表"]
    back.click().run()
    assert "case" not in at.query_params and [t.value for t in at.title] == ["典型案例"]


def test_filters_live_in_the_address_and_reading_a_case_and_coming_back_keeps_them(app_page):
    """Back (or 返回案例列表) from a case opened in a filtered list showed the whole list again."""
    at = app_page("pages/cases.py")
    at.selectbox(key="case-category").select("复查复核").run()
    assert at.query_params.get("category") in ("复查复核", ["复查复核"])
    [read] = [b for b in at.button if b.label == "阅读案例：对处理意见不服，在30日内依法申请复查"]
    read.click().run()
    assert at.query_params.get("case")
    [back] = [b for b in at.button if b.label == "返回案例列表"]
    back.click().run()
    assert "case" not in at.query_params
    assert at.selectbox(key="case-category").value == "复查复核"
    assert "阅读案例：邻里漏水纠纷经人民调解达成协议" not in _links(at)
    at.selectbox(key="case-category").select("全部").run()
    assert "category" not in at.query_params
    assert "阅读案例：邻里漏水纠纷经人民调解达成协议" in _links(at)


def test_a_shared_filtered_address_opens_the_list_filtered(app_page):
    at = app_page("pages/cases.py", category="复查复核", law="renmin-tiaojie-fa-2010")
    assert at.selectbox(key="case-category").value == "复查复核"
    assert at.selectbox(key="case-law").value == "中华人民共和国人民调解法"
    at = app_page("pages/cases.py", category="<script>")   # nonsense in the address: the whole list
    assert at.selectbox(key="case-category").value == "全部" and not at.exception


def test_a_case_title_is_shown_as_written_not_as_a_link(app_page, engine, library):
    """The title heads the case's public page (st.title renders Markdown): an address in it is
    text to read, not a link a reader follows to another site."""
    slug = _slug()
    with Session(engine) as s:
        make_case(s, library, slug, title="欠薪案例 https://evil.example/notice 详见")
        service.publish(session=s, actor=EDITOR_ACTOR, library=library, slug=slug)
        s.commit()
    detail = app_page("pages/cases.py", case=slug)
    [title] = detail.title
    assert "https://" not in title.value and "evil" in title.value   # the autolink is broken, the words kept


def _in_order(at) -> str:
    """The page's text in the order it is drawn (page_text groups it by kind)."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(getattr(node, "children", None), dict):
            for child in node.children.values():
                walk(child)
        elif type(node).__name__ != "Html":
            out.append(str(getattr(node, "value", "")))

    walk(at.main)
    return "\n".join(out)


def _server_down():
    from sqlalchemy import create_engine

    return create_engine("postgresql://portal@127.0.0.1:9/portal", pool_pre_ping=True)  # nothing listens


def test_with_the_database_down_the_cases_read_before_still_show_and_the_page_says_so(app_page, monkeypatch):
    """The list and a case stay readable, as this process last read them, with a word that they may
    be older and the phone; never the fault message that says an action of theirs failed."""
    from portal import db
    from ui.site_frame import office

    app_page("pages/cases.py")   # read once, with the database up
    up_filtered = _links(app_page("pages/cases.py", law="renmin-tiaojie-fa-2010"))
    monkeypatch.setattr(db, "get_engine", _server_down)
    listed = app_page("pages/cases.py")
    notes = [str(el.value) for el in listed.info]
    assert any("稍早读到的版本" in n and office().phone in n for n in notes), notes
    assert "阅读案例：邻里漏水纠纷经人民调解达成协议" in _links(listed)
    assert "抱歉，系统出现故障" not in page_text(listed)
    case = app_page("pages/cases.py", case="staff-example-tiaojie-xieyi")
    text = page_text(case)
    assert "法律依据" in text and "[《信访工作条例》第三十三条](/laws?law=xinfang-gongzuo-tiaoli-2022&article=" in text
    assert any("稍早读到的版本" in str(el.value) for el in case.info)
    drawn = _in_order(case)
    assert drawn.index("邻里漏水纠纷经人民调解达成协议") < drawn.index("稍早读到的版本")   # the heading first
    assert "抱歉，系统出现故障" not in text
    filtered = _links(app_page("pages/cases.py", law="renmin-tiaojie-fa-2010"))   # the filters work on what was read
    assert filtered == up_filtered and len(filtered) < len(_links(listed))


def test_a_process_that_never_read_the_cases_says_so_in_words_when_the_database_is_down(app_page, monkeypatch):
    from portal import db
    from ui.cases_source import PUBLISHED
    from ui.site_frame import office

    app_page("pages/cases.py")
    PUBLISHED.forget()   # as a process started while the database was away
    monkeypatch.setattr(db, "get_engine", _server_down)
    for query in ({}, {"case": "staff-example-tiaojie-xieyi"}):
        at = app_page("pages/cases.py", **query)
        warnings = [str(el.value) for el in at.warning]
        assert any("暂时无法读取典型案例" in w and office().phone in w for w in warnings), warnings
        assert "抱歉，系统出现故障" not in page_text(at) and "没有找到这个案例" not in page_text(at)
    assert "返回案例列表" in [b.label for b in at.button]


def test_with_the_database_down_an_unread_case_is_not_invented(app_page, monkeypatch):
    from portal import db

    app_page("pages/cases.py")
    monkeypatch.setattr(db, "get_engine", _server_down)
    assert "没有找到这个案例" in page_text(app_page("pages/cases.py", case="no-such-case"))
