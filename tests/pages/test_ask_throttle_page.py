"""法律问答 under a flood of questions: the page answers calmly instead of searching (AppTest)."""

from __future__ import annotations

import errno

import pytest
from sqlmodel import Session, delete

from portal.db import get_engine
from portal.prefiling.crypto import get_cipher
from portal.prefiling.models import RateEvent
from portal.prefiling.ratelimit import SEARCH
from portal.settings import get_settings
from portal.timeutil import utcnow
from tests.conftest import page_text


def _fill_global_search_bucket() -> None:
    """AppTest has no client address, so its questions count in the global bucket: fill it."""
    key = get_cipher().mac(f"{SEARCH.bucket}:global")
    now = utcnow()
    with Session(get_engine()) as s:
        s.add_all([RateEvent(bucket=SEARCH.bucket, key=key, at=now) for _ in range(SEARCH.per_global)])
        s.commit()


def _clear() -> None:
    with Session(get_engine()) as s:
        s.exec(delete(RateEvent).where(RateEvent.bucket == SEARCH.bucket))
        s.commit()


def test_too_many_questions_get_a_calm_message_and_no_results(app_page):
    app_page("pages/ask.py")  # the portal sets up its database on the first run
    _fill_global_search_bucket()
    try:
        at = app_page("pages/ask.py", q="拖欠工资怎么办")
        text = page_text(at)
        assert "提问太频繁了，请过一分钟再试" in text
        assert f"拨打来访接待电话 {get_settings().bureau_phone}。" in text
        assert "相关法律条文" not in text and not [m for m in at.markdown if "ask-card" in str(m.value)]
    finally:
        _clear()
    at = app_page("pages/ask.py", q="拖欠工资怎么办")
    assert "提问太频繁了" not in page_text(at) and "相关法律条文" in page_text(at)


def _server_down():
    from sqlalchemy import create_engine

    return create_engine("postgresql://portal@127.0.0.1:9/portal", pool_pre_ping=True)  # nothing listens


def _disk_failing():
    raise OSError(errno.EIO, "Input/output error")


@pytest.mark.parametrize("store_away", [_server_down, _disk_failing])
def test_questions_are_answered_while_the_database_is_down(app_page, monkeypatch, caplog, store_away):
    """The limit is counted in the database; answering needs none. A database that is down (or
    locked, or full, or its disk failing) must not take 法律问答 with it: the question is answered
    (without the typical cases and 相似问题, which are read from the database) and the log says it
    went uncounted."""
    from portal import db

    app_page("pages/ask.py")  # the portal sets up its database on the first run
    if store_away is _server_down:
        down = _server_down()
        monkeypatch.setattr(db, "get_engine", lambda: down)
    else:
        monkeypatch.setattr(db, "get_engine", _disk_failing)
    at = app_page("pages/ask.py", q="老板拖欠工资三个月不给怎么办")
    text = page_text(at)
    assert "相关法律条文" in text and "抱歉，系统出现故障" not in text
    assert "question not counted against the limit" in caplog.text
    # sending the question to staff cannot be stored now: said in Chinese, the words kept
    at.text_area(key="bank-send-text").input("公司拖欠工资，劳动仲裁要交钱吗").run()
    at.button(key="bank-send").click().run()
    assert not at.exception
    assert "暂时没能发送（系统故障），您写的问题还在上面" in page_text(at)
    assert at.text_area(key="bank-send-text").value == "公司拖欠工资，劳动仲裁要交钱吗"


class _OneArticle:
    """A searcher with no bank of its own (相似问题 are then read from the database's bank)."""

    def search(self, query, *, k=10):
        from portal.search.api import SearchHit, SearchResponse

        return SearchResponse(query=query, hits=[SearchHit("laodong-zhengyi-tiaojie-zhongcai-fa-2007:第五十三条", 0.05)])


@pytest.mark.parametrize("slow", [True, False])
def test_a_frozen_database_costs_a_question_one_trip_not_three(app_page, monkeypatch, caplog, slow):
    """The database frozen (no reply: each trip waits its timeout, then fails): the question count,
    the typical cases and 相似问题 were three trips, 36 s to a minute before the answer. After the
    first fails slowly the others are not tried; the articles are shown, the rest left out as
    before. A failure at once (the server refusing connections) costs nothing, and skips nothing."""
    import logging
    import time

    from sqlalchemy.exc import OperationalError

    import ui.search_engine
    from portal import db
    from portal.qa import service as bank
    from portal.search import throttle
    from ui import cases_source

    app_page("pages/ask.py")  # the portal sets up its database on the first run
    monkeypatch.setattr(ui.search_engine, "get_searcher", lambda: _OneArticle())
    monkeypatch.setattr(db._Away, "until", 0.0)       # as a fresh process, and put back afterwards
    monkeypatch.setattr(db, "SLOW_FAILURE_S", 0.05)   # a slow failure in tenths of a second, not seconds
    trips: list[str] = []

    def frozen(name):
        def trip(**_kwargs):
            trips.append(name)
            time.sleep(0.1 if slow else 0)
            raise OperationalError("SELECT 1", {}, Exception("connection timeout expired"))
        return trip

    monkeypatch.setattr(throttle, "allow_question", frozen("count"))
    monkeypatch.setattr(cases_source, "published_summaries", frozen("cases"))
    monkeypatch.setattr(bank, "published_entries", frozen("similar"))
    caplog.set_level(logging.INFO, logger="portal.db")
    at = app_page("pages/ask.py", q="公司拖欠工资，劳动仲裁要交钱吗")
    assert "相关法律条文" in page_text(at) and "抱歉，系统出现故障" not in page_text(at)
    assert trips == (["count"] if slow else ["count", "cases", "similar"])
    assert ("typical cases not shown: not tried" in caplog.text) is slow
    assert ("similar questions not shown: not tried" in caplog.text) is slow
