"""A submission's answer lost (database stopped or server killed right after the commit): the 件
and its draft's submitted marker commit together, so a retry or the draft's link still gives the
查询密码 (failure drill H1)."""

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from portal.prefiling import drafts, service
from portal.prefiling.crypto import get_cipher
from portal.prefiling.drafts import (
    SUBMITTED_STEP,
    DraftNotFound,
    DraftSubmitted,
    forget_marker,
    load_draft,
    save_draft,
)
from portal.prefiling.form import to_create
from portal.prefiling.models import Prefiling, PrefilingDraft
from portal.prefiling.retention import purge_expired
from portal.prefiling.service import submit
from portal.timeutil import utcnow
from tests.prefiling.factories import client, make_form


def _draft_and_form(session):
    data = make_form(name="马晓红")
    draft = save_draft(session=session, data=data, step="check")
    return draft, data


def _submit(session, draft, data):
    return submit(session=session, data=to_create(data), idempotency_token=draft.idempotency_token,
                  client=client(), draft_code=draft.code)


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Prefiling)).one()


def test_the_draft_becomes_a_marker_holding_code_and_secret_and_no_form_data(db_engine):
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)
        result = _submit(s, draft, data)
    with Session(db_engine) as s:   # what another connection reads right after the commit
        row = s.get(PrefilingDraft, draft.code)
        assert row is not None and row.step == SUBMITTED_STEP
        plain = get_cipher().decrypt(row.payload_enc)
        assert json.loads(plain) == {SUBMITTED_STEP: {"code": result.code, "secret": result.secret}}
        assert "马晓红" not in plain and data["id_number"] not in plain
        with pytest.raises(DraftSubmitted) as shown:   # the draft's link: the receipt, not the form
            load_draft(session=s, code=draft.code, client=client())
        assert (shown.value.code, shown.value.secret) == (result.code, result.secret)
        assert shown.value.category == "申诉求决" and shown.value.request == data["request"]


def test_the_insert_and_the_marker_commit_together_or_not_at_all(db_engine, monkeypatch):
    """The commit fails (database gone): neither the 件 nor the marker; the draft is the form still."""
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)

    def down(self):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(service, "_ATTEMPTS", 1)
    monkeypatch.setattr(Session, "commit", down)
    with Session(db_engine) as s, pytest.raises(OperationalError):
        _submit(s, draft, data)
    monkeypatch.undo()
    with Session(db_engine) as s:
        assert _count(s) == 0
        assert load_draft(session=s, code=draft.code, client=client()).data["name"] == "马晓红"
        result = _submit(s, draft, data)    # and the retry stores it, with its secret
        assert not result.duplicate and result.secret and _count(s) == 1


def _commit_answer_lost(monkeypatch, *, stored: bool) -> None:
    """The commit of the 件 (not the throttle's commits before it) loses its connection: after
    the database stored it (`stored`), or before. Once."""
    real = Session.commit
    fired = []

    def commit(self):
        if fired or not any(isinstance(o, Prefiling) for o in self.identity_map.values()):
            return real(self)
        fired.append(True)
        if stored:
            real(self)
        else:
            self.rollback()
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(Session, "commit", commit)


@pytest.mark.parametrize("stored", [True, False])
def test_a_commit_whose_answer_is_lost_is_not_called_a_failure_and_the_retry_tells(db_engine, monkeypatch, stored):
    """Stored or not cannot be known when the connection drops during the commit itself: the
    service says so (SubmitUnconfirmed) rather than "not submitted", and does not try again on
    its own. The same form submitted again gives its receipt with the 查询密码, or stores it once."""
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)
    _commit_answer_lost(monkeypatch, stored=stored)
    with Session(db_engine) as s, pytest.raises(service.SubmitUnconfirmed):
        _submit(s, draft, data)
    monkeypatch.undo()
    with Session(db_engine) as s:
        assert _count(s) == (1 if stored else 0)
        result = _submit(s, draft, data)
        assert result.duplicate is stored and result.secret and _count(s) == 1
        stored_row = s.exec(select(Prefiling)).one()
        assert get_cipher().mac_matches(f"{stored_row.code}:{result.secret}", stored_row.secret_hash)


def test_a_retry_with_the_token_gets_the_same_secret_until_the_marker_is_forgotten(db_engine):
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)
        first = _submit(s, draft, data)
        again = _submit(s, draft, data)
        assert again.duplicate and (again.code, again.secret) == (first.code, first.secret)
        assert _count(s) == 1
        # a draft code of another form never hands out this 件's secret
        other = save_draft(session=s, data=make_form(), step="check")
        stranger = submit(session=s, data=to_create(data), idempotency_token=draft.idempotency_token,
                          client=client(), draft_code=other.code)
        assert stranger.duplicate and stranger.secret is None
        assert forget_marker(session=s, code=draft.code)       # the receipt was drawn
        assert s.get(PrefilingDraft, draft.code) is None
        late = _submit(s, draft, data)
        assert late.duplicate and late.code == first.code and late.secret is None
        assert not forget_marker(session=s, code=other.code)   # a form's draft is not a marker
        assert s.get(PrefilingDraft, other.code) is not None


def test_a_tab_still_on_the_form_does_not_write_over_the_marker(db_engine):
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)
        result = _submit(s, draft, data)
        with pytest.raises(DraftSubmitted) as shown:
            save_draft(session=s, data=data, step="matter", code=draft.code, expected=draft.saved_at)
        assert shown.value.secret == result.secret
        assert s.get(PrefilingDraft, draft.code).step == SUBMITTED_STEP


def test_a_marker_is_not_found_after_24_hours_and_purged(db_engine, monkeypatch, tmp_path):
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)
        result = _submit(s, draft, data)
        kept = save_draft(session=s, data=make_form(), step="matter", code=None)   # an unfinished form
    later = utcnow() + dt.timedelta(hours=25)
    monkeypatch.setattr(drafts, "utcnow", lambda: later)
    with Session(db_engine) as s:
        with pytest.raises(DraftNotFound):
            load_draft(session=s, code=draft.code, client=client(uuid.uuid4().hex))
        retry = _submit(s, draft, data)
        assert retry.duplicate and retry.code == result.code and retry.secret is None
        report = purge_expired(session=s, retention_days=365, attachments_dir=tmp_path, now=later)
        assert report.drafts_removed == 1
        assert s.get(PrefilingDraft, draft.code) is None
        assert s.get(PrefilingDraft, kept.code) is not None            # drafts still live 7 days
        assert s.exec(select(Prefiling)).one().code == result.code     # the 件 is untouched


def test_a_save_that_read_the_draft_before_it_was_submitted_does_not_overwrite_the_marker(db_engine):
    """A save and the submission at once (two tabs, two replicas): both found the draft a form. The
    save that writes after the submission's commit must not put the form back over the marker,
    or a retry of the submission gets its receipt without the 查询密码 (a replica review)."""
    with Session(db_engine, expire_on_commit=False) as late:
        draft, data = _draft_and_form(late)
        read = late.get(PrefilingDraft, draft.code)   # read as a form (and held), not yet written
        assert read.step == "check"
        with Session(db_engine) as other:
            result = _submit(other, draft, data)
        with pytest.raises(DraftSubmitted) as shown:
            save_draft(session=late, data=data, step="check", code=draft.code, expected=draft.saved_at)
        assert (shown.value.code, shown.value.secret) == (result.code, result.secret)
    with Session(db_engine) as s:
        assert s.get(PrefilingDraft, draft.code).step == SUBMITTED_STEP
        again = _submit(s, draft, data)   # the retry: the same 件, with its 查询密码
        assert again.duplicate and again.secret == result.secret


def test_a_marker_whose_filing_is_gone_is_written_over_by_the_form_as_before(db_engine):
    """A submitted marker whose 件 cannot be found (erased within the 24 h): the form's save writes
    over it, as before the write-if-unchanged check, instead of being refused again and again."""
    with Session(db_engine) as s:
        draft, data = _draft_and_form(s)
        _submit(s, draft, data)
        filing = s.exec(select(Prefiling).where(Prefiling.idempotency_token == draft.idempotency_token)).one()
        filing.idempotency_token = "gone"        # as if erased: the marker finds no 件
        s.add(filing)
        s.commit()
    with Session(db_engine) as s:
        saved = save_draft(session=s, data=data, step="check", code=draft.code)
        assert saved.code == draft.code
        assert s.get(PrefilingDraft, draft.code).step == "check"
