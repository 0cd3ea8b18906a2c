"""Turn downloaded bytes into text, trusting the bytes over what the page claims.

Government portals often declare one charset and serve another, label GBK pages as
GB2312, or send UTF-16 with a BOM. The order of evidence: a BOM, then bytes that are
valid UTF-8, then the declared charset (HTTP header or ``<meta>``) if the bytes decode
cleanly in it, then GB18030 (a superset of GB2312 and GBK).
"""

from __future__ import annotations

import codecs
import re

from newsarchive.extract.model import ExtractionError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
# Superset decoders: a page labelled with the smaller charset is decoded with the larger.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
}
# Share of replacement characters above which a decoding is judged wrong.
_MAX_BAD_SHARE = 0.01


def normalize_charset(name: str | None) -> str | None:
    """Map a declared charset to the codec that reads it best, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset a page claims, from the Content-Type header or else its ``<meta>``."""
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([\w\-]+)", content_type, re.I)
        if match:
            return match.group(1)
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def decode_html(data: bytes | str, content_type: str | None = None) -> str:
    """Decode page bytes to text; raise ExtractionError when no charset reads them.

    >>> decode_html("新闻".encode("gbk") + b"<meta charset=utf-8>")
    '新闻<meta charset=utf-8>'
    >>> decode_html(codecs.BOM_UTF16_LE + "正文".encode("utf-16-le"))
    '正文'
    """
    if isinstance(data, str):
        return data
    if not data:
        raise ExtractionError("empty page")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [normalize_charset(declared_charset(data, content_type)), "gb18030", "big5hkscs"]
    best: tuple[float, str] | None = None
    for codec in dict.fromkeys(c for c in candidates if c and c != "utf-8"):
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd") / max(len(text), 1)
        if bad == 0:
            return text
        if best is None or bad < best[0]:
            best = (bad, text)
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") / max(len(text), 1)
    if best is None or bad < best[0]:
        best = (bad, text)
    if best[0] > _MAX_BAD_SHARE:
        raise ExtractionError(f"cannot decode: no charset reads the bytes ({best[0]:.0%} unreadable)")
    return best[1]
