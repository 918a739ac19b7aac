"""Drafts are encrypted and resumable; attachments are judged by content and stored encrypted."""

import pytest
from sqlalchemy import text
from sqlmodel import Session

from portal.prefiling import attachments
from portal.prefiling.crypto import get_cipher
from portal.prefiling.drafts import DraftChanged, DraftNotFound, load_draft, save_draft
from portal.prefiling.models import PrefilingDraft
from portal.prefiling.ratelimit import RateLimited
from tests.prefiling import files
from tests.prefiling.factories import client, make_form, valid_id

PNG, JPEG, PDF = files.png(), files.jpeg(), files.pdf()


def test_draft_round_trip_is_encrypted(db_engine):
    id_number = valid_id()
    with Session(db_engine) as s:
        draft = save_draft(session=s, data=make_form(id_number=id_number), step="petitioner")
        assert len(draft.code) == 12
        again = save_draft(session=s, data=make_form(id_number=id_number, name="改过的名字"), step="matter",
                           code=draft.code)
        assert again.code == draft.code and again.idempotency_token == draft.idempotency_token
        loaded = load_draft(session=s, code=draft.code.lower(), client=client())
        assert loaded.data["name"] == "改过的名字" and loaded.step == "matter"
    with db_engine.connect() as conn:
        raw = " ".join(str(v) for r in conn.execute(text("SELECT * FROM prefiling_draft")) for v in r)
    assert id_number not in raw and "改过的名字" not in raw and "13812345678" not in raw


def test_two_tabs_on_one_draft_do_not_overwrite_each_other_without_a_word(db_engine):
    """Tab A and tab B opened the same draft; B saved first. A's save (expecting the draft as A
    last saw it) is refused and writes nothing, until A chooses to save regardless."""
    with Session(db_engine) as s:
        first = save_draft(session=s, data=make_form(name="甲"), step="petitioner")
    with Session(db_engine) as s:
        b = load_draft(session=s, code=first.code, client=client())
        assert b.saved_at == first.saved_at
        b = save_draft(session=s, data=make_form(name="乙改的"), step="matter", code=first.code,
                       expected=b.saved_at)
    with Session(db_engine) as s:
        with pytest.raises(DraftChanged) as refused:
            save_draft(session=s, data=make_form(name="甲改的"), step="matter", code=first.code,
                       expected=first.saved_at)
        assert refused.value.saved_at == b.saved_at
    with Session(db_engine) as s:
        assert load_draft(session=s, code=first.code, client=client()).data["name"] == "乙改的"
        mine = save_draft(session=s, data=make_form(name="甲改的"), step="matter", code=first.code)
        again = save_draft(session=s, data=make_form(name="甲再改"), step="history", code=first.code,
                           expected=mine.saved_at)   # its own saves follow one another
        assert load_draft(session=s, code=first.code, client=client()).data["name"] == again.data["name"]


def test_two_saves_that_read_the_draft_at_once_do_not_both_win(db_engine):
    """Two saves of one draft at the same instant (a phone and a computer, on two replicas): both
    read it as last saved and passed the check; the later write replaced the earlier's answers
    without a word. Written only if still as read: the later one is told (a replica review)."""
    with Session(db_engine) as s:
        first = save_draft(session=s, data=make_form(name="原来的"), step="petitioner")
    with Session(db_engine, expire_on_commit=False) as phone:
        read = phone.get(PrefilingDraft, first.code)   # read (and held), not yet written
        assert read.updated_at == first.saved_at
        with Session(db_engine) as computer:
            won = save_draft(session=computer, data=make_form(name="电脑改的"), step="matter", code=first.code,
                             expected=first.saved_at)
        with pytest.raises(DraftChanged) as refused:
            save_draft(session=phone, data=make_form(name="手机改的"), step="matter", code=first.code,
                       expected=first.saved_at)
        assert refused.value.saved_at == won.saved_at
    with Session(db_engine) as s:
        assert load_draft(session=s, code=first.code, client=client()).data["name"] == "电脑改的"


def test_two_first_saves_of_one_form_make_one_draft(db_engine):
    """A double click on the first 继续: both saves think the draft is new. With the code the form
    reserved, the second finds the first's draft and updates it: one draft, not an orphan."""
    from sqlmodel import func, select

    from portal.prefiling import codes
    from portal.prefiling.models import PrefilingDraft

    reserved = codes.new_draft_code()
    with Session(db_engine) as s:
        before = s.exec(select(func.count()).select_from(PrefilingDraft)).one()
        first = save_draft(session=s, data=make_form(name="甲"), step="petitioner", new_code=reserved)
        second = save_draft(session=s, data=make_form(name="甲"), step="petitioner", new_code=reserved)
        assert first.code == second.code == reserved
        assert first.idempotency_token == second.idempotency_token
        assert s.exec(select(func.count()).select_from(PrefilingDraft)).one() == before + 1
        # a draft already known keeps its code; the reserved one is for a new draft only
        other = save_draft(session=s, data=make_form(name="乙"), step="matter", code=first.code,
                           new_code=codes.new_draft_code())
        assert other.code == reserved


def test_wrong_draft_codes_are_throttled(db_engine):
    with Session(db_engine) as s:
        me = client()
        for code in ("ABCDEFGHJKMN", "ABCDEFGHJKMP", "ABCDEFGHJKMQ", "ABCDEFGHJKMR", "ABCDEFGHJKMS"):
            with pytest.raises(DraftNotFound):
                load_draft(session=s, code=code, client=me)
        with pytest.raises(RateLimited):
            load_draft(session=s, code="ABCDEFGHJKMT", client=me)


def test_a_draft_is_kept_seven_days_from_its_last_save(db_engine):
    """The page promises a draft for 7 days after it was last saved: at 6 days 23 hours it opens,
    at 7 days 1 hour it is gone (with the same words as a wrong code), whether or not the nightly
    clean-up has run yet."""
    import datetime as dt

    from portal.prefiling.models import PrefilingDraft
    from portal.timeutil import utcnow

    with Session(db_engine) as s:
        draft = save_draft(session=s, data=make_form(name="七天"), step="matter")
        for age, kept in ((dt.timedelta(days=6, hours=23), True), (dt.timedelta(days=7, hours=1), False)):
            row = s.get(PrefilingDraft, draft.code)
            row.updated_at = utcnow() - age
            s.add(row)
            s.commit()
            if kept:
                assert load_draft(session=s, code=draft.code, client=client()).data["name"] == "七天"
            else:
                with pytest.raises(DraftNotFound, match="超过7天"):
                    load_draft(session=s, code=draft.code, client=client())


def test_opening_ones_own_draft_again_and_again_is_never_throttled(db_engine):
    """Only wrong codes count against the limit: a citizen who opens their draft eight times from
    one browser is not told to wait."""
    me = client()
    with Session(db_engine) as s:
        draft = save_draft(session=s, data=make_form(name="多次打开"), step="matter")
        for _ in range(8):
            assert load_draft(session=s, code=draft.code, client=me).data["name"] == "多次打开"


def test_discarding_a_draft_removes_the_files_saved_with_it_though_the_page_did_not_name_them(db_engine, tmp_path):
    """删除草稿 from another device: that page knows nothing of the files uploaded on the first
    one, yet the files saved with the draft go with it."""
    from portal.prefiling.drafts import discard_draft

    with Session(db_engine) as s:
        stored = attachments.store(data=PNG, directory=tmp_path, cipher=get_cipher())
        draft = save_draft(session=s, data=make_form(attachments=[stored]), step="matter")
        assert (tmp_path / stored["stored_name"]).exists()
        assert discard_draft(session=s, code=draft.code, attachments_dir=tmp_path) == 1
        assert not (tmp_path / stored["stored_name"]).exists()


@pytest.mark.parametrize("data", [PNG, JPEG, PDF])
def test_images_and_pdf_are_accepted(data):
    assert attachments.check_upload("x", data) is None


@pytest.mark.parametrize(("name", "data"), [
    ("photo.png", b"MZ\x90\x00" + b"\x00" * 64),          # a Windows program renamed .png
    ("scan.pdf", b"<html><script>alert(1)</script>"),    # HTML renamed .pdf
    ("a.gif", b"GIF89a" + b"\x00" * 64),                  # an image, but not an allowed one
])
def test_other_content_is_refused_whatever_the_name(name, data):
    error = attachments.check_upload(name, data)
    assert error.message == f"附件“{name}”不是 JPG、PNG 图片或 PDF 文件，只能上传这三种格式。"



@pytest.mark.parametrize("data", [files.heic(), files.heic(b"mif1", (b"mif1", b"heic")),
                                  files.heic(b"heix", (b"mif1", b"heix")), files.heic(b"msf1", (b"msf1", b"hevc"))])
@pytest.mark.parametrize("name", ["IMG_0001.jpg", "IMG_0001.HEIC", "照片"])
def test_an_iphone_photo_is_named_as_heic_whatever_it_is_called(name, data):
    """A HEIC photo renamed .jpg passes the uploader (it goes by the name) and was refused as "not a
    JPG, PNG or PDF", with no word of HEIC or of what to do (journey review)."""
    error = attachments.check_upload(name, data)
    assert error.message == (f"附件“{name}”实际是 HEIC 格式的照片，只能上传 JPG、PNG 图片或 PDF。"
                             "请从手机相册选取照片（苹果手机会自动转成 JPG），或截屏后上传截图。")


def test_another_file_of_the_same_container_is_not_called_heic():
    for other in (files.heic(b"avif", (b"avif", b"mif1", b"miaf")), files.heic(b"isom", (b"isom", b"mp41"))):
        assert attachments.check_upload("a.jpg", other).message == "附件“a.jpg”不是 JPG、PNG 图片或 PDF 文件，只能上传这三种格式。"

def test_size_is_bounded():
    big = PNG + b"\x00" * attachments.MAX_BYTES
    assert "超过 5 MB" in attachments.check_upload("big.png", big).message


def test_stored_under_a_random_name_encrypted(tmp_path):
    entry = attachments.store(data=PDF, directory=tmp_path, cipher=get_cipher())
    path = tmp_path / entry["stored_name"]
    assert entry["kind"] == "pdf" and entry["size"] == len(PDF) and len(entry["stored_name"]) == 36
    assert b"%PDF" not in path.read_bytes()
    assert attachments.read(stored_name=entry["stored_name"], directory=tmp_path, cipher=get_cipher()) == PDF
    with pytest.raises(ValueError):
        attachments.read(stored_name="../secrets", directory=tmp_path, cipher=get_cipher())


def test_uploads_into_drafts_are_bounded_per_device_and_network(db_engine, tmp_path):
    """Anyone can start drafts; each file kept is up to 5 MB for 7 days. After 20 files in an hour
    from one device the next is refused with a reason, and nothing more reaches the disk."""
    import uuid

    from portal.prefiling.drafts import take_upload
    from portal.prefiling.ratelimit import UPLOAD

    device, folder = client(ip=f"198.51.100.{uuid.uuid4().int % 250}"), tmp_path / "attachments"
    with Session(db_engine) as s:
        for i in range(UPLOAD.per_session):
            entry, problem = take_upload(session=s, name=f"照片{i}.png", data=PNG, client=device, directory=folder)
            assert problem is None and entry["label"] == f"照片{i}.png"
        entry, problem = take_upload(session=s, name="再一张.png", data=PNG, client=device, directory=folder)
    assert entry is None and "附件“再一张.png”没有上传" in problem.message and "一小时内最多上传20个" in problem.message
    assert len(list(folder.iterdir())) == UPLOAD.per_session
    with Session(db_engine) as s:   # another device on another network is not affected
        _, problem = take_upload(session=s, name="a.png", data=PNG, client=client(ip="192.0.2.99"), directory=folder)
    assert problem is None


class _DiskFullHalfway:
    """A file object whose write puts half the bytes on disk and then fails as a full disk does."""

    def __init__(self, handle):
        self._handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def write(self, data):
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._handle, name)


def _disk_fills_during_the_write(monkeypatch):
    import os

    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: _DiskFullHalfway(real_fdopen(fd, *a, **k)))


def test_a_disk_full_during_the_write_leaves_no_file_and_raises_the_oserror(tmp_path, monkeypatch):
    """A full disk mid-write: the OSError reaches the caller (the page tells it in Chinese) and no
    truncated encrypted file is left in the attachments folder under any name."""
    folder, cipher = tmp_path / "attachments", get_cipher()
    _disk_fills_during_the_write(monkeypatch)
    with pytest.raises(OSError) as raised:
        attachments.store(data=PNG, directory=folder, cipher=cipher)
    assert raised.value.errno == 28
    assert list(folder.iterdir()) == []


def test_a_stored_name_only_ever_holds_a_whole_file(tmp_path, monkeypatch):
    """The bytes are written under a temporary name, flushed to disk, and only then renamed: at
    the moment of the rename the file under its temporary name is complete and fsync'ed."""
    import os

    seen, cipher = [], get_cipher()
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: seen.append("fsync") or real_fsync(fd))

    def replace(src, dst):
        assert not attachments.is_stored_name(os.path.basename(src))
        assert attachments.is_partial_name(os.path.basename(src))
        seen.append(("replace", os.path.getsize(src)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    entry = attachments.store(data=PDF, directory=tmp_path, cipher=cipher)
    size = (tmp_path / entry["stored_name"]).stat().st_size
    assert seen == ["fsync", ("replace", size)]
    assert [p.name for p in tmp_path.iterdir()] == [entry["stored_name"]]
    assert attachments.read(stored_name=entry["stored_name"], directory=tmp_path, cipher=get_cipher()) == PDF


def test_several_files_stored_together_are_all_kept_or_none(tmp_path, monkeypatch):
    """补充材料 of two files with the disk filling on the second: the first is removed as well
    (nothing would name it), and the OSError is raised."""
    store, calls, cipher = attachments.store, [], get_cipher()

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            _disk_fills_during_the_write(monkeypatch)
        return store(**kwargs)

    monkeypatch.setattr(attachments, "store", second_fails)
    with pytest.raises(OSError):
        attachments.store_all(datas=[PNG, PDF], directory=tmp_path, cipher=cipher)
    assert list(tmp_path.iterdir()) == []
