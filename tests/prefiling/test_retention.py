"""Retention: personal data erased after the period from closure; the record stays, anonymised."""

import datetime as dt

from sqlalchemy import text
from sqlmodel import Session, select

from portal.identity import Actor
from portal.prefiling import attachments, staff
from portal.prefiling.crypto import get_cipher
from portal.prefiling.drafts import discard_draft, save_draft
from portal.prefiling.models import Prefiling, PrefilingAttachment, PrefilingDraft, PrefilingPerson
from portal.prefiling.retention import ERASED, purge_expired
from portal.roles import HANDLER
from portal.timeutil import utcnow
from tests.prefiling.factories import make_form, make_prefiling

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ACTOR = Actor("clerk", frozenset({HANDLER}))


def closed_prefiling(s, directory):
    stored = attachments.store(data=PNG, directory=directory, cipher=get_cipher())
    made = make_prefiling(s, attachments=[stored], agents=[{"name": "李四", "relation": "律师",
                                                            "phone": "13911112222"}])
    staff.register(session=s, actor=ACTOR, prefiling_id=made.prefiling.id, official_number="XF-9")
    staff.close(session=s, actor=ACTOR, prefiling_id=made.prefiling.id, reply="已答复张秀兰本人。")
    return made, directory / stored["stored_name"]


def test_purge_erases_personal_data_after_the_period_and_keeps_the_record(db_engine, tmp_path):
    with Session(db_engine) as s:
        made, file = closed_prefiling(s, tmp_path)
        open_one = make_prefiling(s)
        assert file.exists()
        early = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path,
                              now=utcnow() + dt.timedelta(days=29))
        assert early.anonymised == 0 and file.exists()
        report = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path,
                               now=utcnow() + dt.timedelta(days=31))
        assert report.anonymised == 1 and not file.exists()
        row = s.get(Prefiling, made.prefiling.id)
        s.refresh(row)
        assert row.name_enc is row.id_number_enc is row.phone_enc is row.address_enc is None
        assert row.facts == ERASED and row.subject == "" and row.anonymised_at is not None
        assert (row.category, row.district, row.state, row.official_number) == ("申诉求决", "历下区", "已办结", "XF-9")
        assert s.exec(select(PrefilingPerson)).all() == []
        assert s.exec(select(PrefilingAttachment)).all() == []
        assert s.get(Prefiling, open_one.prefiling.id).name_enc is not None  # not closed: untouched
    with db_engine.connect() as conn:
        raw = " ".join(str(v) for r in conn.execute(text("SELECT * FROM prefiling_event")) for v in r)
    assert "张秀兰" not in raw
    with Session(db_engine) as s:  # running it again changes nothing
        assert purge_expired(session=s, retention_days=30, attachments_dir=tmp_path,
                             now=utcnow() + dt.timedelta(days=40)).anonymised == 0


def test_purge_erases_the_rating_words_replies_and_refusal_reason_read_back_decrypted(db_engine, tmp_path):
    """Replies and rating words are stored encrypted, so raw SQL never shows a name in them:
    read them back through the models (decrypted) to see the personal data is really gone."""
    from portal.prefiling.lookup import rate
    from portal.prefiling.models import PrefilingEvent
    from tests.prefiling.factories import client

    with Session(db_engine) as s:
        made, _ = closed_prefiling(s, tmp_path)
        rate(session=s, code=made.code, secret=made.secret, client=client(), rating="不满意",
             comment="张秀兰家的屋顶还在漏，电话13812345678")
        refused = make_prefiling(s)
        staff.reject(session=s, actor=ACTOR, prefiling_id=refused.prefiling.id, channel="人民法院",
                     reason="张秀兰与物业公司的合同纠纷应向法院起诉", reply="请张秀兰向人民法院起诉。")
        ids = (made.prefiling.id, refused.prefiling.id)
        before = [e.reply for e in s.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id.in_(ids)))]
        assert sum("张秀兰" in r for r in before) == 2
        report = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path,
                               now=utcnow() + dt.timedelta(days=31))
        assert report.anonymised == 2
    with Session(db_engine) as s:  # a fresh session: what is stored, decrypted
        rated, rejected = s.get(Prefiling, ids[0]), s.get(Prefiling, ids[1])
        assert rated.rating == "不满意" and rated.rating_comment == ""   # the rating counts; the words go
        assert rejected.reject_reason == "" and rejected.state == "不予登记"
        replies = [e.reply for e in s.exec(select(PrefilingEvent).where(PrefilingEvent.prefiling_id.in_(ids)))]
        assert replies and all(r in ("", ERASED) for r in replies), replies
        assert ERASED in replies


def test_stale_drafts_and_their_files_are_removed(db_engine, tmp_path):
    with Session(db_engine) as s:
        stored = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())
        draft = save_draft(session=s, data=make_form(attachments=[stored]), step="matter")
        report = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path,
                               now=utcnow() + dt.timedelta(days=8))
        assert report.drafts_removed == 1 and s.get(PrefilingDraft, draft.code) is None
        assert not (tmp_path / stored["stored_name"]).exists()


def test_a_discarded_draft_and_its_files_go_at_once(db_engine, tmp_path):
    """删除草稿: the draft, the files saved with it and those uploaded since the last save are
    removed now, not after seven days; another draft and its file stay."""
    with Session(db_engine) as s:
        saved = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())
        since = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())
        other_file = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())
        draft = save_draft(session=s, data=make_form(attachments=[saved]), step="matter")
        other = save_draft(session=s, data=make_form(attachments=[other_file]), step="matter")
        removed = discard_draft(session=s, code=draft.code.lower(), attachments_dir=tmp_path,
                                also=[saved["stored_name"], since["stored_name"]])
        assert removed == 2 and s.get(PrefilingDraft, draft.code) is None
        assert not (tmp_path / saved["stored_name"]).exists() and not (tmp_path / since["stored_name"]).exists()
        assert s.get(PrefilingDraft, other.code) is not None and (tmp_path / other_file["stored_name"]).exists()
        # gone already (another tab deleted it): nothing to do, no error
        assert discard_draft(session=s, code=draft.code, attachments_dir=tmp_path) == 0


def in_use_since(session, row, days: int = 9) -> None:
    """The database's first record `days` ago: files stored since then may be its orphans."""
    back = utcnow() - dt.timedelta(days=days)
    if isinstance(row, Prefiling):
        row.submitted_at = back
    else:
        row.created_at = back
    session.add(row)
    session.commit()


def test_files_no_draft_or_prefiling_names_are_swept_once_a_draft_would_have_expired(db_engine, tmp_path):
    """A tab closed at a save conflict left its upload stored and named by nothing: after the
    seven days a draft lives it goes; a named file and a fresh unnamed one stay."""
    import os

    with Session(db_engine) as s:
        orphan = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())["stored_name"]
        fresh = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())["stored_name"]
        named = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())
        draft = save_draft(session=s, data=make_form(attachments=[named]), step="matter")
        in_use_since(s, s.get(PrefilingDraft, draft.code))
        eight_days_ago = (utcnow() - dt.timedelta(days=8)).timestamp()
        for name in (orphan, named["stored_name"]):
            os.utime(tmp_path / name, (eight_days_ago, eight_days_ago))
        (tmp_path / "README.txt").write_text("not ours")
        os.utime(tmp_path / "README.txt", (eight_days_ago, eight_days_ago))
        report = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path)
    assert not (tmp_path / orphan).exists() and report.files_removed >= 1
    assert (tmp_path / fresh).exists() and (tmp_path / named["stored_name"]).exists()
    assert (tmp_path / "README.txt").exists()      # only the names the portal writes


def test_a_file_left_half_written_by_a_killed_process_is_swept_after_the_draft_period(db_engine, tmp_path):
    """A process killed while storing an upload leaves its temporary `.<name>.partial`: nothing
    names it, so it goes once a draft would have expired; a fresh one (being written) stays."""
    import os

    with Session(db_engine) as s:
        in_use_since(s, s.get(Prefiling, make_prefiling(s).prefiling.id))   # (an empty one is not swept)
        old = tmp_path / f".{'a' * 32}.bin.partial"
        new = tmp_path / f".{'b' * 32}.bin.partial"
        old.write_bytes(b"half"), new.write_bytes(b"half")
        eight_days_ago = (utcnow() - dt.timedelta(days=8)).timestamp()
        os.utime(old, (eight_days_ago, eight_days_ago))
        purge_expired(session=s, retention_days=30, attachments_dir=tmp_path)
    assert not old.exists() and new.exists()


def test_files_older_than_the_databases_first_record_are_not_its_to_sweep(db_engine, tmp_path):
    """Upgrade drill: an empty database started beside an older installation's attachments (a new
    checkout, or PostgreSQL set up without copy-data) took one pre-filing, and the nightly purge
    deleted every old attachment as named by nothing. Files stored before the database's first
    record are left (and counted as not swept); a later orphan still goes."""
    import os

    older = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())["stored_name"]
    later = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())["stored_name"]
    for name, days in ((older, 400), (later, 8)):
        when = (utcnow() - dt.timedelta(days=days)).timestamp()
        os.utime(tmp_path / name, (when, when))
    with Session(db_engine) as s:
        in_use_since(s, s.get(Prefiling, make_prefiling(s).prefiling.id), days=30)
        report = purge_expired(session=s, retention_days=30, attachments_dir=tmp_path)
    assert (tmp_path / older).exists() and not (tmp_path / later).exists()
    assert report.sweep_skipped == 1 and report.files_removed >= 1


def test_sent_in_questions_nobody_handled_are_deleted_after_90_days(db_engine, tmp_path):
    """群众来问 still 待处理 90 days after it came in is deleted, and counted; a younger one stays,
    and so do handled ones (收入 / 忽略): their text went when they were handled, what is left says
    who handled them when (the staff page tells a colleague so)."""
    from portal.prefiling.ratelimit import ClientInfo
    from portal.qa import inbox
    from portal.qa.models import SentQuestion
    from tests.qa.factories import COUNSEL_ACTOR

    with Session(db_engine) as s:
        def sent(text: str, days_ago: int) -> int:
            row = inbox.send_question(session=s, text=text, client=ClientInfo(f"sess-{text}"), cipher=get_cipher())
            row.received_at = utcnow() - dt.timedelta(days=days_ago)
            s.add(row)
            s.commit()
            return row.id

        old = sent("邻居装修噪音太大，电话13812345678", 91)
        young = sent("物业费一直涨怎么办", 89)
        dismissed = sent("这不是法律问题只是测试", 200)
        inbox.dismiss_sent(session=s, actor=COUNSEL_ACTOR, sent_id=dismissed)
        s.commit()
        report = purge_expired(session=s, retention_days=1095, attachments_dir=tmp_path)
        assert report.sent_questions_removed == 1
    with Session(db_engine) as s:
        assert s.get(SentQuestion, old) is None
        assert "物业费" in s.get(SentQuestion, young).text
        assert [q.id for q in inbox.sent_questions(session=s, actor=COUNSEL_ACTOR)] == [young]
        kept = s.get(SentQuestion, dismissed)
        assert (kept.state, kept.text, kept.handled_by) == ("已忽略", "", COUNSEL_ACTOR.username)
    with db_engine.connect() as conn:
        raw = " ".join(str(v) for r in conn.execute(text("SELECT * FROM bank_sent_question")) for v in r)
    assert "邻居装修" not in raw
    with Session(db_engine) as s:  # the young one, once it is 90 days old
        report = purge_expired(session=s, retention_days=1095, attachments_dir=tmp_path,
                               now=utcnow() + dt.timedelta(days=2))
        assert report.sent_questions_removed == 1 and s.get(SentQuestion, young) is None


def test_a_withdrawn_prefiling_is_erased_after_the_shorter_period(db_engine, tmp_path):
    """A citizen who withdrew before registration (the only time they can) took their matter back:
    it never became a 信访件, and its personal data goes after `withdrawn_days`, not three years.
    A handled 件 closed at the same moment keeps it for the full period."""
    from portal.prefiling.lookup import withdraw
    from tests.prefiling.factories import client

    with Session(db_engine) as s:
        taken_back = make_prefiling(s)
        withdraw(session=s, code=taken_back.code, secret=taken_back.secret, client=client())
        handled, _file = closed_prefiling(s, tmp_path)
        early = purge_expired(session=s, retention_days=1095, withdrawn_days=30, attachments_dir=tmp_path,
                              now=utcnow() + dt.timedelta(days=29))
        assert early.anonymised == 0
        report = purge_expired(session=s, retention_days=1095, withdrawn_days=30, attachments_dir=tmp_path,
                               now=utcnow() + dt.timedelta(days=31))
        assert report.anonymised == 1
        gone, kept = s.get(Prefiling, taken_back.prefiling.id), s.get(Prefiling, handled.prefiling.id)
        s.refresh(gone)
        assert gone.name_enc is None and gone.facts == ERASED and gone.state == "已撤回"
        assert kept.name_enc is not None and kept.anonymised_at is None
    with Session(db_engine) as s:   # a bureau that keeps withdrawn ones longer than handled ones
        again = make_prefiling(s)
        withdraw(session=s, code=again.code, secret=again.secret, client=client())
        report = purge_expired(session=s, retention_days=30, withdrawn_days=60, attachments_dir=tmp_path,
                               now=utcnow() + dt.timedelta(days=31))
        assert s.get(Prefiling, again.prefiling.id).name_enc is not None and report.anonymised == 1   # the handled one


def test_staff_sign_in_sessions_are_deleted_90_days_after_they_were_last_seen(db_engine, tmp_path):
    from sqlmodel import func

    from portal.staff.models import StaffSession

    now = utcnow()
    with Session(db_engine) as s:
        for token, days in (("a" * 64, 91), ("b" * 64, 89)):
            seen = now - dt.timedelta(days=days)
            s.add(StaffSession(token_hash=token, username="wang", created_at=seen, last_seen_at=seen, ended_at=seen))
        s.commit()
        report = purge_expired(session=s, retention_days=1095, attachments_dir=tmp_path, now=now)
        assert report.staff_sessions_removed == 1
        assert s.exec(select(StaffSession.token_hash)).all() == ["b" * 64]
        assert s.exec(select(func.count()).select_from(StaffSession)).one() == 1
