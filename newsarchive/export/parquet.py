"""Parquet for analysis (pandas, DuckDB, Spark): typed columns, written in row groups as
rows stream in. pyarrow is an optional extra.

Times are timestamps, not text: ``published_at`` in China time (``Asia/Shanghai``),
``first_seen``/``last_seen`` in UTC (Parquet's millisecond unit, whole seconds). A page
may give only the day of publication, so ``published_at_precision`` says what the
timestamp means: ``day`` is stored as 00:00 China time and means "some time that day";
``minute`` (seconds :00, as most pages show none) and ``second`` are exact; ``month``
and ``year`` start their period. Lists are lists: ``authors``, ``breadcrumb`` and
``aliases`` of strings, ``images`` and ``attachments`` of structs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Any, BinaryIO

from newsarchive.export import ExportError
from newsarchive.store.fields import EXPORT_COLUMNS

ROW_GROUP = 2000
CHINA_ZONE = "Asia/Shanghai"
CHINA = timezone(timedelta(hours=8), CHINA_ZONE)  # no daylight saving since 1991
PRECISION_COLUMN = "published_at_precision"
_ISO = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?)?)?"
)


def _schema() -> Any:
    import pyarrow as pa

    text, integer = pa.string(), pa.int64()
    strings = pa.list_(text)
    types = {
        "id": integer,
        "read_count": integer,
        "story_id": integer,
        "version": integer,
        "published_at": pa.timestamp("ms", tz=CHINA_ZONE),
        "first_seen": pa.timestamp("ms", tz="UTC"),
        "last_seen": pa.timestamp("ms", tz="UTC"),
        "authors": strings,
        "breadcrumb": strings,
        "aliases": strings,
        "images": pa.list_(pa.struct([("src", text), ("caption", text)])),
        "attachments": pa.list_(pa.struct([("url", text), ("text", text)])),
    }
    fields = []
    for column in EXPORT_COLUMNS:
        fields.append((column, types.get(column, text)))
        if column == "published_at":
            fields.append((PRECISION_COLUMN, pa.dictionary(pa.int8(), text)))
    return pa.schema(fields)


def parse_time(value: str | None, default_zone: timezone) -> tuple[datetime | None, str | None]:
    """An ISO 8601 text as (aware datetime at the start of its period, precision).
    A time without a zone is taken in ``default_zone``; what does not parse is None.

    >>> moment, precision = parse_time("2024-04-18", CHINA)
    >>> moment.isoformat(), precision
    ('2024-04-18T00:00:00+08:00', 'day')
    >>> parse_time("2024-04-18T11:12:00+08:00", CHINA)[1]
    'minute'
    """
    match = _ISO.fullmatch(value or "")
    if not match:
        return None, None
    parts = match.groupdict()
    precision = next(
        p for p in ("second", "minute", "day", "month", "year") if parts[p] is not None
    )
    if precision == "second" and parts["second"] == "00":
        precision = "minute"
    zone = default_zone
    if parts["zone"]:
        zone_text = parts["zone"].replace("Z", "+00:00")
        zone = datetime.strptime(zone_text.replace(":", ""), "%z").tzinfo or default_zone
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None, None
    return moment, precision


def typed(row: dict[str, Any]) -> dict[str, Any]:
    """An exported row with its times as datetimes and the publication's precision."""
    published, precision = parse_time(row.get("published_at"), CHINA)
    return {
        **row,
        "published_at": published,
        PRECISION_COLUMN: precision,
        "first_seen": parse_time(row.get("first_seen"), timezone.utc)[0],
        "last_seen": parse_time(row.get("last_seen"), timezone.utc)[0],
    }


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
            writer.write_table(pa.Table.from_pylist([typed(r) for r in chunk], schema=schema))
            count += len(chunk)
    return count
