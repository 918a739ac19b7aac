"""A small set of pre-filings whose figures are worked out by hand (tests/stats/test_figures.py
spells each answer out). Dates are Beijing days; `closed` is a UTC moment, as stored.

Calendar facts used (2026): 11-14, 11-29, 12-05 are weekend days; 10-01..10-07 National Day;
11-15 Sunday; 12-13 Sunday; 01-30-2027 Saturday."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlmodel import Session, select

from portal.prefiling.models import Prefiling
from portal.prefiling.repeats_models import PrefilingRepeat
from portal.qa.models import BankQuestion
from portal.search.stats import ProvisionOpenCount
from portal.stats.reads import record_read

D = dt.date
TODAY = D(2026, 12, 1)


def utc(y, m, d, h=4) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


# code, state, category, district, received, registered, closed (UTC), rating, raised_before, channels
ROWS = [
    ("A1", "已办结", "申诉求决", "历下区", D(2026, 11, 2), D(2026, 11, 5), utc(2026, 11, 20), "满意", False, "arbitration"),
    # closed 23:30 Beijing on 11-30: still November
    ("A2", "已办结", "申诉求决", "历下区", D(2026, 11, 3), D(2026, 11, 10), dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC),
     "基本满意", False, "arbitration,expropriation"),
    ("A3", "不予登记", "建议意见", "市中区", D(2026, 11, 5), None, utc(2026, 11, 25), "", False, ""),
    ("A4", "已提交", "建议意见", "市中区", D(2026, 11, 16), None, None, "", False, ""),
    ("A5", "已撤回", "申诉求决", "槐荫区", D(2026, 11, 10), None, utc(2026, 11, 12), "", False, "court"),
    ("A6", "已登记", "检举控告", "历下区", D(2026, 11, 12), D(2026, 11, 13), None, "", False, "discipline"),
    # received on a Saturday; 15 days end on Sunday 11-29, so 登记 on Monday 11-30 is on time
    ("A7", "已登记", "申诉求决", "历下区", D(2026, 11, 14), D(2026, 11, 30), None, "", True, ""),
    ("A8", "已登记", "其他", "天桥区", D(2026, 11, 28), D(2026, 12, 1), None, "", False, ""),
    # 15 days end on Saturday 12-05 -> Monday 12-07
    ("A9", "需补充材料", "建议意见", "市中区", D(2026, 11, 20), None, None, "", False, ""),
    # 60 days from 08-02 end on 10-01 (National Day) -> 10-08: answered on 10-08 is on time
    ("C1", "已办结", "申诉求决", "历下区", D(2026, 7, 28), D(2026, 8, 2), utc(2026, 10, 8), "不满意", False, ""),
    # 60 days end 10-03 -> 10-08; answered 10-20, within the 90 days (11-02): extended (a 申诉求决: a
    # 建议意见 or 检举控告 has no 60 days to be late or extended against, see registered_long_ago)
    ("C2", "已办结", "申诉求决", "市中区", D(2026, 8, 3), D(2026, 8, 4), utc(2026, 10, 20), "满意", True, ""),
    # 60 days end Friday 10-30; still open on 12-01: late, 32 days overdue
    ("C3", "已登记", "申诉求决", "槐荫区", D(2026, 8, 20), D(2026, 8, 31), None, "", False, ""),
    # received Saturday 10-31; 15 days end Sunday 11-15 -> 11-16; never told: 15 days overdue on 12-01
    ("C4", "已提交", "申诉求决", "历下区", D(2026, 10, 31), None, None, "", False, ""),
    # closed 00:30 Beijing on 12-01 (16:30 UTC on 11-30): December, not November
    ("D1", "已办结", "申诉求决", "历下区", D(2026, 10, 10), D(2026, 10, 12), dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC),
     "满意", False, ""),
]


def seed(session: Session) -> None:
    for code, state, category, district, received, registered, closed, rating, before, channels in ROWS:
        session.add(Prefiling(
            code=code, secret_hash="x" * 64,
            idempotency_token=uuid.uuid4().hex, state=state, category=category, restricted=category == "检举控告",
            district=district, received_date=received, registered_date=registered, closed_at=closed,
            submitted_at=dt.datetime.combine(received, dt.time(2), tzinfo=dt.UTC), rating=rating,
            raised_before=before, channels=channels, name_enc="secret-name-token",
            subject="被反映的某单位", request="请求解决某某问题", facts="事实与理由的正文"))
    for created, state in ((utc(2026, 11, 5), "已发布"), (utc(2026, 11, 20), "草稿"), (utc(2026, 10, 1), "已发布")):
        session.add(BankQuestion(question=f"问题{created.isoformat()}", state=state, source="工作人员",
                                 created_at=created, created_by="t", updated_at=created, updated_by="t"))
    session.add(ProvisionOpenCount(provision_id="xinfang-gongzuo-tiaoli-2022:第三十二条", opened=7,
                                   last_opened_at=utc(2026, 11, 3)))
    session.add(ProvisionOpenCount(provision_id="xinfang-gongzuo-tiaoli-2022:第二十二条", opened=3,
                                   last_opened_at=utc(2026, 11, 3)))
    session.commit()
    ids = {code: pid for pid, code in session.exec(select(Prefiling.id, Prefiling.code))}
    # 重复信访 links: A8 confirmed (repeats C4), A6 confirmed (检举控告, repeats A1), A9 still 疑似重复
    for later, earlier, state in (("A8", "C4", "已确认"), ("A6", "A1", "已确认"), ("A9", "A4", "疑似重复")):
        session.add(PrefilingRepeat(prefiling_id=ids[later], earlier_id=ids[earlier], same_petitioner=True,
                                    state=state))
    session.commit()
    for slug in ("case-a", "case-a", "case-b", "case-a"):
        record_read(session=session, slug=slug)
    session.commit()


LONG_AGO = D(2026, 9, 22)   # 70 days before TODAY


def registered_long_ago(session: Session, code: str, category: str, *, registered: D = LONG_AGO,
                        closed: dt.datetime | None = None) -> None:
    """A 件 of `category` registered on `registered` (70 days before TODAY; received 5 days before),
    open unless `closed`: 60 days from 09-22 end on Saturday 11-21, moved to Monday 11-23, so a
    申诉求决 still open is 7 days overdue on 11-30 and 8 on TODAY; a 建议意见 or 检举控告 has no 60 days
    to be overdue (or on time) against."""
    session.add(Prefiling(
        code=code, secret_hash="x" * 64, idempotency_token=uuid.uuid4().hex, state="已办结" if closed else "已登记",
        category=category, closed_at=closed,
        restricted=category == "检举控告", district="历城区", received_date=registered - dt.timedelta(days=5),
        registered_date=registered, submitted_at=dt.datetime.combine(registered - dt.timedelta(days=5), dt.time(2),
                                                                     tzinfo=dt.UTC),
        rating="", raised_before=False, channels=""))
    session.commit()
