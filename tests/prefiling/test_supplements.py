"""补充材料 online: only when staff asked for it, the same content checks as the first upload,
stored encrypted, audited as the citizen's move, back to the handler, limits per 件."""

import io
import os

import pytest
from PIL import Image
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.identity import Actor
from portal.prefiling import staff, supplements
from portal.prefiling.lookup import LookupFailed, lookup
from portal.prefiling.models import PrefilingAttachment, PrefilingEvent
from portal.prefiling.states import IllegalTransition, TransitionTaken
from portal.roles import HANDLER
from portal.settings import get_settings
from tests.prefiling import files
from tests.prefiling.factories import client, make_prefiling, make_with_attachment

CLERK = Actor("clerk", frozenset({HANDLER}))
ASKED = "请补充物业公司的书面答复和漏水处的照片。"


def _asked(s: Session, **changes):
    made = make_with_attachment(s, **changes)
    staff.request_more(session=s, actor=CLERK, prefiling_id=made.prefiling.id, reply=ASKED)
    return made


def _stored() -> set[str]:
    directory = get_settings().attachments_dir
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def test_requested_material_goes_back_to_the_handler_listed_with_its_date(db_engine):
    with Session(db_engine) as s:
        made = _asked(s)
        photo = files.jpeg_with_gps()
        view = supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                                uploads=[("漏水.jpg", photo), ("答复.pdf", files.pdf())], note="物业的答复在第二个文件。")
        # the citizen sees the case back with the handler, the new files listed with a date
        assert view.state == "已提交" and not view.can_supplement
        assert [(m.number, m.kind, m.added_at is not None) for m in view.materials] == [
            (1, "pdf", False), (2, "jpg", True), (3, "pdf", True)]
        assert view.history[-1].action == "补充材料" and "物业的答复在第二个文件" in view.history[-1].reply
        # the handler's detail shows them with the moment they came, and can read them decrypted
        detail = staff.staff_view(session=s, actor=CLERK, prefiling_id=made.prefiling.id)
        assert [a["added_at"] is not None for a in detail.attachments] == [False, True, True]
        assert detail.history[-1].state == "已提交"
        kind, data = staff.read_attachment(session=s, actor=CLERK, attachment_id=detail.attachments[1]["id"])
        assert kind == "jpg" and data.startswith(b"\xff\xd8") and b"CameraMaker-SECRET" not in data
        # on disk: encrypted, not a JPEG
        row = s.get(PrefilingAttachment, detail.attachments[1]["id"])
        raw = (get_settings().attachments_dir / row.stored_name).read_bytes()
        assert not raw.startswith(b"\xff\xd8") and b"JFIF" not in raw
        # audited as the citizen's move, without the note's words
        entry = s.exec(select(AuditEntry).where(AuditEntry.target == f"prefiling:{made.code}",
                                                AuditEntry.actor_name == "信访人")).one()
        assert "需补充材料 → 已提交" in entry.detail and "物业" not in entry.detail
        # staff can now register it (or ask again)
        staff.register(session=s, actor=CLERK, prefiling_id=made.prefiling.id, official_number="2026-001")


def test_only_when_staff_asked_for_material(db_engine):
    with Session(db_engine) as s:
        made = make_prefiling(s)
        before = _stored()
        with pytest.raises(IllegalTransition, match="没有要求补充材料"):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=[("a.png", files.png())])
        with pytest.raises(LookupFailed):
            supplements.send(session=s, code=made.code, secret="WRONGPWD", client=client(),
                             uploads=[("a.png", files.png())])
        assert _stored() == before
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).materials == ()


@pytest.mark.parametrize(("name", "data", "words"), [
    ("说明.pdf", files.pdf(root_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "脚本"),
    ("照片.png", b"<html><script>alert(1)</script></html>", "只能上传这三种格式"),
    ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "图片无法正常读取"),
])
def test_a_refused_file_keeps_the_case_waiting_and_stores_nothing(db_engine, name, data, words):
    with Session(db_engine) as s:
        made = _asked(s)
        before = _stored()
        with pytest.raises(supplements.SupplementRefused, match=words) as refused:
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=[("好的.png", files.png()), (name, data)], note="补充")
        assert name in refused.value.error.message
        assert _stored() == before
        view = lookup(session=s, code=made.code, secret=made.secret, client=client())
        assert view.state == "需补充材料" and view.can_supplement and len(view.materials) == 1


def test_limits_per_case_count_and_total_size(db_engine, monkeypatch):
    with Session(db_engine) as s:
        made = _asked(s)
        too_many = [(f"{i}.png", files.png(colour=(i, 0, 0))) for i in range(6)]
        with pytest.raises(supplements.SupplementRefused, match="一次最多上传5个文件"):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(), uploads=too_many)
        monkeypatch.setattr(supplements, "MAX_FILES_PER_CASE", 3)
        with pytest.raises(supplements.SupplementRefused, match="已有1个，这次最多还能上传2个"):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=too_many[:3])
        monkeypatch.setattr(supplements, "MAX_BYTES_PER_CASE", 2000)
        out = io.BytesIO()  # noise does not compress: about 11 KB once re-encoded
        Image.frombytes("RGB", (60, 60), os.urandom(60 * 60 * 3)).save(out, format="PNG")
        with pytest.raises(supplements.SupplementRefused, match="合计不能超过"):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=[("噪点.png", out.getvalue())])
        with pytest.raises(supplements.SupplementRefused, match="请选择要上传的材料文件"):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(), uploads=[])
        # a note alone is accepted (the handler asked a question)
        view = supplements.send(session=s, code=made.code, secret=made.secret, client=client(), uploads=[],
                                note="屋顶照片已于11月30日交到市民中心窗口。")
        assert view.state == "已提交" and len(view.materials) == 1


def test_the_25_mb_per_case_counts_the_files_already_there(db_engine):
    """README: 25 MB in all per 件, the first submission's included. The 件's first attachment is
    recorded as nearly 25 MB (its row's size set directly: writing 25 MB of real files would cost
    the shared test machine seconds), so a small PDF fits only if the sum stays within 25 MB."""
    limit = 25 * 1024 * 1024                      # 26,214,400 bytes
    pdf = files.pdf()                             # kept byte for byte: it adds exactly len(pdf)
    with Session(db_engine) as s:
        made = _asked(s)
        first = s.exec(select(PrefilingAttachment)
                       .where(PrefilingAttachment.prefiling_id == made.prefiling.id)).one()
        first.size = limit - len(pdf) + 1         # already there + the PDF = limit + 1 byte
        s.add(first)
        s.commit()
        before = _stored()
        with pytest.raises(supplements.SupplementRefused, match="合计不能超过25.0 MB，已有25.0 MB") as refused:
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=[("答复.pdf", pdf)])
        assert "请压缩后再上传" in refused.value.error.message
        assert _stored() == before
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).state == "需补充材料"
        first.size = limit - len(pdf)             # already there + the PDF = exactly the limit: accepted
        s.add(first)
        s.commit()
        view = supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                                uploads=[("答复.pdf", pdf)])
        assert view.state == "已提交" and len(view.materials) == 2


def test_staff_acting_at_the_same_moment_wins_and_the_files_are_removed(db_engine, monkeypatch):
    with Session(db_engine) as s:
        made = _asked(s)
        before = _stored()
        store = supplements.files.store

        def store_while_staff_rejects(**kwargs):
            with Session(db_engine) as other:
                staff.reject(session=other, actor=CLERK, prefiling_id=made.prefiling.id, reason="不属于信访事项",
                             channel="人民法院")
            return store(**kwargs)

        monkeypatch.setattr(supplements.files, "store", store_while_staff_rejects)
        with pytest.raises(TransitionTaken):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=[("a.png", files.png())])
        assert _stored() == before
        actions = s.exec(select(PrefilingEvent.action).where(PrefilingEvent.prefiling_id == made.prefiling.id)).all()
        assert "supplement" not in actions
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).state == "不予登记"


def test_a_note_over_500_characters_is_refused_and_the_case_keeps_waiting(db_engine):
    with Session(db_engine) as s:
        made = _asked(s)
        with pytest.raises(supplements.SupplementRefused, match="500"):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(), uploads=[],
                             note="说" * 501)
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).state == "需补充材料"
        view = supplements.send(session=s, code=made.code, secret=made.secret, client=client(), uploads=[],
                                note="说" * 500)
        assert view.state == "已提交"


def test_a_disk_full_on_the_second_file_keeps_neither_and_the_case_keeps_waiting(db_engine, monkeypatch):
    """Two files sent, the disk full when the second is written: the first is not left on disk
    named by nothing, the OSError reaches the page, and the 件 still waits for the material."""
    with Session(db_engine) as s:
        made = _asked(s)
        before = _stored()
        store, calls = supplements.files.store, []

        def second_fails(**kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return store(**kwargs)

        monkeypatch.setattr(supplements.files, "store", second_fails)
        with pytest.raises(OSError):
            supplements.send(session=s, code=made.code, secret=made.secret, client=client(),
                             uploads=[("a.png", files.png()), ("b.pdf", files.pdf())])
        assert _stored() == before
        assert lookup(session=s, code=made.code, secret=made.secret, client=client()).state == "需补充材料"
