"""补充材料: when staff asked for more (需补充材料), the citizen sends it from 进度查询 with the
查询码 and 查询密码, and the 件 goes back to the handler (transition `supplement`, 需补充材料 → 已提交).

Every file passes the same content checks as the first upload (portal.prefiling.attachments:
type by content, size, Pillow re-encode, PDF active-content refusal) and is stored encrypted the
same way. The move, its event (the citizen's note is the event's reply, encrypted at rest), the new
attachment rows and an audit entry are one transaction, checked against the version column like
every other transition: when staff acted on the 件 meanwhile nothing is written and the stored
files are removed again.

Limits per 件 (constants, not settings): at most MAX_FILES_PER_CASE attachments and
MAX_BYTES_PER_CASE bytes in all, the first submission's included; at most
attachments.MAX_COUNT files per sending.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, select

from portal.audit.service import TRANSITION, record
from portal.concurrency import first_wins
from portal.prefiling import attachments as files
from portal.prefiling.crypto import Cipher, get_cipher
from portal.prefiling.fields import FieldError, check_text, clean
from portal.prefiling.lookup import StatusView, find_prefiling, status_view
from portal.prefiling.models import PrefilingAttachment
from portal.prefiling.ratelimit import ClientInfo
from portal.prefiling.states import CITIZEN, IllegalTransition, TransitionTaken, allowed, apply_transition
from portal.settings import get_settings
from portal.timeutil import beijing_today, utcnow

MAX_FILES_PER_CASE = 10
MAX_BYTES_PER_CASE = 25 * 1024 * 1024
NOTE_LIMIT = 500
FIELD = "supplement"


class SupplementRefused(Exception):
    """Carries the FieldError to show at the upload (nothing was stored)."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def _refuse(message: str) -> SupplementRefused:
    return SupplementRefused(FieldError(FIELD, message))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _checked(uploads: Sequence[tuple[str, bytes]], count: int, total: int) -> list[bytes]:
    """The bytes to store (images re-encoded), or SupplementRefused for the first problem."""
    if len(uploads) > files.MAX_COUNT:
        raise _refuse(f"一次最多上传{files.MAX_COUNT}个文件，您选了{len(uploads)}个，请分几次上传。")
    room = MAX_FILES_PER_CASE - count
    if len(uploads) > room:
        raise _refuse(f"每份预登记最多{MAX_FILES_PER_CASE}个附件，已有{count}个，"
                      f"这次最多还能上传{max(room, 0)}个。其余材料请按答复中的方式送交。")
    cleaned = []
    for name, data in uploads:
        kept, problem = files.clean_upload(name, data)
        if problem:
            raise _refuse(problem.message)
        cleaned.append(kept)
    size = sum(len(c) for c in cleaned)
    if total + size > MAX_BYTES_PER_CASE:
        raise _refuse(f"每份预登记的附件合计不能超过{_mb(MAX_BYTES_PER_CASE)}，已有{_mb(total)}，"
                      f"这次的文件共{_mb(size)}。请压缩后再上传，或按答复中的方式送交。")
    return cleaned


def send(*, session: Session, code: str, secret: str, client: ClientInfo,
         uploads: Sequence[tuple[str, bytes]], note: str = "", cipher: Cipher | None = None) -> StatusView:
    """Send requested material: at least one file, or a note alone; returns the new status.

    LookupFailed / RateLimited as every lookup; IllegalTransition when the 件 is not waiting for
    material; TransitionTaken when staff acted on it at the same moment; SupplementRefused for a
    file or a note that cannot be accepted."""
    cipher = cipher or get_cipher()
    p = find_prefiling(session, code, secret, client, cipher)
    if not allowed(p.state, "supplement"):
        raise IllegalTransition(f"当前状态为“{p.state}”，工作人员没有要求补充材料，不能在这里上传。")
    note = clean(note)
    problem = check_text(FIELD, "补充说明", note, limit=NOTE_LIMIT, required=False)
    if problem:
        raise SupplementRefused(problem)
    if not uploads and not note:
        raise _refuse("请选择要上传的材料文件，或者写上补充说明。")
    count, total = session.exec(select(func.count(), func.coalesce(func.sum(PrefilingAttachment.size), 0))
                                .where(PrefilingAttachment.prefiling_id == p.id)).one()
    cleaned = _checked(uploads, count, total)
    directory = get_settings().attachments_dir
    entries = files.store_all(datas=cleaned, directory=directory, cipher=cipher)
    now = utcnow()
    reply = f"补充材料{len(entries)}份。" if entries else "补充说明。"
    event = apply_transition(p, "supplement", actor=CITIZEN, at=now, reply=reply + (f"说明：{note}" if note else ""))
    rows = [PrefilingAttachment(prefiling_id=p.id, stored_name=e["stored_name"], kind=e["kind"], size=e["size"],
                                added_at=now) for e in entries]
    try:
        with first_wins(session, TransitionTaken):
            session.add_all([p, event, *rows])
            # the note may name people: only the move and the count go into the audit detail
            record(session=session, actor_name=CITIZEN, action=TRANSITION, target=f"prefiling:{p.code}",
                   detail=f"补充材料：{event.from_state} → {event.to_state}，附件{len(entries)}份")
            session.commit()
    except Exception:
        session.rollback()
        for e in entries:
            files.remove(stored_name=e["stored_name"], directory=directory)
        raise
    return status_view(session, p, beijing_today())
