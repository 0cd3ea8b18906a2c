"""CSV for spreadsheets: UTF-8 with a BOM (so Excel reads Chinese), one header row, lists
joined with "; " (images and attachments by their URLs). ``body_html`` is left out: it
is markup nobody reads in a cell and often exceeds Excel's 32,767 characters a cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, BinaryIO

from newsarchive.store.fields import EXPORT_COLUMNS

CSV_COLUMNS = tuple(c for c in EXPORT_COLUMNS if c != "body_html")
LIST_SEPARATOR = "; "
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


def write_csv(articles: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for article in articles:
            writer.writerow([cell(c, article.get(c)) for c in CSV_COLUMNS])
            count += 1
        text.flush()
    finally:
        text.detach()  # leave ``out`` open for the caller
    return count
