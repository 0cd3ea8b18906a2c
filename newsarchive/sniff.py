"""Is it an HTML page at all? Asked before extracting a file the user hands over.

The extractor reads any text as a page, so a PDF with text streams, a JSON file or a
plain-text note would come out as an "article" whose body is the file itself. Binary
files are named by their magic number (the ``filetype`` package, which knows a few
hundred of them without any system library); text without any HTML markup near its
start is refused too.
"""

from __future__ import annotations

import re

import filetype

from newsarchive.extract import ExtractionError
from newsarchive.extract.decode import decode_html

SNIFF_BYTES = 64 * 1024
# Tags any saved portal page has near its start (WHATWG's HTML sniffing looks for the same).
_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|span|a|h[1-6]|br|script|style|link|iframe|font|b)[\s/>]",
    re.IGNORECASE,
)


def not_html(body: bytes, content_type: str | None = None) -> str | None:
    """Why ``body`` is not an HTML page, or None when it may be one.

    >>> not_html(b"%PDF-1.7 ...")
    'not an HTML page: a pdf file (application/pdf)'
    >>> not_html('{"title": "通知"}'.encode())
    'not an HTML page: no HTML markup in it'
    >>> not_html(b"<!DOCTYPE html><html><body><p>\\xe6\\x96\\xb0\\xe9\\x97\\xbb</p></body></html>") is None
    True
    """
    if not body.strip():
        return "empty page"
    kind = filetype.guess(body[:SNIFF_BYTES])
    if kind is not None:
        return f"not an HTML page: a {kind.extension} file ({kind.mime})"
    try:
        text = decode_html(body[:SNIFF_BYTES], content_type)
    except ExtractionError:
        return None  # the extractor says why it cannot read it
    if not _MARKUP.search(text):
        return "not an HTML page: no HTML markup in it"
    return None
