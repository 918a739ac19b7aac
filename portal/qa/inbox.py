"""群众来问: a question a citizen opts to send to staff when search found nothing useful.

Only the question text is kept — with ID-card and phone numbers masked before it is stored —
and nothing about the sender (the rate limit keeps keyed hashes only). Staff answer it into the
bank or dismiss it; either way its text is then erased. One nobody handles is deleted
UNHANDLED_TTL after it came in (`purge-expired`)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from portal.audit.service import SENT_HANDLE, record
from portal.concurrency import first_wins
from portal.field_errors import FieldError, ValidationFailed
from portal.identity import Actor, require
from portal.laws.library import Library
from portal.prefiling import ratelimit
from portal.prefiling.crypto import Cipher, get_cipher
from portal.qa import lifecycle
from portal.qa.models import BankQuestion, SentQuestion
from portal.qa.personal import mask_personal_numbers
from portal.qa.service import MAX_CHARS, MIN_CHARS, add_question
from portal.roles import COUNSEL
from portal.textinput import multi_line, only_invisible
from portal.timeutil import utcnow

SEND = ratelimit.Limit("bank_send", 3, 20, 100, dt.timedelta(hours=1),
                       "您发送得太频繁了。同一设备一小时内最多发送3个问题、同一网络最多20个，请稍后再试。")
# a question still 待处理 this long after it came in is deleted by `purge-expired`
# (portal.prefiling.retention; the citizen is told beside the send box). Handled ones stay: their
# text went when they were handled, and what is left (state, when, by whom, into which bank
# question) tells a colleague who handled it.
UNHANDLED_TTL = dt.timedelta(days=90)

def send_question(*, session: Session, text: str, client: ratelimit.ClientInfo,
                  cipher: Cipher | None = None) -> SentQuestion:
    """Store a citizen's question (masked) for staff. Raises ValidationFailed for an empty or
    overlong text and ratelimit.RateLimited after too many sends."""
    typed, text = text, multi_line(text)   # counted as seen: no zero-width or control characters
    if only_invisible(typed, text):
        raise ValidationFailed([FieldError("text", "问题里没有能看到的文字（可能是复制时带进来的空白符号），请删掉后重新输入。")])
    if len(text) < MIN_CHARS:
        raise ValidationFailed([FieldError("text", f"问题太短，请至少写 {MIN_CHARS} 个字。")])
    if len(text) > MAX_CHARS:
        raise ValidationFailed([FieldError("text", f"问题不能超过 {MAX_CHARS} 个字。")])
    cipher = cipher or get_cipher()
    # counted atomically before storing (it ends the caller's transaction first)
    ratelimit.hit(session=session, client=client, limit=SEND, cipher=cipher)
    sent = SentQuestion(text=mask_personal_numbers(text), state=lifecycle.PENDING, received_at=utcnow())
    session.add(sent)
    session.flush()
    return sent


def sent_questions(*, session: Session, actor: Actor, state: str = lifecycle.PENDING,
                   limit: int = 200) -> list[SentQuestion]:
    """Sent-in questions in `state`, oldest first (法律顾问)."""
    require(actor, COUNSEL)
    query = (select(SentQuestion).where(SentQuestion.state == state)
             .order_by(col(SentQuestion.received_at)).limit(limit))
    return list(session.exec(query))


def sent_question(*, session: Session, actor: Actor, sent_id: int) -> SentQuestion | None:
    """One sent-in question in any state (法律顾问): who handled it, when, and into which question."""
    require(actor, COUNSEL)
    return session.get(SentQuestion, sent_id)


def _handle(session: Session, *, actor: Actor, sent_id: int, action: str,
            bank_question: BankQuestion | None = None) -> SentQuestion:
    sent = session.get(SentQuestion, sent_id)
    if sent is None:
        raise ValidationFailed([FieldError("text", f"没有编号为 {sent_id} 的来问。")])
    sent.state = lifecycle.next_state(sent.state, action, lifecycle.SENT_TRANSITIONS)
    sent.text = ""  # handled: the citizen's words are not kept beyond what staff wrote into the bank
    sent.handled_at, sent.handled_by = utcnow(), actor.username
    sent.bank_question_id = bank_question.id if bank_question else None
    session.add(sent)
    # a colleague handled it in the same instant: theirs stands, and the bank question made for
    # this answer is rolled back with everything else
    with first_wins(session, lifecycle.IllegalTransition):
        session.flush()
    record(session=session, actor_name=actor.username, action=SENT_HANDLE, target=f"sent:{sent.id}",
           detail=action + (f" → bank:{bank_question.id}" if bank_question else ""))
    return sent


def answer_sent(*, session: Session, actor: Actor, library: Library, sent_id: int, question: str,
                provision_ids: list[str], publish: bool = False) -> BankQuestion:
    """Answer a sent-in question into the bank (text as staff edited it, with the articles)."""
    require(actor, COUNSEL)
    sent = session.get(SentQuestion, sent_id)
    if sent is not None and sent.state != lifecycle.PENDING:  # before creating anything
        raise lifecycle.IllegalTransition(f"这条来问{sent.state}（{sent.handled_by}）。")
    entry = add_question(session=session, actor=actor, library=library, question=question,
                         provision_ids=provision_ids, publish=publish)
    _handle(session, actor=actor, sent_id=sent_id, action=lifecycle.ANSWER, bank_question=entry)
    return entry


def dismiss_sent(*, session: Session, actor: Actor, sent_id: int) -> SentQuestion:
    """Dismiss a sent-in question (not a legal question, a duplicate, abusive …)."""
    require(actor, COUNSEL)
    return _handle(session, actor=actor, sent_id=sent_id, action=lifecycle.DISMISS)
