"""Parquet for analysis (pandas, DuckDB, Spark): typed columns, lists as lists, written
in row groups as rows stream in. pyarrow is an optional extra."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

from newsarchive.export import ExportError

ROW_GROUP = 2000


def _schema() -> Any:
    import pyarrow as pa

    text, integer = pa.string(), pa.int64()
    strings = pa.list_(text)
    return pa.schema(
        [
            ("id", integer),
            ("portal", text),
            ("section", text),
            ("canonical_url", text),
            ("url", text),
            ("requested_url", text),
            ("final_url", text),
            ("title", text),
            ("subtitle", text),
            ("published_at", text),
            ("published_at_from", text),
            ("source", text),
            ("authors", strings),
            ("editor", text),
            ("body", text),
            ("body_html", text),
            ("breadcrumb", strings),
            ("prev_url", text),
            ("next_url", text),
            ("images", pa.list_(pa.struct([("src", text), ("caption", text)]))),
            ("attachments", pa.list_(pa.struct([("url", text), ("text", text)]))),
            ("read_count", integer),
            ("story_id", integer),
            ("version", integer),
            ("content_hash", text),
            ("first_seen", text),
            ("last_seen", text),
            ("aliases", strings),
        ]
    )


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_parquet(articles: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError(
            "Parquet export needs pyarrow: pip install 'newsarchive[parquet]'"
        ) from exc
    schema = _schema()
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for chunk in _chunks(articles, ROW_GROUP):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count
