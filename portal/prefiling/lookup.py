"""Status lookup (进度查询), withdrawal (撤回) and rating (评价) by reference code and secret.

A wrong code and a wrong secret get the same message, take the same work, and both count toward
the throttle for the session and the client address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import update
from sqlmodel import Session, col, select

from portal.concurrency import first_wins
from portal.prefiling import codes, ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.fields import FieldError, check_text, clean
from portal.prefiling.models import Prefiling, PrefilingAttachment, PrefilingEvent
from portal.prefiling.ratelimit import CODE_FAIL, LOOKUP_FAIL, ClientInfo
from portal.prefiling.receipt import OWN_RULE, ClockLine, Receipt, clock_lines, clock_of, make_receipt
from portal.prefiling.states import (
    ACTION_NAMES,
    CITIZEN,
    CLOSED,
    RATED_EXPLAINED,
    REJECTED,
    RUNNING,
    STATE_EXPLAINED,
    WITHDRAWN,
    TransitionTaken,
    allowed,
    apply_transition,
)
from portal.site import Office
from portal.timeutil import beijing_today, utcnow

NEUTRAL = "查询码或查询密码不正确，请核对后重新输入。"
RATINGS: tuple[str, ...] = ("满意", "基本满意", "不满意")
COMMENT_LIMIT = 500   # 评价意见, in characters
_DUMMY_HASH = "0" * 64


class LookupFailed(Exception):
    """Wrong code or secret (one neutral message)."""


class RatingRefused(Exception):
    """Carries the FieldError to show at the rating form."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    action: str
    state: str
    reply: str


@dataclass(frozen=True)
class Material:
    """One attachment as its sender sees it: no file name is kept, only kind, size and when."""

    number: int
    kind: str
    size: int
    added_at: dt.datetime | None    # None: sent with the pre-filing itself


@dataclass(frozen=True)
class StatusView:
    """What the citizen sees: state, dates, replies, the clock; no personal data."""

    code: str
    state: str
    explained: str
    category: str
    district: str
    submitted_at: dt.datetime
    received_date: dt.date
    registered_date: dt.date | None
    official_number: str
    reject_reason: str
    reject_channel: str
    history: list[HistoryEntry]
    clock: list[ClockLine]
    days_left: int | None  # to the real last day (民法典 第二百零三条), as staff and 数据看板 count
    can_withdraw: bool
    can_rate: bool
    rating: str
    rating_comment: str
    materials: tuple[Material, ...] = ()
    can_supplement: bool = False    # 需补充材料: the citizen may send material from this page
    # (nominal, real) last day of the running period when a 法定休假日 moves it, else None
    moved_due: tuple[dt.date, dt.date] | None = None
    as_of: dt.date | None = None    # the Beijing day days_left counts from (read again on another day)
    # registered and running: the last day of 办理 with the 30 days 第三十四条 allows on approval
    # (moved past 法定休假日); until then a missed 60th day may be a lawful extension
    extended_due: dt.date | None = None


def periods_over(state: str) -> str:
    """What the page and the receipt say instead of periods once nothing more will be handled."""
    return f"这份预登记的状态是“{state}”，不再计算办理期限。"


def status_view(session: Session, p: Prefiling, today: dt.date) -> StatusView:
    events = session.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == p.id)
                          .order_by(col(PrefilingEvent.at), col(PrefilingEvent.id))).all()
    clock = clock_of(p, events)
    # once registered, a 建议意见 or 检举控告 has no statutory day count to show (OWN_RULE)
    running = p.state in RUNNING and not (p.registered_date and p.category in OWN_RULE)
    nominal, real = clock.current_due(), clock.current_due(real=True)
    atts = session.exec(select(PrefilingAttachment).where(PrefilingAttachment.prefiling_id == p.id)
                        .order_by(col(PrefilingAttachment.id))).all()
    return StatusView(
        code=p.code, state=p.state, category=p.category,
        # once rated, 办结 no longer invites a rating
        explained=RATED_EXPLAINED if p.state == CLOSED and p.rating else STATE_EXPLAINED[p.state],
        district=p.district, submitted_at=p.submitted_at, received_date=p.received_date,
        registered_date=p.registered_date, official_number=p.official_number,
        reject_reason=p.reject_reason, reject_channel=p.reject_channel,
        history=[HistoryEntry(e.at, ACTION_NAMES.get(e.action, e.action), e.to_state, e.reply)
                 for e in events],
        clock=clock_lines(clock, category=p.category), days_left=clock.days_left(today, real=True) if running else None,
        can_withdraw=allowed(p.state, "withdraw"), can_rate=p.state == CLOSED and not p.rating,
        rating=p.rating, rating_comment=p.rating_comment,
        materials=tuple(Material(i, a.kind, a.size, a.added_at) for i, a in enumerate(atts, start=1)),
        can_supplement=allowed(p.state, "supplement"),
        moved_due=(nominal, real) if running and real != nominal else None, as_of=today,
        extended_due=clock.current_due(extended=True, real=True) if running and clock.accepted else None)


def receipt_again(view: StatusView, *, office: Office | None, today: dt.date) -> Receipt:
    """The receipt downloaded again from 进度查询 (without the 查询密码, never stored readable): the
    state and 信访件编号 as of `today`, and the periods as the page counts them now."""
    receipt = make_receipt(code=view.code, secret=None, submitted=view.received_date, category=view.category,
                           district=view.district, office=office, lines=view.clock)
    over = periods_over(view.state) if view.state in (REJECTED, WITHDRAWN) else ""
    return replace(receipt, as_of=today, state=view.state, official_number=view.official_number, periods_over=over,
                   reject_reason=view.reject_reason, reject_channel=view.reject_channel)


def find_prefiling(session: Session, code: str, secret: str, client: ClientInfo, cipher: Cipher) -> Prefiling:
    """The pre-filing for this code and secret (LookupFailed, neutral, otherwise; throttled)."""
    # Every attempt takes a failure slot first (per session / address and per 查询码, atomically),
    # and gives it back when code and secret match: parallel guesses cannot overshoot the limits.
    code, secret = codes.normalise(code), codes.normalise(secret)
    ticket = ratelimit.hit(session=session, client=client, limit=LOOKUP_FAIL, cipher=cipher,
                           subject=code, backoff=CODE_FAIL)
    row = session.exec(select(Prefiling).where(Prefiling.code == code)).first() if code else None
    ok = cipher.mac_matches(f"{code}:{secret}", row.secret_hash if row else _DUMMY_HASH)
    if row is None or not ok:
        raise LookupFailed(NEUTRAL)
    ratelimit.refund(session=session, ticket=ticket)
    return row


def lookup(*, session: Session, code: str, secret: str, client: ClientInfo,
           cipher: Cipher | None = None, today: dt.date | None = None) -> StatusView:
    """The status of one pre-filing; LookupFailed (neutral) or ratelimit.RateLimited."""
    p = find_prefiling(session, code, secret, client, cipher or get_cipher())
    return status_view(session, p, today or beijing_today())


def withdraw(*, session: Session, code: str, secret: str, client: ClientInfo,
             cipher: Cipher | None = None) -> StatusView:
    """Withdraw a pre-filing staff have not yet registered (IllegalTransition otherwise;
    TransitionTaken when staff acted on it at the same moment)."""
    p = find_prefiling(session, code, secret, client, cipher or get_cipher())
    event = apply_transition(p, "withdraw", actor=CITIZEN, reply="您已撤回这份网上信访预登记。")
    with first_wins(session, TransitionTaken):  # staff registered it meanwhile: nothing written
        session.add_all([p, event])
        session.commit()
    return status_view(session, p, beijing_today())


def rate(*, session: Session, code: str, secret: str, client: ClientInfo, rating: str,
         comment: str = "", cipher: Cipher | None = None) -> StatusView:
    """One-time 满意 / 基本满意 / 不满意 once the matter is closed (信访工作条例 第二十一条)."""
    p = find_prefiling(session, code, secret, client, cipher or get_cipher())
    if p.state != CLOSED:
        raise RatingRefused(FieldError("rating", "办结后才能评价。"))
    if p.rating:
        raise RatingRefused(FieldError("rating", "您已经评价过了，每件信访事项只能评价一次。"))
    if rating not in RATINGS:
        raise RatingRefused(FieldError("rating", "请选择“满意”“基本满意”或“不满意”。"))
    comment = clean(comment)
    problem = check_text("rating_comment", "评价意见", comment, limit=COMMENT_LIMIT, required=False)
    if problem:
        raise RatingRefused(problem)
    # A conditional UPDATE so two simultaneous ratings cannot both count.
    done = session.execute(update(Prefiling).where(col(Prefiling.id) == p.id, col(Prefiling.rating) == "")
                           .values(rating=rating, rating_comment=comment, rated_at=utcnow()))
    session.commit()
    if done.rowcount != 1:
        raise RatingRefused(FieldError("rating", "您已经评价过了，每件信访事项只能评价一次。"))
    session.refresh(p)
    return status_view(session, p, beijing_today())
