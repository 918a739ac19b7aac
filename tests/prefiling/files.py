"""Crafted attachment files: real images (Pillow), a minimal valid PDF, and hostile variants."""

from __future__ import annotations

import io
import zlib

from PIL import Image


def png(size=(40, 30), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def jpeg(size=(40, 30), colour=(30, 120, 200), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF says where it was taken (and which camera)."""
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker-SECRET"        # Make
    exif[0x8825] = {1: "N", 2: (36.0, 40.0, 1.0), 3: "E", 4: (117.0, 1.0, 2.0)}  # GPS IFD
    return jpeg(exif=exif.tobytes())


def pdf(*, objects: list[bytes] | None = None, root_extra: bytes = b"") -> bytes:
    """A small well-formed PDF (one empty page); `root_extra` goes into the catalogue."""
    objs = objects or []
    body = [b"<< /Type /Catalog /Pages 2 0 R " + root_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", *objs]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(body, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref))
    return out.getvalue()


def compressed_stream(content: bytes) -> bytes:
    data = zlib.compress(content)
    return b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) \
        + data + b"\nendstream"


JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
HOSTILE_PDFS = {
    "open-action-javascript": pdf(root_extra=b"/OpenAction 4 0 R", objects=[JS_ACTION]),
    "hex-escaped-names": pdf(root_extra=b"/Open#41ction 4 0 R", objects=[b"<< /S /J#61vaScript /J#53 (x) >>"]),
    "launch": pdf(root_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    "embedded-file": pdf(root_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                         objects=[b"<< /Type /Filespec /EF << /F 5 0 R >> >>"]),
    "js-hidden-in-object-stream": pdf(objects=[compressed_stream(b"4 0 << /S /JavaScript /JS (x) >>")]),
    "html-after-header": b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n",
}
