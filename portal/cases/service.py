"""Typical-case services: staff editing and publishing (编辑 only), public reading (no actor)."""

from __future__ import annotations

import json

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.audit.service import SAVE as AUDIT_SAVE
from portal.audit.service import record
from portal.cases import lifecycle
from portal.cases.content import CaseDraft, Citation, validate_draft, validate_slug
from portal.cases.models import CaseRevision, TypicalCase
from portal.cases.render import plain_text
from portal.cases.types import CaseSummary
from portal.concurrency import Taken, first_wins
from portal.field_errors import FieldError, ValidationFailed
from portal.identity import Actor, require
from portal.laws.ids import law_slug_of
from portal.laws.library import Library
from portal.lifecycle import guarded_move
from portal.roles import EDITOR
from portal.timeutil import beijing_today, utcnow

SAVE_ACTION = "保存"


def citations_of(case: TypicalCase | CaseRevision) -> tuple[Citation, ...]:
    return tuple(Citation(item["id"], item.get("reason", "")) for item in json.loads(case.provisions))


def draft_of(case: TypicalCase | CaseRevision) -> CaseDraft:
    return CaseDraft(title=case.title, category=case.category, facts=case.facts, process=case.process,
                     result=case.result, significance=case.significance,
                     provisions=citations_of(case), illustrative=case.illustrative)


def _content_values(draft: CaseDraft) -> dict:
    return dict(title=draft.title.strip(), category=draft.category, facts=draft.facts,
                process=draft.process, result=draft.result, significance=draft.significance,
                illustrative=draft.illustrative,
                provisions=json.dumps([{"id": c.id, "reason": c.reason} for c in draft.provisions],
                                      ensure_ascii=False))


def differs_from_stored(*, case: TypicalCase, draft: CaseDraft) -> bool:
    """True when 保存 of `draft` would change what `case` stores (as stored: a title's spaces at the
    ends are no change). 发布 publishes the stored text, never the boxes', so it waits for this to
    be False."""
    return _content_values(draft) != _content_values(draft_of(case))


def _add_revision(session: Session, case: TypicalCase, *, action: str, author: str) -> CaseRevision:
    """Every change of text or state leaves a full copy behind (修订记录)."""
    case.revision += 1
    revision = CaseRevision(case_slug=case.slug, number=case.revision, action=action, state=case.state,
                            author=author, created_at=case.updated_at,
                            **_content_values(draft_of(case)))
    session.add(case)
    session.flush()  # no ORM relationship: the case row must exist before its revision
    session.add(revision)
    return revision


def store_case(*, session: Session, slug: str, draft: CaseDraft, state: str, author: str,
               action: str, source: str = "staff", content_hash: str = "", new: bool = False) -> TypicalCase:
    """Create or overwrite a case's text, with a revision (no permission check: callers do it).
    `new`: a case the caller saw no row for; one stored since then fails the flush (IntegrityError),
    never overwritten."""
    case = None if new else session.get(TypicalCase, slug)
    now = utcnow()
    if case is None:
        case = TypicalCase(slug=slug, state=state, source=source, updated_at=now, updated_by=author,
                           **_content_values(draft))
    else:
        for key, value in _content_values(draft).items():
            setattr(case, key, value)
        case.state, case.updated_at, case.updated_by = state, now, author
    if content_hash:
        case.content_hash = content_hash
    _add_revision(session, case, action=action, author=author)
    return case


def _slug_taken(slug: str) -> FieldError:
    return FieldError("slug", f"网址名“{slug}”已被其他案例使用，请换一个。")


def save_case(*, session: Session, actor: Actor, library: Library, slug: str, draft: CaseDraft,
              expected_revision: int | None = None, new: bool = False) -> TypicalCase:
    """Save an editor's text: a new case starts as 草稿; a published case is updated in place.

    `new` refuses a slug already in use (so "create" never overwrites another case);
    `expected_revision` guards against two editors overwriting each other."""
    require(actor, EDITOR)
    existing = session.get(TypicalCase, slug)
    errors = validate_draft(draft, library=library)
    if existing is None:
        errors = validate_slug(slug) + errors
    elif new:
        errors.insert(0, _slug_taken(slug))
    elif expected_revision is not None and existing.revision != expected_revision:
        errors.insert(0, FieldError("slug", "这个案例刚被他人修改，您的修改没有保存。"))
    if errors:
        raise ValidationFailed(errors)
    state = existing.state if existing else lifecycle.DRAFT
    try:
        with first_wins(session):
            case = store_case(session=session, slug=slug, draft=draft, state=state, author=actor.username,
                              action=SAVE_ACTION, new=existing is None)
    except Taken as taken:
        raise ValidationFailed([FieldError("slug", "这个案例刚被他人修改，您的修改没有保存。")]) from taken
    except IntegrityError:   # a colleague created a case with this 网址名 in the same instant
        session.rollback()
        raise ValidationFailed([_slug_taken(slug)]) from None
    record(session=session, actor_name=actor.username, action=AUDIT_SAVE, target=f"case:{slug}",
           detail=f"第 {case.revision} 版（{state}）")
    return case


def _publishable(case: TypicalCase, library: Library) -> None:
    """发布 re-checks the citations against the current library; the first publication is dated."""
    if errors := validate_draft(draft_of(case), library=library):
        raise ValidationFailed(errors)
    case.published_on = case.published_on or beijing_today()


def transition(*, session: Session, actor: Actor, library: Library, slug: str,
               action: str, seen_revision: int | None = None) -> TypicalCase:
    """Apply 发布 or 撤回 (portal.lifecycle.guarded_move; `seen_revision`: the revision the editor's
    page showed, refused when the case has changed since)."""
    require(actor, EDITOR)
    case = session.get(TypicalCase, slug)
    if case is None:
        raise ValidationFailed([FieldError("slug", f"没有案例“{slug}”。")])
    # the revision is the version checked by the UPDATE: another editor acting first wins
    guarded_move(session, case, action, machine=lifecycle.MACHINE, actor=actor.username, target=f"case:{slug}",
                 detail=lambda new_state: f"第 {case.revision} 版 → {new_state}",
                 checks={lifecycle.PUBLISH: lambda: _publishable(case, library)},
                 write=lambda: _add_revision(session, case, action=action, author=actor.username),
                 seen_revision=seen_revision)
    return case


def publish(*, session: Session, actor: Actor, library: Library, slug: str) -> TypicalCase:
    return transition(session=session, actor=actor, library=library, slug=slug, action=lifecycle.PUBLISH)


def withdraw(*, session: Session, actor: Actor, library: Library, slug: str) -> TypicalCase:
    return transition(session=session, actor=actor, library=library, slug=slug, action=lifecycle.WITHDRAW)


def staff_cases(*, session: Session, actor: Actor, state: str | None = None) -> list[TypicalCase]:
    """Every case in any state, newest change first (编辑)."""
    require(actor, EDITOR)
    query = select(TypicalCase).order_by(col(TypicalCase.updated_at).desc())
    if state:
        query = query.where(TypicalCase.state == state)
    return list(session.exec(query))


def staff_case(*, session: Session, actor: Actor, slug: str) -> TypicalCase | None:
    require(actor, EDITOR)
    return session.get(TypicalCase, slug)


def case_revisions(*, session: Session, actor: Actor, slug: str) -> list[CaseRevision]:
    """修订记录, newest first."""
    require(actor, EDITOR)
    return list(session.exec(select(CaseRevision).where(CaseRevision.case_slug == slug)
                             .order_by(col(CaseRevision.number).desc())))


# --- public reading: only 已发布 cases ever leave these functions --------------------------------

def published_list(*, session: Session, category: str | None = None,
                   law_slug: str | None = None) -> list[TypicalCase]:
    """Published cases, newest first; of one 类别 and / or citing one law where asked."""
    query = select(TypicalCase).where(TypicalCase.state == lifecycle.PUBLISHED)
    query = query.order_by(col(TypicalCase.published_on).desc(), TypicalCase.slug)
    return matching(list(session.exec(query)), category=category, law_slug=law_slug)


def matching(cases: list[TypicalCase], *, category: str | None = None,
             law_slug: str | None = None) -> list[TypicalCase]:
    """`cases` (in their order) of one 类别 and / or citing one law where asked."""
    return [c for c in cases if (not category or c.category == category)
            and (not law_slug or any(law_slug_of(x.id) == law_slug for x in citations_of(c)))]


def published_case(*, session: Session, slug: str) -> TypicalCase | None:
    case = session.get(TypicalCase, slug)
    return case if case is not None and case.state == lifecycle.PUBLISHED else None


def summary_of(case: TypicalCase) -> CaseSummary:
    return CaseSummary(slug=case.slug, title=case.title, category=case.category,
                       summary=plain_text(case.significance or case.facts, limit=120),
                       provision_ids=tuple(c.id for c in citations_of(case)))


def published_summaries(*, session: Session) -> list[CaseSummary]:
    """What search and the pre-filing check show beside their results."""
    return [summary_of(c) for c in published_list(session=session)]
