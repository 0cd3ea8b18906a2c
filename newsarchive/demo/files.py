"""Small but real binary files for pictures and attachments, built in code and deterministic.

A crawler that downloads attachments should get files that open: a PNG that decodes, a PDF a
reader accepts, Office files that are valid OOXML zips. They are generated from their path so
that no binary blobs live in the repository and every path has its own bytes.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

CONTENT_TYPES = {
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _colour(key: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(key.encode()).digest()
    return digest[0], digest[1], digest[2]


def png(key: str, width: int = 96, height: int = 64) -> bytes:
    """A solid-colour PNG with a lighter band, its colour derived from ``key``."""
    r, g, b = _colour(key)
    light = bytes((min(255, r + 60), min(255, g + 60), min(255, b + 60)))
    dark = bytes((r, g, b))
    rows = b"".join(
        b"\x00" + (light if height // 3 <= y < 2 * height // 3 else dark) * width
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def pdf(title: str) -> bytes:
    """A one-page PDF with a valid cross-reference table (ASCII text: base fonts lack CJK)."""
    text = title.encode("ascii", "replace").decode().replace("\\", "\\\\").replace(
        "(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 760 Td (Demo county attachment) Tj 0 -24 Td ({text}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8"))
    return out.getvalue()


_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="{target}"/></Relationships>')


def docx(title: str) -> bytes:
    """A minimal Word document with the title as its one paragraph."""
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body><w:p><w:r><w:t>{escape(title)}</w:t></w:r></w:p></w:body></w:document>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return _zip({"[Content_Types].xml": types, "_rels/.rels": _RELS.format(target="word/document.xml"),
                 "word/document.xml": body})


def xlsx(title: str) -> bytes:
    """A minimal workbook: one sheet with a header row and the title."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{ns}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>名称</t></is></c></row>'
        f'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>{escape(title)}</t></is></c></row>'
        '</sheetData></worksheet>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{ns}" '
        f'xmlns:r="{rel_ns}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = _RELS.format(target="worksheets/sheet1.xml").replace(
        "officeDocument/2006/relationships/officeDocument", "officeDocument/2006/relationships/worksheet")
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    return _zip({"[Content_Types].xml": types, "_rels/.rels": _RELS.format(target="xl/workbook.xml"),
                 "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": book_rels,
                 "xl/worksheets/sheet1.xml": sheet})


def make(ext: str, key: str, title: str = "") -> bytes:
    """The bytes of a file of type ``ext`` for ``key`` (its path) and ``title``."""
    if ext == "png":
        return png(key)
    if ext == "pdf":  # the base fonts cannot show Chinese: the PDF names its path instead
        return pdf(key)
    return {"docx": docx, "xlsx": xlsx}[ext](title or key)
