"""Hostile and unlucky input: look-alike digits and formula characters, invisible characters,
direct calls to submit(), and crafted attachments."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlmodel import Session, select

from portal.field_errors import ValidationFailed
from portal.prefiling import attachments, export
from portal.prefiling.form import PrefilingCreate, to_create, validate_all, validate_stage
from portal.prefiling.models import Prefiling
from portal.prefiling.service import submit
from tests.prefiling import files
from tests.prefiling.factories import client, make_form, valid_id

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FORMULA_LOOKALIKES = ["＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1+1", "\u200b=1+1", "\ufeff=1+1",
                      "\u202e=1+1", "\u3000=1+1"]


def errors_of(stage: str, **changes) -> dict[str, str]:
    return {e.field: e.message for e in validate_stage(stage, make_form(**changes))}


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_other_digits_in_id_and_phone_are_stored_as_ascii(digits):
    number = valid_id()
    form = make_form(id_number=number.translate(digits), phone="13812345678".translate(digits),
                     agents=[{"name": "李四", "relation": "近亲属", "phone": "13912345678".translate(digits)}])
    assert validate_all(form) == []
    created = to_create(form)
    assert (created.id_number, created.phone, created.agents[0].phone) == (number, "13812345678", "13912345678")


def test_a_wrong_id_in_other_digits_is_still_wrong():
    number = valid_id()
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    assert "校验不通过" in errors_of("petitioner", id_number=wrong.translate(FULL_WIDTH))["id_number"]
    assert "应为18位" in errors_of("petitioner", id_number="３７０１０２" + "一九六五" + "0315123")["id_number"]


@pytest.mark.parametrize("junk", ["\x85", "\x9b", "\u202e", "\u2066", "\ufeff", "\u200b", "\u200d", "\x07",
                                  "\x7f", "\U000e0041"])
def test_invisible_characters_are_removed_from_single_line_fields(junk):
    form = make_form(name=f"张{junk}秀兰", address=f"{junk}济南市历下区文化东路1号{junk}",
                     subject=f"某物业{junk}公司", facts=f"屋顶漏水{junk}\n多次找物业未修。")
    assert validate_all(form) == []
    created = to_create(form)
    assert created.name == "张秀兰" and created.subject == "某物业公司"
    assert created.address == "济南市历下区文化东路1号" and created.facts == "屋顶漏水\n多次找物业未修。"


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\t"], ids=["LF", "lone-CR", "CRLF", "tab"])
def test_a_name_line_break_becomes_a_space(line_break):
    """single_line: line breaks (a lone CR too, as old Mac text pastes it) and tabs made spaces."""
    created = to_create(make_form(name=f"张{line_break}秀兰", address=f"济南市{line_break}历下区"))
    assert (created.name, created.address) == ("张 秀兰", "济南市 历下区")


@pytest.mark.parametrize("field", ["name", "address"])
def test_a_field_of_only_spaces_is_simply_asked_for(field):
    """Spaces are visible typing, not hidden characters: the plain 请填写 message, as when empty."""
    label = {"name": "姓名", "address": "住址"}[field]
    assert errors_of("petitioner", **{field: "   "})[field] == errors_of("petitioner", **{field: ""})[field]
    assert errors_of("petitioner", **{field: "   "})[field].startswith(f"请填写{label}")


@pytest.mark.parametrize("field", ["name", "address"])
def test_a_field_of_only_invisible_characters_is_refused(field):
    message = errors_of("petitioner", **{field: "\u200b\u200c\u200d\ufeff\u202e"})[field]
    label = {"name": "姓名", "address": "住址"}[field]
    assert message == f"{label}里没有能看到的文字（可能是复制时带进来的空白符号），请删掉后重新输入。"


@pytest.mark.parametrize(("field", "value", "label"), [
    ("name", "张三😀", "姓名"), ("address", "😀🏠😀🏠😀🏠", "住址"), ("address", "历下区文化东路1号☎", "住址")])
def test_a_name_or_an_address_with_emoji_is_refused(field, value, label):
    assert errors_of("petitioner", **{field: value})[field] == f"{label}中有表情符号等图形符号，请只用文字填写。"


def test_an_agents_name_with_emoji_is_refused_and_real_names_pass():
    errors = errors_of("petitioner", agents=[{"name": "李四👍", "relation": "近亲属", "phone": "13912345678"}])
    assert errors["agents.0.name"] == "第1位代理人的姓名中有表情符号等图形符号，请只用文字填写。"
    for name in ("买买提·艾力", "欧阳秀兰", "Zhang Xiulan"):
        assert "name" not in errors_of("petitioner", name=name), name


def test_an_optional_field_of_only_invisible_characters_is_refused_too():
    assert "里没有能看到的文字" in errors_of("matter", subject="\u200b\u200b")["subject"]
    assert "里没有能看到的文字" in errors_of("petitioner", phone="\u200b\u2060")["phone"]


@pytest.mark.parametrize("value", FORMULA_LOOKALIKES)
@pytest.mark.parametrize(("stage", "field"), [("petitioner", "name"), ("matter", "facts"),
                                              ("matter", "subject")])
def test_look_alike_formula_starts_are_refused_in_the_form(stage, field, value):
    assert "不能以 = + - @ 这几个符号开头" in errors_of(stage, **{field: value})[field]


@pytest.mark.parametrize("value", FORMULA_LOOKALIKES + ["\t=1+1", " =1+1", "\u200b\t@x"])
def test_look_alike_formula_starts_are_neutralised_in_csv(value):
    cell = export.neutralise(value)
    assert cell.startswith("'") and "\u200b" not in cell and "\u202e" not in cell and "\ufeff" not in cell


@pytest.mark.parametrize("value", ["正常文字", "a=b", "1-2", "（一）说明"])
def test_ordinary_cells_are_left_alone(value):
    assert export.neutralise(value) == value


def bad_create(**changes) -> PrefilingCreate:
    """A PrefilingCreate built by hand, bypassing the staged form."""
    good = to_create(make_form())
    return PrefilingCreate(**{**good.__dict__, **changes})


@pytest.mark.parametrize(("changes", "field"), [
    ({"id_number": "123"}, "id_number"),
    ({"phone": "12345"}, "phone"),
    ({"name": "=HYPERLINK(\"http://evil.example\")"}, "name"),
    ({"name": "\u200b\u200b"}, "name"),
    ({"facts": "＝cmd|' /C calc'!A0"}, "facts"),
    ({"request": "诉" * 1001}, "request"),
    ({"category": "不存在的类别"}, "category"),
    ({"attachments": ({"stored_name": "../../secrets/portal.key", "kind": "pdf", "size": 10},)}, "attachments"),
])
def test_submit_refuses_invalid_data_given_directly(db_engine, changes, field):
    with Session(db_engine) as s:
        with pytest.raises(ValidationFailed) as refused:
            submit(session=s, data=bad_create(**changes), idempotency_token=uuid.uuid4().hex, client=client())
        assert field in {e.field for e in refused.value.errors}
        assert s.exec(select(Prefiling)).first() is None


def test_submit_stores_normalised_values_given_directly(db_engine):
    number = valid_id()
    with Session(db_engine) as s:
        result = submit(session=s, data=bad_create(name="张\u202e秀兰", id_number=number.translate(FULL_WIDTH),
                                                   subject="\ufeff某公司"),
                        idempotency_token=uuid.uuid4().hex, client=client())
        from portal.prefiling.crypto import get_cipher
        stored = s.get(Prefiling, result.prefiling.id)
        assert get_cipher().decrypt(stored.name_enc) == "张秀兰"
        assert get_cipher().decrypt(stored.id_number_enc) == number


# --- attachments -------------------------------------------------------------------------------

def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_photos_are_re_encoded_without_location_or_camera():
    original = files.jpeg_with_gps()
    assert b"CameraMaker-SECRET" in original and decoded(original).getexif()
    kept, problem = attachments.clean_upload("photo.jpg", original)
    assert problem is None and b"CameraMaker-SECRET" not in kept
    assert not decoded(kept).getexif() and decoded(kept).size == (40, 30)


@pytest.mark.parametrize("make", [files.jpeg, files.png])
def test_polyglot_tails_are_dropped(make):
    tail = b"<html><script>alert(1)</script></html>PK\x03\x04zipped"
    kept, problem = attachments.clean_upload("x", make() + tail)
    assert problem is None and b"<script>" not in kept and b"PK\x03\x04" not in kept
    assert decoded(kept).size == (40, 30)


@pytest.mark.parametrize("data", [
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00<html><script>alert(1)</script>",
    b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
], ids=["jpeg-header-then-html", "png-header-then-html"])
def test_an_image_header_followed_by_html_is_refused(data):
    kept, problem = attachments.clean_upload("x.jpg", data)
    assert kept is None and "不能上传" in problem.message


@pytest.mark.parametrize("name", list(files.HOSTILE_PDFS))
def test_active_or_disguised_pdfs_are_refused(name):
    problem = attachments.check_upload(f"{name}.pdf", files.HOSTILE_PDFS[name])
    assert problem is not None and f"附件“{name}.pdf”不能上传" in problem.message


@pytest.mark.parametrize(("cut", "tail"), [(3, b""), (4, b""), (6, b""), (60, b""),
                                           (0, b"PK\x03\x04" + bytes(2048))],
                         ids=["ends-%%E", "ends-%%", "no-marker", "into-trailer", "zip-after-eof"])
def test_a_pdf_that_does_not_end_with_its_end_marker_is_refused(cut, tail):
    """A download cut short loses the final `%%EOF` (files.pdf() ends "startxref\n193\n%%EOF\n"),
    and a file with 2 kB more after it is a PDF carrying something else: neither is kept."""
    whole = files.pdf()
    data = (whole[:-cut] if cut else whole) + tail
    kept, problem = attachments.clean_upload("诉状.pdf", data)
    assert kept is None and problem is not None
    # told as a file that cannot be read, not as one "含有脚本、自动操作" (a cut-short download is no attack)
    assert problem.message.startswith("附件“诉状.pdf”不能上传：这个 PDF 文件无法读取（可能已损坏"), problem.message


def test_a_picture_of_more_than_forty_million_pixels_is_refused_and_forty_million_kept():
    """A few kB of PNG that decode to 48 million pixels (8000 × 6000) are a decompression bomb,
    not a photo; 8000 × 5000 = 40,000,000 pixels is still a (huge) photo and is kept."""
    kept, problem = attachments.clean_upload("全景.png", files.big_png(8000, 6000))   # 48,000,000 > 40,000,000
    assert kept is None
    assert problem.message == ("附件“全景.png”不能上传：图片无法正常读取。"
                               "请重新拍照、扫描，或另存为普通的 JPG、PNG、PDF 后再上传。")   # no 被改动过
    kept, problem = attachments.clean_upload("全景.png", files.big_png(8000, 5000))
    assert problem is None and decoded(kept).size == (8000, 5000)
    # 10000 × 9000 = 90,000,000: over the limit (and over Pillow's own warning, 89,478,485)
    assert attachments.clean_upload("大图.png", files.big_png(10000, 9000))[0] is None


def test_an_ordinary_pdf_is_kept_byte_for_byte():
    data = files.pdf()
    assert attachments.clean_upload("scan.pdf", data) == (data, None)


@pytest.mark.parametrize("name", list(files.OPENING_PLACES))
def test_a_pdf_that_only_says_which_page_to_open_on_is_kept(name):
    """LibreOffice and LaTeX write /OpenAction with a page to open on; such files were refused."""
    data = files.OPENING_PLACES[name]
    assert attachments.clean_upload(f"{name}.pdf", data) == (data, None)


def test_a_real_libreoffice_export_is_kept():
    from pathlib import Path

    data = (Path(__file__).parent / "data" / "libreoffice-7.4-export.pdf").read_bytes()
    assert b"/OpenAction[" in data
    assert attachments.clean_upload("情况说明.pdf", data) == (data, None)


@pytest.mark.parametrize("encoding", ["hex", "predictor"])
def test_an_ordinary_pdf_with_packed_objects_is_kept(encoding):
    """Object streams and cross-reference streams are what PDF 1.5+ writers make: only what is in
    them is judged."""
    data = files.packed_pdf(encoding=encoding, active=False)
    assert attachments.clean_upload("scan.pdf", data) == (data, None)


def test_codes_typed_in_full_width_are_read_as_typed():
    from portal.prefiling import codes

    assert codes.normalise("ＡＢＣＤ－ＥＦＧＨ－ＪＫ") == "ABCDEFGHJK"
    assert codes.normalise("２３４５ ６７８９") == "23456789"


UNREADABLE = "这个 PDF 文件无法读取"


def test_a_pdf_too_complex_to_inspect_is_refused_quickly_and_said_so():
    """Hundreds of thousands of tiny objects in 5 MB held a replica's CPU for 15 s; a real document
    has hundreds or a few thousand."""
    import time

    data = files.many_objects_pdf(attachments.MAX_PDF_OBJECTS + 5000)
    started = time.monotonic()
    problem = attachments.check_upload("bomb.pdf", data)
    assert time.monotonic() - started < 3.0
    assert problem is not None and UNREADABLE in problem.message and "脚本" not in problem.message
    assert attachments.check_upload("fine.pdf", files.many_objects_pdf(500)) is None


def test_a_pdf_locked_with_a_password_or_that_the_parser_cannot_handle_is_refused_in_words(monkeypatch):
    locked = attachments.check_upload("合同.pdf", files.password_locked_pdf())
    assert locked is not None and "设有打开密码" in locked.message and "脚本" not in locked.message
    import pypdf

    def unsupported(*args, **kwargs):   # what pypdf raises for a filter it lacks (found by fuzzing)
        raise NotImplementedError("Unsupported filter /ASCI85Decode")

    monkeypatch.setattr(pypdf, "PdfReader", unsupported)
    refused = attachments.check_upload("odd.pdf", files.pdf())      # a refusal, not the page's crash
    assert refused is not None and UNREADABLE in refused.message


def test_a_pdf_with_a_script_is_refused_without_suspecting_the_citizen():
    """L10: the refusal says why (scripts and the like are not taken) and what to do, not that the
    file "可能已损坏或被改动过" — which reads as an accusation of tampering."""
    data = files.pdf(root_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    kept, problem = attachments.clean_upload("说明.pdf", data)
    assert kept is None
    assert problem.message == ("附件“说明.pdf”不能上传：PDF 文件含有脚本、自动操作或嵌入文件，为了安全不能接收。"
                               "请重新拍照、扫描，或另存为普通的 JPG、PNG、PDF 后再上传。")
