"""CSV for spreadsheets: UTF-8 with a BOM (so Excel reads Chinese), one header row, lists
joined with "; " (images and attachments by their URLs). ``body_html`` is left out: it
is markup nobody reads in a cell and often exceeds Excel's 32,767 characters a cell.

Text a spreadsheet would run as a formula (a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading ``'``, as OWASP advises against CSV
injection: a crafted headline must not run in the reader's Excel. ``raw`` writes every
cell byte-exact instead, for programs that read the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, BinaryIO

from newsarchive.store.fields import EXPORT_COLUMNS

CSV_COLUMNS = tuple(c for c in EXPORT_COLUMNS if c != "body_html")
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ITEM_KEY = {"images": "src", "attachments": "url"}


def cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        key = _ITEM_KEY.get(column)
        return LIST_SEPARATOR.join(
            str(item.get(key, "")) if key and isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def neutralised(value: Any, text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula. Numbers
    from the archive (ids, counts) stay numbers: ``-5`` computes nothing."""
    if isinstance(value, (int, float)) or not text.startswith(FORMULA_STARTS):
        return text
    return "'" + text


def write_csv(articles: Iterable[dict[str, Any]], out: BinaryIO, *, raw: bool = False) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for article in articles:
            values = [(article.get(c), cell(c, article.get(c))) for c in CSV_COLUMNS]
            writer.writerow(s if raw else neutralised(v, s) for v, s in values)
            count += 1
        text.flush()
    finally:
        text.detach()  # leave ``out`` open for the caller
    return count
