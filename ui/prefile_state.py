"""The pre-filing page's session state: the form dict, the step, the draft, and the moves between
steps (called from widget callbacks so errors are known before the page is drawn). Where a move
leads is decided in the domain (portal.prefiling.form: next_stage, previous_stage); this module is
the session glue."""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from portal.db import STORAGE_FAILURES, failure_reason, session_scope
from portal.prefiling import attachments as files
from portal.prefiling import codes
from portal.prefiling import form as F
from portal.prefiling.codes import new_draft_code
from portal.prefiling.drafts import (
    DraftChanged,
    DraftNotFound,
    DraftSubmitted,
    discard_draft,
    load_draft,
    save_draft,
    take_upload,
)
from portal.prefiling.fields import FieldError
from portal.prefiling.ratelimit import RateLimited
from portal.settings import get_settings
from portal.textinput import single_line
from ui.prefile_ui import client_info
from ui.site_frame import office

log = logging.getLogger(__name__)
S = st.session_state
STEP_FIELDS = {
    "consent": ("consent",),
    "petitioner": ("name", "id_number", "phone", "address"),
    "matter": ("district", "category", "subject", "request", "facts"),
    "history": ("raised_before", "raised_where", "raised_stage"),
    "check": (),
}
PERSON_FIELDS = {"agents": ("name", "relation", "phone"), "representatives": ("name", "phone")}
CHOICE_FIELDS = {"category", "raised_before", "raised_stage"}


def is_choice(field: str) -> bool:
    """Whether `field` is picked from a list (its widget holds None, not "", until one is picked)."""
    return field in CHOICE_FIELDS or (field == "district" and bool(get_settings().district_choices))


def init() -> None:
    S.setdefault("pf_data", F.empty_form())
    S.setdefault("pf_step", "consent")
    S.setdefault("pf_errors", [])
    S.setdefault("pf_upload_gen", 0)
    # the code this form's draft will take, fixed before the first save (drafts.save_draft)
    S.setdefault("pf_new_draft_code", new_draft_code())


def wkey(field: str) -> str:
    return f"pf_w_{field}"


def pkey(group: str, i: int, field: str) -> str:
    return f"pf_w_{group}_{i}_{field}"


def seed(step: str) -> None:
    """Put the stored answers into the widgets of `step` (once per visit to the step)."""
    if S.get("pf_seeded") == step:
        return
    data = S.pf_data
    for field in STEP_FIELDS[step]:
        value = data.get(field)
        S[wkey(field)] = (value or None) if is_choice(field) else value
    if step == "petitioner":
        for group, names in PERSON_FIELDS.items():
            people = data.get(group) or []
            S[wkey(f"{group}_count")] = len(people)
            for i in range(F.MAX_REPRESENTATIVES):
                for name in names:
                    value = people[i].get(name, "") if i < len(people) else ""
                    S[pkey(group, i, name)] = (value or None) if name == "relation" else value
    S.pf_seeded = step


def collect(step: str) -> dict[str, Any]:
    """The widgets' values of `step` written back into the form dict."""
    data = S.pf_data
    for field in STEP_FIELDS[step]:
        value = S.get(wkey(field))
        data[field] = bool(value) if field == "consent" else (value or "")
    if step == "petitioner":
        for group, names in PERSON_FIELDS.items():
            count = int(S.get(wkey(f"{group}_count")) or 0)
            data[group] = [{n: S.get(pkey(group, i, n)) or "" for n in names} for i in range(count)]
    return data


def save_failed_message(button: str) -> str:
    return (f"暂时无法保存，您填写的内容还在本页。请稍等一会儿再点“{button}”。"
            f"如果一直不成功，请拨打来访接待电话 {office().phone}。")


def storage_failed(exc: BaseException, doing: str, button: str) -> None:
    """The database or the disk refused a save: logged (no personal data), said above the button;
    what was typed stays in the step's boxes (the run goes on and draws them as they are)."""
    log.warning("pre-filing: %s failed: %s", doing, failure_reason(exc))
    S.pf_save_error = save_failed_message(button)


def receipt_of(*, code: str, secret: str | None, received, category: str, district: str, request: str,
               marker: str | None) -> dict[str, Any]:
    """What the confirmation shows (S.pf_done); `marker`: the draft whose submitted marker holds the
    查询密码, deleted once the receipt has been drawn."""
    return {"code": code, "secret": secret, "submitted": received, "category": category, "district": district,
            "request": request, "marker": marker}


def show_submitted(exc: DraftSubmitted) -> None:
    """The draft's form has been submitted (the answer lost: a reload, the draft's link, another
    tab): the page shows its receipt instead of the form."""
    S.pf_done = receipt_of(code=exc.code, secret=exc.secret, received=exc.received, category=exc.category,
                           district=exc.district, request=exc.request, marker=exc.draft_code)
    S.pf_draft = None
    st.query_params.pop("draft", None)


def save(step: str, *, regardless: bool = False, button: str = "继续") -> bool:
    """Save the draft server-side (only once consent is given: it is the basis for keeping data).

    False, with nothing written, when the draft was saved from another tab or device since this tab
    last saved or loaded it (S.pf_conflict: when, and the step this save was for), unless
    `regardless` (the person chose this tab's answers); when the database or disk refused it
    (S.pf_save_error, naming `button` to press again); or when the form has been submitted
    meanwhile (S.pf_done: its receipt)."""
    if not S.pf_data.get("consent"):
        return True
    try:
        with st.spinner("正在保存…"), session_scope() as session:
            draft = save_draft(session=session, data=S.pf_data, step=step, code=S.get("pf_draft"),
                               new_code=S.pf_new_draft_code,
                               expected=None if regardless else S.get("pf_saved_at"))
    except DraftChanged as exc:
        S.pf_conflict = (exc.saved_at, step)
        return False
    except DraftSubmitted as exc:   # submitted meanwhile (another tab): its receipt, not this form
        show_submitted(exc)
        return False
    except STORAGE_FAILURES as exc:
        storage_failed(exc, f"saving the draft (step {step})", button)
        return False
    S.pop("pf_save_error", None)
    S.pf_draft, S.pf_token, S.pf_saved_at = draft.code, draft.idempotency_token, draft.saved_at
    S.pop("pf_conflict", None)
    S.pop("pf_opened_by_link", None)   # answered in this tab: it is theirs to go on with
    S.pop("pf_link_error", None)       # a new draft (or the one typed) in the address now
    st.query_params["draft"] = draft.code
    return True


def goto(step: str) -> None:
    S.pf_step, S.pf_errors, S.pf_seeded = step, [], None
    S.pop("pf_save_error", None)
    S.pf_return_to_check = F.returns_to_check(step, return_to_check=bool(S.get("pf_return_to_check")))


def _take_uploads() -> list[FieldError]:
    """The files chosen in the uploader, checked and stored. A database or disk failure on one of
    them propagates with the uploader left as it is: the files taken before it are remembered
    (S.pf_uploads_taken, by the uploader's file id), so 继续 again takes only the rest."""
    uploads = S.get(wkey(f"upload_{S.pf_upload_gen}")) or []
    errors: list[FieldError] = []
    have = S.pf_data.setdefault("attachments", [])
    taken = S.setdefault("pf_uploads_taken", set())
    for upload in uploads:
        if upload.file_id in taken:
            continue
        if len(have) >= files.MAX_COUNT:
            errors.append(FieldError("attachments", f"附件最多{files.MAX_COUNT}个，“{single_line(upload.name)[:80]}”没有上传。"))
            continue
        name = single_line(upload.name)[:80] or "附件"  # a file name can carry a bidi override too
        with session_scope() as session:
            entry, problem = take_upload(session=session, name=name, data=upload.getvalue(), client=client_info(),
                                         directory=get_settings().attachments_dir)
        taken.add(upload.file_id)
        if problem:
            errors.append(problem)
            continue
        have.append(entry)
    S.pf_upload_gen += 1  # a fresh uploader, so the same files are not taken twice
    S.pf_uploads_taken = set()
    return errors


def _raised_counts() -> list[tuple[str, int]]:
    """The person groups whose count was raised without 更新填写栏: (group, fields drawn)."""
    drawn = S.get("pf_people_drawn") or {}
    return [(group, drawn.get(group, 0)) for group in PERSON_FIELDS
            if int(S.get(wkey(f"{group}_count")) or 0) > drawn.get(group, 0)]


def on_continue(step: str) -> None:
    S.pop("pf_people_added", None)
    if link_reopened("继续"):   # the link's draft first: saved over, its answers were left behind
        return
    if step == "petitioner" and (raised := _raised_counts()):
        # a count raised and 继续 pressed: the new fields first, not "有 7 处需要修改" for boxes never seen
        on_people_changed(step)
        group, first_new = raised[0]
        who = F.FIELD_LABELS[group]
        S.pf_people_added = (group, f"您把{who}人数改多了，下面增加了{who}的填写栏。请填写后再点“继续”。")
        S.pf_focus = f"{group}.{first_new}.name"
        return
    collect(step)
    try:
        with st.spinner("正在保存…"):
            errors = _take_uploads() if step == "matter" else []
    except STORAGE_FAILURES as exc:
        storage_failed(exc, "storing an attachment", "继续")
        return
    errors += F.validate_stage(step, S.pf_data)
    if errors:
        save(step)
        S.pf_errors = errors
        return
    target = F.next_stage(step, return_to_check=bool(S.get("pf_return_to_check")))
    if save(target):
        goto(target)


def on_people_changed(step: str) -> None:
    """更新填写栏: keep what was typed (and save it), redraw with the new counts; no checks yet.

    A person dropped by a lower count is kept in the session (not in the draft), so raising the
    count again brings their name and phone back instead of empty fields."""
    S.pop("pf_people_added", None)
    kept = S.setdefault("pf_people_kept", {})
    for group, names in PERSON_FIELDS.items():
        count = int(S.get(wkey(f"{group}_count")) or 0)
        for i in range(F.MAX_REPRESENTATIVES):
            for name in names:
                key = pkey(group, i, name)
                if i >= count and S.get(key):
                    kept[key] = S[key]                 # its widget is about to disappear
                elif i < count and not S.get(key) and kept.get(key):
                    S[key] = kept.pop(key)             # shown again: what was typed before
    collect(step)
    save(step, button="更新填写栏")


def on_back(step: str) -> None:
    collect(step)
    if save(step, button="上一步"):
        goto(F.previous_stage(step))


def on_keep_this_tab() -> None:
    """The draft changed elsewhere: this tab's answers are saved over it, and the move goes on."""
    _, step = S.pf_conflict
    if save(step, regardless=True, button="保留这个窗口的内容，继续") and step != S.pf_step:
        goto(step)


def _stored_names(data: dict | None) -> set[str]:
    return {a.get("stored_name", "") for a in (data or {}).get("attachments") or []} - {""}


def on_take_other() -> None:
    """The draft changed elsewhere: this tab takes those answers (its own unsaved ones go — with
    the files it uploaded meanwhile, which no draft names and nothing would ever delete)."""
    mine = _stored_names(S.get("pf_data"))
    S.pf_resume_error = resume(S.pf_draft)
    if not S.pf_resume_error:
        S.pop("pf_conflict", None)
        for name in mine - _stored_names(S.get("pf_data")):
            files.remove(stored_name=name, directory=get_settings().attachments_dir)


def on_change_answer(step: str, field: str) -> None:
    """修改 on 核对: back to the answer's step, with that answer's box in view and focused (the step
    used to open at its top, a screen or two above 事实与理由)."""
    goto(step)
    S.pf_return_to_check = True
    S.pf_focus = field


def remove_attachment(stored_name: str) -> None:
    S.pf_data["attachments"] = [a for a in S.pf_data.get("attachments", []) if a["stored_name"] != stored_name]
    files.remove(stored_name=stored_name, directory=get_settings().attachments_dir)
    save("matter")


DRAFT_UNREADABLE = "暂时无法读取草稿（系统故障）。草稿还在服务器上，草稿码仍然有效，请稍等一会儿再试。"


def resume(code: str) -> str:
    """Load a draft by code into the session; '' on success, else the message to show."""
    try:
        with session_scope() as session:
            draft = load_draft(session=session, code=code, client=client_info())
    except (DraftNotFound, RateLimited) as exc:
        return str(exc)
    except STORAGE_FAILURES as exc:   # the database is away: the draft is not lost, say so
        log.warning("pre-filing: loading a draft failed: %s", failure_reason(exc))
        return DRAFT_UNREADABLE
    except DraftSubmitted as exc:   # submitted, and the answer was lost: the receipt (查询码, 查询密码)
        show_submitted(exc)
        return ""
    S.pf_data, S.pf_draft, S.pf_token = draft.data, draft.code, draft.idempotency_token
    S.pf_saved_at = draft.saved_at
    S.pop("pf_link_error", None)   # a draft open: a dead link before it is beside the point
    goto(draft.step)
    st.query_params["draft"] = draft.code
    return ""


def resume_from_link() -> None:
    """After a browser refresh the session is new, but ?draft=CODE brings the answers back.

    A link that opens nothing keeps its reason apart (S.pf_link_error: the code, the message), for
    the top of the form (prefile_steps.link_failed): kept with the typed code's, it was shown only in
    the folded 用草稿码继续填写 box at the foot of the first step, and the citizen saw an empty form."""
    code = st.query_params.get("draft")
    if S.pop("pf_link_read_now", False):   # a press read it again before this run (link_reopened)
        return
    if code and code != S.get("pf_draft") and not S.get("pf_link_tried") == code:
        S.pf_link_tried = code
        message = resume(code)
        S.pf_link_error = (code, message) if message else None
        S.pop("pf_resume_error", None)      # a typed code's, from before
        S.pf_opened_by_link = not message   # said on the page until the first save
        if message == DRAFT_UNREADABLE:     # tried again on the next run
            S.pop("pf_link_tried", None)


def link_reopened(button: str | None = None) -> bool:
    """Before a press saves anything: a ?draft= link the database could not read is read again
    (r47b F1). 继续 with the box ticked, once the database was back, ran before the page's own
    retry: it saved this form's draft under a new code over the address and showed 信访人 empty,
    the link's draft (name, ID number, phone, address) left with nothing pointing to it.

    True when the press is spent on it: the link's draft is open (at its step, as the link opens
    it; or its receipt), or it still cannot be read (nothing saved; said above `button`, and not
    read a second time in this run: a frozen database makes each try a wait). False when there is
    no such link, or it turns out not found or throttled: the press goes on, as on a link that
    opens nothing. Each read is one lookup to the rate limit, like the page's own retry: one the
    database refuses writes no event, one that opens the draft is refunded."""
    code, message = S.get("pf_link_error") or (None, None)
    if message != DRAFT_UNREADABLE or S.get("pf_draft") or st.query_params.get("draft") != code:
        return False
    resume_from_link()
    if (S.get("pf_link_error") or (None, None))[1] != DRAFT_UNREADABLE:
        return bool(S.get("pf_draft") or S.get("pf_done"))
    S.pf_link_read_now = True
    if button:
        S.pf_save_error = save_failed_message(button)
    return True


def on_read_link_again() -> None:
    """重新读取草稿, under the message that the link's draft cannot be read now; still unreadable,
    the message is said again (and brought into view)."""
    link_reopened()
    S.pop("pf_link_told", None)


def on_leave_linked_draft() -> None:
    """不用这份草稿: a draft opened from a link someone else sent (its code is all it takes to read
    it, and whoever submits first gets the 查询密码). A fresh form; this tab forgets that code."""
    start_over()
    S.pf_forget_draft = True


def on_resume_typed() -> None:
    typed = S.get(wkey("resume_code")) or ""
    length = len(codes.normalise(typed))
    if not length:   # not a wrong code: say what to fill in, and count no attempt against the citizen
        S.pf_resume_error = (f"请输入草稿码：填写时页面上“草稿已保存。草稿码：”后面的"
                             f"{codes.DRAFT_LENGTH}位字母和数字。")
    elif length != codes.DRAFT_LENGTH:
        S.pf_resume_error = f"草稿码是{codes.DRAFT_LENGTH}位，您输入的是{length}位。请核对后再输入。"
    else:
        S.pf_resume_error = resume(typed)


def start_over() -> None:
    for key in [k for k in S if str(k).startswith("pf_")]:
        del S[key]
    st.query_params.pop("draft", None)


def on_again() -> None:
    """再填写一份预登记: a fresh form, and this tab shows the 查询码 and 查询密码 it kept no more (on a
    shared phone or a reception-hall computer the next person's form showed them for an hour)."""
    start_over()
    S.pf_forget_receipt = True


DISCARDED = "草稿已删除：您填写的内容和上传的附件已从服务器上删除，草稿码不能再用。"
DISCARD_FAILED = "暂时无法删除草稿（系统故障），草稿和附件都还在。请稍等一会儿再点“删除草稿”。"


def on_discard() -> None:
    """删除草稿 (the box ticked first): the draft, its files and this form's answers go at once, not
    after seven days (a shared computer; a change of mind)."""
    if not S.get("pf_discard_ok"):
        S.pf_discard_error = "请先勾选“我确定要删除这份草稿”，再点“删除草稿”。"
        return
    try:
        with session_scope() as session:
            discard_draft(session=session, code=S.get("pf_draft") or "", also=_stored_names(S.get("pf_data")),
                          attachments_dir=get_settings().attachments_dir)
    except STORAGE_FAILURES as exc:   # nothing deleted; the answers stay on the page
        log.warning("pre-filing: deleting a draft failed: %s", failure_reason(exc))
        S.pf_discard_error = DISCARD_FAILED
        return
    start_over()
    S.pf_discarded = True
