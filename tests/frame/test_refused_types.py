"""A file the uploader refuses: the words the site frame puts in place of Streamlit's "<type> files
are not allowed.", found as its script finds them (the first pattern that matches, in order)."""

import re

import pytest

from portal.prefiling import attachments as files
from ui.site_frame import FRAMEWORK_WORDS, REFUSED_TYPES, REMOVE_IT


def _said(english: str) -> str | None:
    for key, chinese in FRAMEWORK_WORDS.items():
        if key.startswith("^") and re.search(key, english):
            return chinese
    return None


@pytest.mark.parametrize(("mime", "opening"), [
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "不能上传 Word 文件。"),
    ("application/msword", "不能上传 Word 文件。"),
    ("application/vnd.ms-word.document.macroEnabled.12", "不能上传 Word 文件。"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "不能上传 Excel 文件。"),
    ("application/vnd.ms-excel", "不能上传 Excel 文件。"),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "不能上传 PPT 文件。"),
    ("application/vnd.ms-powerpoint", "不能上传 PPT 文件。"),
    ("image/heic", "不能上传 HEIC 格式的照片。"),
    ("image/heif", "不能上传 HEIC 格式的照片。"),
    ("application/zip", "不能上传这种文件，只能上传 JPG、PNG 图片或 PDF。"),
    ("text/plain", "不能上传这种文件，只能上传 JPG、PNG 图片或 PDF。"),
    ("", "不能上传这种文件，只能上传 JPG、PNG 图片或 PDF。"),   # a name the browser has no type for
])
def test_each_refused_type_is_told_what_to_do(mime, opening):
    said = _said(f"{mime} files are not allowed.".strip())
    assert said is not None and said.startswith(opening), said
    assert said.endswith("请点文件名右边的叉号（删除）。")


def test_a_refusal_names_the_remove_button_by_its_words_not_by_a_times_sign():
    """「请点 × 删除它」 was read out as 点乘: the button is named the way a screen reader names it."""
    refusals = [chinese for chinese in FRAMEWORK_WORDS.values() if chinese.startswith(("不能上传", "文件超过"))]
    assert len(refusals) == len(REFUSED_TYPES) + 1
    for chinese in refusals:
        assert "×" not in chinese and REMOVE_IT in chinese, chinese


def test_a_text_that_only_ends_like_a_refusal_is_not_one():
    assert _said("窗口电脑上显示的是 image/heic files are not allowed.") is None


def test_the_uploaders_offer_exactly_the_kinds_the_server_keeps():
    assert {"jpg" if t == "jpeg" else t for t in files.UPLOAD_TYPES} == set(files.KINDS.values())


def test_a_refusal_suggests_only_types_the_server_keeps():
    kept = {kind.upper() for kind in files.KINDS.values()}
    for chinese in REFUSED_TYPES.values():
        suggested = set(re.findall(r"[A-Z]{3,}", chinese)) - {"PPT", "HEIC"}   # named as refused
        assert suggested <= kept, chinese
