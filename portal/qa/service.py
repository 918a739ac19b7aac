"""Question-bank services: 法律顾问 write, attach articles, publish and withdraw; any signed-in
staff member may file a question from 法律问答 as a 草稿; the public reads published entries."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlmodel import Session, col, select

from portal.audit.service import BANK_SAVE, record
from portal.concurrency import Taken, first_wins
from portal.field_errors import FieldError, ValidationFailed
from portal.identity import Actor, require
from portal.laws.library import Library
from portal.lifecycle import guarded_move
from portal.qa import lifecycle
from portal.qa.models import BankQuestion
from portal.qa.personal import personal_data_problem
from portal.roles import COUNSEL, ROLES
from portal.search.bank import BankEntry
from portal.timeutil import utcnow

STAFF_SOURCE = "工作人员编写"
MIN_CHARS, MAX_CHARS, MAX_PROVISIONS = 5, 500, 10
CHANGED_MEANWHILE = "这个问题刚被他人修改，您的修改没有保存。"


def provisions_of(question: BankQuestion) -> tuple[str, ...]:
    return tuple(json.loads(question.provisions))


def clean_provisions(provision_ids: Sequence[str]) -> list[str]:
    """Stripped, without blanks and repeats, in the order given."""
    return list(dict.fromkeys(p.strip() for p in provision_ids if p and p.strip()))


def differs_from_stored(*, entry: BankQuestion, question: str, provision_ids: Sequence[str]) -> bool:
    """True when 保存 of `question` and `provision_ids` would change `entry` (as stored: spaces at
    the ends, blanks and repeats are no change). 发布 publishes the stored text, so it waits for this
    to be False."""
    return (question.strip(), tuple(clean_provisions(provision_ids))) != (entry.question, provisions_of(entry))


def validate(*, question: str, provision_ids: list[str], library: Library) -> list[FieldError]:
    """Every problem with a question and its articles, as field errors in plain Chinese."""
    errors: list[FieldError] = []
    text = question.strip()
    if len(text) < MIN_CHARS:
        errors.append(FieldError("question", f"请填写问题，至少 {MIN_CHARS} 个字。"))
    elif len(text) > MAX_CHARS:
        errors.append(FieldError("question", f"问题不能超过 {MAX_CHARS} 个字，现在是 {len(text)} 个字。"))
    if problem := personal_data_problem(text):
        errors.append(FieldError("question", problem))
    if not provision_ids:
        errors.append(FieldError("provisions", "请至少附上一条法律条文。"))
    elif len(provision_ids) > MAX_PROVISIONS:
        errors.append(FieldError("provisions", f"最多附 {MAX_PROVISIONS} 条条文。"))
    unknown = [p for p in provision_ids if library.provision(p) is None]
    if unknown:
        errors.append(FieldError("provisions", f"法规库中没有这些条文：{'、'.join(unknown)}。"
                                               "请使用“法规文件名:第X条”的形式，或从法规库中选择。"))
    return errors


def _get(session: Session, question_id: int) -> BankQuestion:
    question = session.get(BankQuestion, question_id)
    if question is None:
        raise ValidationFailed([FieldError("question", f"没有编号为 {question_id} 的问题。")])
    return question


def _create(session: Session, *, actor: Actor, library: Library, question: str,
            provision_ids: list[str], publish: bool) -> BankQuestion:
    ids = clean_provisions(provision_ids)
    if errors := validate(question=question, provision_ids=ids, library=library):
        raise ValidationFailed(errors)
    now = utcnow()
    state = lifecycle.PUBLISHED if publish else lifecycle.DRAFT
    entry = BankQuestion(question=question.strip(), provisions=json.dumps(ids, ensure_ascii=False),
                         state=state, source=STAFF_SOURCE, created_at=now, created_by=actor.username,
                         updated_at=now, updated_by=actor.username)
    session.add(entry)
    session.flush()
    record(session=session, actor_name=actor.username, action=BANK_SAVE, target=f"bank:{entry.id}",
           detail=f"新建（{state}），条文 {len(ids)} 条")
    return entry


def add_question(*, session: Session, actor: Actor, library: Library, question: str,
                 provision_ids: list[str], publish: bool = False) -> BankQuestion:
    """A new question written by a 法律顾问: 草稿, or 已发布 at once when `publish`."""
    require(actor, COUNSEL)
    return _create(session, actor=actor, library=library, question=question,
                   provision_ids=provision_ids, publish=publish)


def file_from_search(*, session: Session, actor: Actor, library: Library, question: str,
                     provision_ids: list[str], publish: bool = False) -> BankQuestion:
    """From a 法律问答 result page: any signed-in staff member files the question with the
    articles they confirm, as 草稿 for a 法律顾问 to review; only a 法律顾问 may publish at once."""
    require(actor, *((COUNSEL,) if publish else ROLES))
    return _create(session, actor=actor, library=library, question=question,
                   provision_ids=provision_ids, publish=publish)


def edit_question(*, session: Session, actor: Actor, library: Library, question_id: int,
                  question: str, provision_ids: list[str],
                  expected_revision: int | None = None) -> BankQuestion:
    """Change the text or the articles; a published question changes in place for the public."""
    require(actor, COUNSEL)
    entry = _get(session, question_id)
    ids = clean_provisions(provision_ids)
    errors = validate(question=question, provision_ids=ids, library=library)
    if expected_revision is not None and entry.revision != expected_revision:
        errors.insert(0, FieldError("question", CHANGED_MEANWHILE))
    if errors:
        raise ValidationFailed(errors)
    entry.question, entry.provisions = question.strip(), json.dumps(ids, ensure_ascii=False)
    entry.revision += 1
    entry.updated_at, entry.updated_by = utcnow(), actor.username
    session.add(entry)
    try:
        with first_wins(session):   # a colleague's save in the same instant: theirs stands
            session.flush()
    except Taken as taken:
        raise ValidationFailed([FieldError("question", CHANGED_MEANWHILE)]) from taken
    record(session=session, actor_name=actor.username, action=BANK_SAVE, target=f"bank:{entry.id}",
           detail=f"第 {entry.revision} 版（{entry.state}），条文 {len(ids)} 条")
    return entry


def _publishable(entry: BankQuestion, library: Library) -> None:
    """发布 re-checks the question and its articles against the current library."""
    if errors := validate(question=entry.question, provision_ids=list(provisions_of(entry)), library=library):
        raise ValidationFailed(errors)


def transition(*, session: Session, actor: Actor, library: Library, question_id: int,
               action: str, seen_revision: int | None = None) -> BankQuestion:
    """发布 or 撤回 (portal.lifecycle.guarded_move; `seen_revision`: the revision the counsel's page
    showed, refused when the question has been edited since)."""
    require(actor, COUNSEL)
    entry = _get(session, question_id)
    guarded_move(session, entry, action, machine=lifecycle.QUESTIONS, actor=actor.username,
                 target=f"bank:{entry.id}", detail=lambda new_state: f"→ {new_state}",
                 checks={lifecycle.PUBLISH: lambda: _publishable(entry, library)}, seen_revision=seen_revision)
    return entry


def publish(*, session: Session, actor: Actor, library: Library, question_id: int) -> BankQuestion:
    return transition(session=session, actor=actor, library=library, question_id=question_id,
                      action=lifecycle.PUBLISH)


def withdraw(*, session: Session, actor: Actor, library: Library, question_id: int) -> BankQuestion:
    return transition(session=session, actor=actor, library=library, question_id=question_id,
                      action=lifecycle.WITHDRAW)


def staff_questions(*, session: Session, actor: Actor, state: str | None = None,
                    contains: str = "", limit: int = 200) -> list[BankQuestion]:
    """Questions in any state, newest change first, filtered by state and by words in the text."""
    require(actor, COUNSEL)
    query = select(BankQuestion)
    if state:
        query = query.where(BankQuestion.state == state)
    if contains.strip():
        query = query.where(col(BankQuestion.question).contains(contains.strip()))
    query = query.order_by(col(BankQuestion.updated_at).desc(), col(BankQuestion.id).desc()).limit(limit)
    return list(session.exec(query))


def state_counts(*, session: Session, actor: Actor) -> dict[str, int]:
    """How many questions are in each state (for the curation page's heading)."""
    require(actor, COUNSEL)
    states = list(session.exec(select(BankQuestion.state)))
    return {state: states.count(state) for state in lifecycle.STATES}


def staff_question(*, session: Session, actor: Actor, question_id: int) -> BankQuestion | None:
    require(actor, COUNSEL)
    return session.get(BankQuestion, question_id)


# --- public reading: only 已发布 questions ever leave these functions ----------------------------

def published_entries(*, session: Session) -> list[BankEntry]:
    """Every published question with its articles, oldest first (what 相似问题 ranks)."""
    query = (select(BankQuestion.id, BankQuestion.question, BankQuestion.provisions)
             .where(BankQuestion.state == lifecycle.PUBLISHED).order_by(col(BankQuestion.id)))
    return [BankEntry(id=str(qid), question=text, provisions=tuple(json.loads(provisions)))
            for qid, text, provisions in session.exec(query)]
