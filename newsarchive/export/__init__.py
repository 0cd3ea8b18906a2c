"""Exports of the archive for people and tools: JSONL, CSV (Excel), Parquet, WARC and WACZ.

Every exporter takes an iterator of rows from the store and a binary stream, and writes
as it reads, so the size of the archive never decides the memory used (WACZ, a zip with
an index, is put together in a temporary folder first).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from newsarchive.store import Archive

FORMATS = ("csv", "jsonl", "parquet", "warc", "wacz")
BINARY_FORMATS = frozenset({"parquet", "warc", "wacz"})
PAGE_FORMATS = frozenset({"warc", "wacz"})  # raw fetches, not extracted articles
# File name endings and the format they mean, longest first.
SUFFIXES = (
    (".warc.gz", "warc"),
    (".ndjson", "jsonl"),
    (".jsonl", "jsonl"),
    (".parquet", "parquet"),
    (".warc", "warc"),
    (".wacz", "wacz"),
    (".csv", "csv"),
)


class ExportError(Exception):
    """An export that cannot be written (a missing optional dependency, a bad format)."""


def format_for(path: Path) -> str | None:
    """The format a file name asks for (``crawl.warc.gz`` → warc), or None."""
    name = path.name.lower()
    return next((fmt for suffix, fmt in SUFFIXES if name.endswith(suffix)), None)


def gzipped_warc(path: Path | None) -> bool:
    """WARC records are gzipped (the usual ``.warc.gz``) unless the file is named ``.warc``."""
    return path is None or not path.name.lower().endswith(".warc")


def export(
    archive: Archive,
    fmt: str,
    out: BinaryIO,
    *,
    portal: str | None = None,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
    compress: bool = True,
    raw: bool = False,
) -> int:
    """Write the matching articles (or, for WARC and WACZ, the stored fetches) to
    ``out``; returns how many articles or fetches were written. ``compress`` gzips WARC
    records; ``raw`` keeps CSV cells byte-exact instead of neutralising formulas."""
    filters = {"portal": portal, "section": section, "since": since, "until": until}
    if fmt == "warc":
        from newsarchive.export.warc import write_warc

        return write_warc(archive.iter_pages(**filters), out, gzip=compress)
    if fmt == "wacz":
        from newsarchive.export.wacz import write_wacz

        # the articles of the exported fetches, whenever they were published
        articles = archive.iter_articles(portal=portal, section=section)
        return write_wacz(archive.iter_pages(**filters), articles, out)
    if fmt == "csv":
        from newsarchive.export.csv import write_csv

        return write_csv(archive.iter_articles(**filters), out, raw=raw)
    if fmt == "jsonl":
        from newsarchive.export.jsonl import write_jsonl as writer
    elif fmt == "parquet":
        from newsarchive.export.parquet import write_parquet as writer
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writer(archive.iter_articles(**filters), out)
