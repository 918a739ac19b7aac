"""法律问答 under a flood of questions: the page answers calmly instead of searching (AppTest)."""

from __future__ import annotations

from sqlmodel import Session, delete

from portal.db import get_engine
from portal.prefiling.crypto import get_cipher
from portal.prefiling.models import RateEvent
from portal.prefiling.ratelimit import SEARCH
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
        assert "您查询得太快了，请稍等一分钟再查" in text
        assert "相关法律条文" not in text and not [m for m in at.markdown if "ask-card" in str(m.value)]
    finally:
        _clear()
    at = app_page("pages/ask.py", q="拖欠工资怎么办")
    assert "您查询得太快了" not in page_text(at) and "相关法律条文" in page_text(at)
