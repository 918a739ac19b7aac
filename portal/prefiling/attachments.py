"""Attachments (附件): JPEG, PNG or PDF only — judged by content, not by name — bounded in size and
count, stored Fernet-encrypted under random names in settings.attachments_dir (outside the web
root: Streamlit serves only `static/`).

Images are decoded and re-encoded with Pillow, so what is kept is pixels only: no EXIF (GPS
position, camera serial), no trailing bytes after the image (a JPEG+HTML or JPEG+ZIP polyglot).
PDFs are not rewritten, so they are inspected — by byte scans and by parsing every object as a
reader would (pypdf) — and refused when they carry active content (JavaScript, actions run on
opening other than going to a page, launched programs, embedded files), when HTML follows the
header, when they do not end like a PDF, or when they cannot be read at all."""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import time
import warnings
import zlib
from pathlib import Path

import filetype
from PIL import Image, ImageOps

from portal.db import private_dir
from portal.prefiling.crypto import Cipher
from portal.prefiling.fields import FieldError
from portal.timeutil import beijing_text

KINDS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# what the uploaders offer, by how a file's name ends: the KINDS, and .jpeg for a JPEG; as said to people
UPLOAD_TYPES = ("jpg", "jpeg", "png", "pdf")
IMAGE_NAMES = "JPG、PNG"
ACCEPTED_NAMES = f"{IMAGE_NAMES} 图片或 PDF"
# an iPhone's photo as a file (HEIC, not decoded here): what to do instead, said by the uploader for a
# .heic name (ui.site_frame.REFUSED_TYPES) and by clean_upload for one named otherwise (IMG_0001.jpg)
HEIC_INSTEAD = "请从手机相册选取照片（苹果手机会自动转成 JPG），或截屏后上传截图。"
# the ftyp brands of a HEIF image (ISO/IEC 23008-12): HEVC-coded (an iPhone's heic, 10-bit heix,
# sequences) and the generic mif1 / msf1; AVIF is HEIF too, but another format to name
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
MAX_BYTES = 5 * 1024 * 1024
MAX_COUNT = 5
MAX_PIXELS = 40_000_000  # a 5 MB file that decodes to more is a decompression bomb, not a photo
# PDF names that make a reader run something or carry another file
PDF_ACTIVE = frozenset({b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile",
                        b"/EmbeddedFiles", b"/AA", b"/RichMedia", b"/XFA"})
# what a catalogue's /OpenAction may be: where to open (LibreOffice writes `[page /XYZ null null 0]`,
# LaTeX's hyperref `[page /Fit]`), as a destination or a /GoTo action to one; anything else (a URI,
# another file, a form submission, a chain of actions) is an action run on opening
OPEN_ACTION = "/OpenAction"
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_HTML = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|img|meta|object|embed|form)",
                   re.I)
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.bin$")
PARTIAL_SUFFIX = ".partial"   # `.<stored name>.partial` while store writes it
_INFLATE_BUDGET = 50 * 1024 * 1024


class _Unsafe(Exception):
    """The file is of an allowed type but not safe to keep."""


class _Unreadable(_Unsafe):
    """A PDF that cannot be inspected (damaged, locked with an opening password, or too complex to
    read in reasonable time): refused, but not said to carry scripts."""


# a scanned or exported document has hundreds of objects, a long report a few thousand; millions of
# tiny objects in a 5 MB file cost a replica's CPU for seconds each (the check holds the GIL)
MAX_PDF_OBJECTS = 20_000
PDF_PARSE_SECONDS = 5.0


def _not_allowed(name: str) -> FieldError:
    return FieldError("attachments", f"附件“{name}”不是 JPG、PNG 图片或 PDF 文件，只能上传这三种格式。")


def _heic(name: str) -> FieldError:
    return FieldError("attachments", f"附件“{name}”实际是 HEIC 格式的照片，只能上传 {ACCEPTED_NAMES}。{HEIC_INSTEAD}")


def is_heif(data: bytes) -> bool:
    """Whether the bytes are a HEIC/HEIF photo, whatever the file is called: its first box is ftyp
    with a HEIF brand, major or compatible."""
    if data[4:8] != b"ftyp":
        return False
    box = data[8:min(int.from_bytes(data[:4], "big"), 1024)]   # major brand, minor version, compatible brands
    brands = {box[:4]} | {box[i:i + 4] for i in range(8, len(box) - 3, 4)}
    return bool(brands & _HEIF_BRANDS) and not brands & _AVIF_BRANDS


def _reencode(data: bytes, kind: str) -> bytes:
    """Pixels only, in the same format."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["JPEG"] if kind == "jpg" else ["PNG"]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _Unsafe("too many pixels")
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag gave
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as exc:
            raise _Unsafe(str(exc)) from exc
    upright.info = {}
    out = io.BytesIO()
    if kind == "jpg":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=90, optimize=True)
    else:
        upright.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_names(chunk: bytes) -> set[bytes]:
    """Every /Name in the bytes, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {_PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), n) for n in _PDF_NAME.findall(chunk)}


def _inflated_streams(data: bytes):
    """The decompressed content of the Flate streams (object streams hide dictionaries there)."""
    budget = _INFLATE_BUDGET
    for match in _PDF_STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        yield chunk
        if budget <= 0:
            raise _Unsafe("compressed streams too large")


def _parsed_active(data: bytes) -> bool:
    """Whether any object of the PDF, as a reader would parse it, carries an active name (as a key
    or a value). pypdf decodes what the byte scans cannot see: objects packed in object streams under
    any filter chain (ASCIIHex, ASCII85, LZW, Flate with PNG predictors), names with #xx escapes.
    A file it cannot read at all is refused (no reader could show it either)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    def runs_on_opening(value: object) -> bool:
        value = value.get_object() if isinstance(value, IndirectObject) else value
        if isinstance(value, ArrayObject):
            return False
        return not (isinstance(value, DictionaryObject) and value.get("/S") == "/GoTo"
                    and "/Next" not in value and isinstance(value.get("/D"), ArrayObject | str | bytes))

    def active(obj: object, depth: int = 0) -> bool:
        if depth > 64:   # a nesting no real file has
            raise _Unsafe("nesting too deep")
        if isinstance(obj, NameObject):
            return obj.encode("latin-1", "replace") in PDF_ACTIVE
        if isinstance(obj, DictionaryObject):   # also a stream's dictionary
            return any(active(NameObject(k), depth) or active(v, depth + 1)
                       or (k == OPEN_ACTION and runs_on_opening(v)) for k, v in obj.items())
        if isinstance(obj, ArrayObject):
            return any(active(v, depth + 1) for v in obj)
        return False

    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):   # an opening password: nothing to inspect
                raise _Unreadable("locked with a password")
            numbers = {(n, g) for g, table in reader.xref.items() for n in table}
            numbers |= {(n, 0) for n in reader.xref_objStm}
            if len(numbers) > MAX_PDF_OBJECTS:
                raise _Unreadable(f"{len(numbers)} objects")
            if active(reader.trailer):
                return True
            for i, (n, g) in enumerate(sorted(numbers)):
                if active(reader.get_object(IndirectObject(n, g, reader))):
                    return True
                if i % 256 == 0 and time.monotonic() - started > PDF_PARSE_SECONDS:
                    raise _Unreadable("too slow to read")
    except _Unsafe:
        raise
    except Exception as exc:   # whatever pypdf cannot read (NotImplementedError for a filter it lacks …)
        raise _Unreadable(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    return False


def _check_pdf(data: bytes) -> None:
    # compressed stream bodies are binary and may contain anything; the rest of a PDF is syntax,
    # and the first kilobyte (what a browser sniffs) is checked whatever it is
    if _HTML.search(data[:1024]) or _HTML.search(_PDF_STREAM.sub(b"stream\nendstream", data)):
        raise _Unsafe("HTML inside")
    if b"%%EOF" not in data[-1024:]:   # cut short (a download or a copy not finished), or more after it
        raise _Unreadable("no end of file marker")
    for chunk in (data, *_inflated_streams(data)):
        if _pdf_names(chunk) & PDF_ACTIVE:
            raise _Unsafe("active content")
    if _parsed_active(data):
        raise _Unsafe("active content")


def clean_upload(name: str, data: bytes) -> tuple[bytes | None, FieldError | None]:
    """(what to store, None) for an acceptable file — images re-encoded — else (None, why not)."""
    if len(data) > MAX_BYTES:
        return None, FieldError("attachments", f"附件“{name}”超过 5 MB，请压缩或拍得小一些再上传。")
    if not data:
        return None, FieldError("attachments", f"附件“{name}”是空文件，请重新选择。")
    kind = kind_of(data)
    if not kind:   # an iPhone photo renamed .jpg passes the uploader: named for what it is
        return None, _heic(name) if is_heif(data) else _not_allowed(name)
    try:
        if kind == "pdf":
            _check_pdf(data)
            return data, None
        return _reencode(data, kind), None
    except _Unreadable:
        return None, FieldError("attachments", f"附件“{name}”不能上传：这个 PDF 文件无法读取（可能已损坏、设有打开密码"
                                               "或过于复杂）。请另存为普通的 PDF（不设密码），或拍照上传 JPG、PNG。")
    except _Unsafe:
        # not "损坏或被改动过": a phone's odd photo is no tampering, and the citizen is not suspected
        what = "PDF 文件含有脚本、自动操作或嵌入文件，为了安全不能接收" if kind == "pdf" else "图片无法正常读取"
        return None, FieldError("attachments", f"附件“{name}”不能上传：{what}。"
                                               "请重新拍照、扫描，或另存为普通的 JPG、PNG、PDF 后再上传。")


def check_upload(name: str, data: bytes) -> FieldError | None:
    """Why this file cannot be attached, or None."""
    return clean_upload(name, data)[1]


def kind_of(data: bytes) -> str:
    guessed = filetype.guess(data)
    return KINDS.get(guessed.mime, "") if guessed else ""


def is_stored_name(name: str) -> bool:
    """Whether `name` is one `store` writes (random hex + .bin)."""
    return bool(_STORED_NAME.match(name))


def entry_problem(entry: object) -> FieldError | None:
    """A form's attachment entry must be one that `store` wrote (not a path or a made-up kind)."""
    ok = (isinstance(entry, dict) and isinstance(entry.get("stored_name"), str)
          and _STORED_NAME.match(entry["stored_name"]) and entry.get("kind") in KINDS.values()
          and isinstance(entry.get("size"), int) and 0 < entry["size"] <= MAX_BYTES)
    return None if ok else FieldError("attachments", "附件信息有误，请删除后重新上传。")


def is_partial_name(name: str) -> bool:
    """Whether `name` is the temporary name `store` writes under (left only by a crash mid-write)."""
    return name.startswith(".") and name.endswith(PARTIAL_SUFFIX) and is_stored_name(name[1:-len(PARTIAL_SUFFIX)])


def store(*, data: bytes, directory: Path, cipher: Cipher) -> dict:
    """Encrypt and write one checked upload (the bytes clean_upload returned); return its draft entry.

    The file is written under a temporary name in the same folder, flushed to disk and only then
    renamed, so a stored name always holds a whole file. On a write error (disk full, I/O error)
    the partial file is removed and the OSError raised for the caller to tell."""
    private_dir(directory)
    stored_name = secrets.token_hex(16) + ".bin"
    partial = directory / f".{stored_name}{PARTIAL_SUFFIX}"
    encrypted = cipher.encrypt_bytes(data)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encrypted)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, directory / stored_name)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return {"stored_name": stored_name, "kind": kind_of(data), "size": len(data)}


def store_all(*, datas: list[bytes], directory: Path, cipher: Cipher) -> list[dict]:
    """`store` each of several files, all or none: when one cannot be written, those already
    written are removed before the error is raised."""
    entries: list[dict] = []
    try:
        for data in datas:
            entries.append(store(data=data, directory=directory, cipher=cipher))
    except BaseException:
        for entry in entries:
            with contextlib.suppress(OSError):
                remove(stored_name=entry["stored_name"], directory=directory)
        raise
    return entries


def available(*, stored_name: str, directory: Path) -> bool:
    """Whether the stored file is there and readable (a storage fault or a restore that left out
    attachments/ loses it while the database still names it)."""
    if Path(stored_name).name != stored_name:
        return False
    path = directory / stored_name
    return path.is_file() and os.access(path, os.R_OK)


def read(*, stored_name: str, directory: Path, cipher: Cipher) -> bytes:
    if Path(stored_name).name != stored_name:
        raise ValueError("bad attachment name")
    return cipher.decrypt_bytes((directory / stored_name).read_bytes())


def remove(*, stored_name: str, directory: Path) -> None:
    if Path(stored_name).name == stored_name:
        (directory / stored_name).unlink(missing_ok=True)


def describe(kind: str, size: int, added_at) -> str:
    """How an attachment is named to a citizen and to staff: kind, size and when it came
    (补充材料 carry the moment they arrived; the others came with the pre-filing)."""
    when = f"{beijing_text(added_at)} 补充" if added_at else "随预登记提交"
    return f"{kind.upper()}，{max(1, size // 1024)} KB，{when}"
