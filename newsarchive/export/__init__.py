"""Exports of the archive for people and tools: JSONL, CSV (Excel), Parquet and WARC.

Every exporter takes an iterator of rows from the store and a binary stream, and writes
as it reads, so the size of the archive never decides the memory used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from newsarchive.store import Archive

FORMATS = ("jsonl", "csv", "parquet", "warc")
BINARY_FORMATS = frozenset({"parquet", "warc"})


class ExportError(Exception):
    """An export that cannot be written (a missing optional dependency, a bad format)."""


def export(
    archive: Archive,
    fmt: str,
    out: BinaryIO,
    *,
    portal: str | None = None,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """Write the matching articles (or, for WARC, the stored fetches) to ``out``; returns
    how many articles or fetches were written."""
    filters = {"portal": portal, "section": section, "since": since, "until": until}
    if fmt == "warc":
        from newsarchive.export.warc import write_warc

        return write_warc(archive.iter_pages(**filters), out)
    if fmt == "jsonl":
        from newsarchive.export.jsonl import write_jsonl as writer
    elif fmt == "csv":
        from newsarchive.export.csv import write_csv as writer
    elif fmt == "parquet":
        from newsarchive.export.parquet import write_parquet as writer
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writer(archive.iter_articles(**filters), out)
