"""Crafted attachment files: real images (Pillow), a minimal valid PDF, and hostile variants."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def png(size=(40, 30), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def big_png(width: int, height: int) -> bytes:
    """A real, tiny PNG of many pixels: 1-bit grey, every row white, so a few kB of IDAT decode to
    width × height pixels (written by hand: Pillow would hold the whole image in memory)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\xff" * ((width + 7) // 8)   # filter type 0, then the packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)   # bit depth 1, greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


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


def pdf(*, objects: list[bytes] | None = None, root_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A small well-formed PDF (one empty page); `root_extra` goes into the catalogue, `page_extra`
    into the page."""
    objs = objects or []
    body = [b"<< /Type /Catalog /Pages 2 0 R " + root_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page_extra + (b" " if page_extra else b"") + b">>", *objs]
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


def packed_pdf(*, encoding: str, active: bool = True) -> bytes:
    """A PDF 1.5 whose objects sit in an object stream (found through a cross-reference stream),
    the stream encoded so that no byte scan or plain inflate sees the names: `encoding` "hex"
    (/ASCIIHexDecode) or "predictor" (/FlateDecode with PNG Up rows). `active`: the catalogue
    runs JavaScript on opening."""
    catalogue = b"<< /Type /Catalog /Pages 2 0 R" + (b" /OpenAction 3 0 R" if active else b"") + b" >>"
    objs = {1: catalogue, 2: b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
            3: b"<< /Type /Action /S /JavaScript /JS (app.alert\\('x'\\)) >>" if active else b"<< /Producer (scan) >>",
            6: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"}
    order = [1, 2, 3, 6]
    body, offsets = b"", []
    for n in order:
        offsets.append(len(body))
        body += objs[n] + b"\n"
    header = b" ".join(b"%d %d" % (n, o) for n, o in zip(order, offsets, strict=True)) + b"\n"
    raw = header + body
    if encoding == "hex":
        encoded, filters = raw.hex().encode() + b">", b"/Filter /ASCIIHexDecode"
    else:
        cols = 8
        raw += b" " * (-len(raw) % cols)
        rows, previous, out = [raw[i:i + cols] for i in range(0, len(raw), cols)], bytes(cols), b""
        for row in rows:
            out += b"\x02" + bytes((row[i] - previous[i]) & 0xFF for i in range(cols))
            previous = row
        encoded = zlib.compress(out)
        filters = b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns %d >>" % cols
    pdf = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_at = len(pdf)
    pdf += (b"4 0 obj\n<< /Type /ObjStm /N 4 /First %d %s /Length %d >>\nstream\n" % (len(header), filters, len(encoded))
            + encoded + b"\nendstream\nendobj\n")
    xref_at = len(pdf)
    index = {n: i for i, n in enumerate(order)}
    entries = [(0, 0, 0xFFFF)] + [(2, 4, index[n]) if n in index else (1, stream_at if n == 4 else xref_at, 0)
                                  for n in range(1, 7)]
    table = b"".join(bytes([t]) + struct.pack(">I", a) + struct.pack(">H", b) for t, a, b in entries)
    pdf += (b"5 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
            + table + b"\nendstream\nendobj\n")
    return pdf + b"startxref\n%d\n%%%%EOF\n" % xref_at


def many_objects_pdf(count: int) -> bytes:
    """A PDF with `count` tiny objects packed in one object stream: small on disk, slow to parse."""
    numbers = list(range(4, count + 4))
    header = b" ".join(b"%d %d" % (n, 9 * i) for i, n in enumerate(numbers)) + b"\n"
    packed = zlib.compress(header + b"<</K 1>> " * count, 9)
    pdf, at = b"%PDF-1.5\n", {}
    at[2] = len(pdf)
    pdf += b"2 0 obj\n<< /Type /Catalog /Pages 3 0 R >>\nendobj\n"
    at[3] = len(pdf)
    pdf += b"3 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    at[1] = len(pdf)
    pdf += (b"1 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (count, len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    xref_at = len(pdf)
    entries = [(0, 0, 0xFFFF), (1, at[1], 0), (1, at[2], 0), (1, at[3], 0), *((2, 1, i) for i in range(count)),
               (1, xref_at, 0)]
    table = zlib.compress(b"".join(bytes([t]) + struct.pack(">I", a) + struct.pack(">I", b) for t, a, b in entries))
    pdf += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 4] /Root 2 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % (count + 4, count + 5, len(table)) + table + b"\nendstream\nendobj\n")
    return pdf + b"startxref\n%d\n%%%%EOF\n" % xref_at


def password_locked_pdf() -> bytes:
    """An ordinary one-page PDF that opens only with a password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt(user_password="1234", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# where to open, as office and TeX exporters write it: not an action that runs anything
OPENING_PLACES = {
    "libreoffice-export": pdf(root_extra=b"/OpenAction[3 0 R /XYZ null null 0]"),
    "latex-hyperref": pdf(root_extra=b"/OpenAction [3 0 R /Fit]"),
    "goto-action": pdf(root_extra=b"/OpenAction << /S /GoTo /D [3 0 R /FitH 200] >>"),
    "destination-by-reference": pdf(root_extra=b"/OpenAction 4 0 R", objects=[b"[3 0 R /Fit]"]),
}
JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
HOSTILE_PDFS = {
    "open-action-javascript": pdf(root_extra=b"/OpenAction 4 0 R", objects=[JS_ACTION]),
    "hex-escaped-names": pdf(root_extra=b"/Open#41ction 4 0 R", objects=[b"<< /S /J#61vaScript /J#53 (x) >>"]),
    "launch": pdf(root_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    "open-action-uri": pdf(root_extra=b"/OpenAction << /S /URI /URI (http://tracker.example/x) >>"),
    "open-action-uri-by-reference": pdf(root_extra=b"/OpenAction 4 0 R",
                                        objects=[b"<< /S /URI /URI (http://tracker.example/x) >>"]),
    "open-action-uri-hex-escaped": pdf(root_extra=b"/Open#41ction << /S /U#52I /URI (http://tracker.example/x) >>"),
    "open-action-other-file": pdf(root_extra=b"/OpenAction << /S /GoToR /F (\\\\host\\share\\a.pdf) /D [0 /Fit] >>"),
    "open-action-goto-then-uri": pdf(root_extra=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] "
                                                b"/Next << /S /URI /URI (http://tracker.example/x) >> >>"),
    "embedded-file": pdf(root_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                         objects=[b"<< /Type /Filespec /EF << /F 5 0 R >> >>"]),
    "js-hidden-in-object-stream": pdf(objects=[compressed_stream(b"4 0 << /S /JavaScript /JS (x) >>")]),
    "js-in-ascii-hex-object-stream": packed_pdf(encoding="hex"),
    "js-in-predictor-object-stream": packed_pdf(encoding="predictor"),
    # additional actions (/AA) run when a page opens or the document is closed, saved or printed;
    # a URI action is not otherwise active, so only the /AA name refuses these
    "page-open-additional-action": pdf(page_extra=b"/AA << /O << /S /URI /URI (http://tracker.example/x) >> >>"),
    "document-close-additional-action": pdf(root_extra=b"/AA << /WC << /S /URI /URI (http://tracker.example/x) >> >>"),
    "html-after-header": b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n",
}


def heic(major: bytes = b"heic", compatible: tuple[bytes, ...] = (b"mif1", b"heic")) -> bytes:
    """The start of an iPhone photo (HEIC): an ftyp box with its brands, then a box of the image's
    metadata (enough for a sniffer; nothing here decodes it)."""
    ftyp = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
    meta = b"meta" + b"\x00" * 4 + b"\x00\x00\x00\x21hdlr" + b"\x00" * 8 + b"pict" + b"\x00" * 13
    return (len(ftyp) + 4).to_bytes(4, "big") + ftyp + (len(meta) + 4).to_bytes(4, "big") + meta + b"\x11" * 400
