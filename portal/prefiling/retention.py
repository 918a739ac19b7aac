"""Retention (保存期限): after settings.retention_days from closure, personal data is erased and the
record kept anonymised (category, district, dates, states, rating) for statistics; a pre-filing the
citizen withdrew (only possible before it was registered: it never became a 信访件) after
settings.withdrawn_retention_days. Sent-in questions (群众来问) nobody handled go after
inbox.UNHANDLED_TTL, staff sign-in sessions after STAFF_SESSION_TTL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, and_, col, delete, func, or_, select

from portal.audit.service import ERASE, record
from portal.prefiling import attachments as files
from portal.prefiling import codes, ratelimit, repeats
from portal.prefiling.drafts import DRAFT_TTL, MARKER_TTL, SUBMITTED_STEP, draft_files
from portal.prefiling.models import (
    Prefiling,
    PrefilingAttachment,
    PrefilingDraft,
    PrefilingEvent,
    PrefilingPerson,
)
from portal.prefiling.states import RUNNING, TERMINAL, WITHDRAWN
from portal.qa import inbox, lifecycle
from portal.qa.models import SentQuestion
from portal.qa.personal import has_personal_numbers
from portal.staff.models import StaffSession, StaffUser
from portal.timeutil import as_utc, beijing_text, utcnow

ERASED = "（已按保存期限删除）"
# a staff session row (who, when signed in, when last seen) is of no use once it has ended; the
# audit log keeps every sign-in and sign-out
STAFF_SESSION_TTL = dt.timedelta(days=90)


@dataclass(frozen=True)
class PurgeReport:
    anonymised: int
    drafts_removed: int
    files_removed: int
    sweep_skipped: int = 0   # unnamed files left: the database holds nothing, or they predate it (the wrong one?)
    sent_questions_removed: int = 0   # 群众来问 still 待处理 after inbox.UNHANDLED_TTL
    staff_sessions_removed: int = 0   # sign-in sessions last seen more than STAFF_SESSION_TTL ago


def anonymise(*, session: Session, prefiling: Prefiling, directory: Path, now: dt.datetime) -> list[str]:
    """Erase the personal data of one pre-filing (the caller commits); return the stored names of
    its attachment files, for the caller to remove once the erasure is committed (were they removed
    first, a failed commit would leave a record naming files that are gone)."""
    p = prefiling
    p.name_enc = p.id_number_enc = p.phone_enc = p.address_enc = None
    p.subject = p.raised_where = p.rating_comment = p.reject_reason = ""
    p.request, p.facts = ERASED, ERASED
    p.anonymised_at = p.updated_at = now
    atts = session.exec(select(PrefilingAttachment).where(PrefilingAttachment.prefiling_id == p.id)).all()
    for att in atts:
        session.delete(att)
    session.exec(delete(PrefilingPerson).where(col(PrefilingPerson.prefiling_id) == p.id))
    for event in session.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id == p.id)):
        event.reply = ERASED if event.reply else ""
        session.add(event)
    repeats.forget(session=session, prefiling_ids=[p.id])  # no key or sketch left to match on
    session.add(p)
    return [att.stored_name for att in atts]


class EraseRefused(Exception):
    """Why one 件's personal data cannot be erased now (plain Chinese)."""


def erase_on_request(*, session: Session, code: str, by: str, reason: str, attachments_dir: Path,
                     now: dt.datetime | None = None) -> Prefiling:
    """A citizen's request to delete their personal data (个人信息保护法 art. 47), checked by staff:
    one closed 件 anonymised now, as the retention period would later; audited under `by` with
    `reason` (which must name no one). A 件 still being handled is refused: the citizen withdraws
    it (before registration) or it is closed first."""
    now = now or utcnow()
    p = session.exec(select(Prefiling).where(Prefiling.code == codes.normalise(code))).first()
    if p is None:
        raise EraseRefused(f"没有查询码为 {code} 的预登记。")
    if p.anonymised_at is not None:
        raise EraseRefused(f"{codes.grouped(p.code)} 的个人信息已于 {beijing_text(p.anonymised_at)} 删除。")
    if p.state not in TERMINAL:
        raise EraseRefused(f"{codes.grouped(p.code)} 还在办理中（{p.state}）：登记前可由信访人撤回，"
                           "否则办结或不予登记后才能删除。")
    if not by.strip() or not reason.strip():
        raise EraseRefused("请写明经办人（--by）和依据（--reason，例如“信访人来电申请，已核实身份”，不写姓名）。")
    staff = session.get(StaffUser, by.strip())
    if staff is None or staff.disabled:   # the audit log cannot be changed afterwards: no made-up name
        raise EraseRefused(f"没有启用的工作人员账号“{by.strip()}”：--by 写核实这次申请的工作人员的用户名。")
    if has_personal_numbers(reason):
        raise EraseRefused("依据中有身份证号或电话号码：操作日志不能修改，请只写依据，例如“信访人来电申请，已核实身份”。")
    doomed = anonymise(session=session, prefiling=p, directory=attachments_dir, now=now)
    record(session=session, actor_name=by.strip(), action=ERASE, target=f"prefiling:{p.code}",
           detail=reason.strip())
    session.commit()
    _remove_named(attachments_dir, doomed)
    return p


def stale_open(*, session: Session, retention_days: int, now: dt.datetime | None = None) -> int:
    """How many 件 came in more than `retention_days` ago and are still not closed (left in
    需补充材料, or never finished): the purge cannot erase them, so it says so."""
    now = now or utcnow()
    return session.exec(select(func.count()).select_from(Prefiling).where(
        col(Prefiling.closed_at).is_(None), col(Prefiling.state).in_(sorted(RUNNING)),
        col(Prefiling.submitted_at) < now - dt.timedelta(days=retention_days))).one()


def purge_expired(*, session: Session, retention_days: int, attachments_dir: Path,
                  withdrawn_days: int = 30, now: dt.datetime | None = None) -> PurgeReport:
    """Anonymise pre-filings closed more than `retention_days` ago, withdrawn ones more than
    `withdrawn_days` ago; drop stale drafts, submitted drafts' markers (MARKER_TTL), counters,
    sent-in questions nobody handled (UNHANDLED_TTL) and old staff sessions (STAFF_SESSION_TTL).

    One transaction; the files go only after it is committed. A database error (busy, connection
    lost) before that leaves everything as it was — nothing erased, no file removed — and the
    whole purge can simply be run again. A file that cannot be removed after the commit is named
    by nothing any more and goes with a later run's sweep. A period under a day is refused
    (ValueError): it would erase what was closed a moment ago (the settings refuse it first)."""
    if retention_days < 1 or withdrawn_days < 1:
        raise ValueError(f"retention periods under a day erase at once: {retention_days}, {withdrawn_days}")
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=retention_days)
    withdrawn = and_(col(Prefiling.state) == WITHDRAWN,
                     col(Prefiling.closed_at) < now - dt.timedelta(days=withdrawn_days))
    handled = and_(col(Prefiling.state) != WITHDRAWN, col(Prefiling.closed_at) < cutoff)
    due = session.exec(select(Prefiling).where(or_(handled, withdrawn),
                                               col(Prefiling.anonymised_at).is_(None))).all()
    doomed = [name for p in due for name in anonymise(session=session, prefiling=p, directory=attachments_dir,
                                                        now=now)]
    # drafts after 7 days; a submitted draft's marker (its 查询密码) after 24 hours
    submitted = col(PrefilingDraft.step) == SUBMITTED_STEP
    drafts = session.exec(select(PrefilingDraft).where(or_(
        and_(~submitted, col(PrefilingDraft.updated_at) < now - DRAFT_TTL),
        and_(submitted, col(PrefilingDraft.updated_at) < now - MARKER_TTL)))).all()
    for draft in drafts:
        doomed.extend(draft_files(draft))
        session.delete(draft)
    session.flush()
    unnamed, skipped = _sweep_unnamed(session=session, directory=attachments_dir, now=now)
    ratelimit.purge(session=session, now=now)
    # 群众来问 nobody handled (handled ones hold no text of the citizen's: see inbox.UNHANDLED_TTL)
    sent = session.exec(delete(SentQuestion).where(
        col(SentQuestion.state) == lifecycle.PENDING,
        col(SentQuestion.received_at) < now - inbox.UNHANDLED_TTL)).rowcount
    ended = session.exec(delete(StaffSession).where(col(StaffSession.last_seen_at) < now - STAFF_SESSION_TTL)).rowcount
    session.commit()
    removed = _remove_named(attachments_dir, doomed) + sum(_remove(path) for path in unnamed)
    return PurgeReport(anonymised=len(due), drafts_removed=len(drafts), files_removed=removed,
                       sweep_skipped=skipped, sent_questions_removed=sent, staff_sessions_removed=ended)


def _remove_named(directory: Path, names: list[str]) -> int:
    """Remove the stored files erased records named (a bare name only, never a path); how many went."""
    return sum(_remove(directory / name) for name in names if Path(name).name == name)


def _remove(path: Path) -> bool:
    """Remove a file the committed database no longer names; False when it cannot be (left to the sweep)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _sweep_unnamed(*, session: Session, directory: Path, now: dt.datetime) -> tuple[list[Path], int]:
    """Stored files that no draft and no pre-filing names, older than a draft may live: a tab closed
    at a save conflict (its upload was stored, the save refused), a crash between storing and
    saving, a process killed while writing one (its temporary `.….partial` name). Nothing else would
    ever delete them. (to remove once committed, left): a database that holds no
    pre-filing and no draft is taken for the wrong one (settings half given, as from cron), and
    its attachments folder is left as it is."""
    if not directory.is_dir():
        return [], 0
    named = set(session.exec(select(PrefilingAttachment.stored_name)))
    for draft in session.exec(select(PrefilingDraft)):
        named.update(draft_files(draft))
    cutoff = (now - DRAFT_TTL).timestamp()
    unnamed = [path for path in directory.iterdir()
               if path.is_file() and path.name not in named
               and (files.is_stored_name(path.name) or files.is_partial_name(path.name))
               and path.stat().st_mtime < cutoff]
    if not unnamed:
        return [], 0
    firsts = [session.exec(select(func.min(Prefiling.submitted_at))).one(),
              session.exec(select(func.min(PrefilingDraft.created_at))).one()]
    firsts = [as_utc(t) for t in firsts if t is not None]
    if not firsts:
        return [], len(unnamed)
    # a file stored before this database held anything is not this database's: an empty database
    # started beside an older installation's attachments (a new checkout, PostgreSQL without
    # copy-data) would otherwise delete them all once it holds one pre-filing (upgrade drill)
    since = min(firsts).timestamp()
    ours = [path for path in unnamed if path.stat().st_mtime >= since]
    return ours, len(unnamed) - len(ours)
