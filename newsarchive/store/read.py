"""Streaming reads for exports: rows come one by one from a cursor, never all at once."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from newsarchive.store.fields import EXPORT_COLUMNS, JSON_COLUMNS

# When an article happened: its publication date, else when the archive first saw it.
ARTICLE_DATE = "coalesce(a.published_at, a.first_seen)"


def _period_end(until: str) -> str | None:
    """The first instant after a bare year, month or day, else None."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", until)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if day is not None:
        return (date(year, month, day) + timedelta(days=1)).isoformat()
    if month is not None:
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return f"{year + 1:04d}"


def date_bounds(expr: str, since: str | None, until: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions for ``since <= expr <= until`` on ISO text. A bare year, month or
    day as ``until`` includes all of it (``2024-05-01T18:00+08:00`` sorts after
    ``2024-05-01``, so a plain text comparison would drop that day)."""
    where: list[str] = []
    args: list[str] = []
    if since:
        where.append(f"{expr} >= ?")
        args.append(since)
    if until:
        end = _period_end(until)
        where.append(f"{expr} < ?" if end else f"{expr} <= ?")
        args.append(end or until)
    return where, args


def decode_json(row: dict[str, Any], columns: Iterable[str] = JSON_COLUMNS) -> dict[str, Any]:
    """JSON text columns back to Python values."""
    for column in columns:
        value = row.get(column)
        if isinstance(value, str):
            row[column] = json.loads(value)
    return row


def article_filters(
    portal: str | None = None,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[str, list[Any]]:
    """WHERE clause (possibly empty) and its parameters over ``articles a``."""
    where, args = date_bounds(ARTICLE_DATE, since, until)
    if portal:
        where.append("a.portal = ?")
        args.append(portal)
    if section:
        where.append("a.section = ?")
        args.append(section)
    return (" WHERE " + " AND ".join(where)) if where else "", args


_ARTICLE_SELECT = (
    "SELECT "
    + ", ".join(f"a.{c}" for c in EXPORT_COLUMNS if c != "aliases")
    + ", (SELECT json_group_array(al.url) FROM article_aliases al WHERE al.article_id = a.id)"
    " AS aliases FROM articles a"
)


def iter_articles(
    conn: sqlite3.Connection,
    *,
    portal: str | None = None,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Every export column of the matching articles, oldest row first."""
    where, args = article_filters(portal, section, since, until)
    cursor = conn.execute(_ARTICLE_SELECT + where + " ORDER BY a.id", args)
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield decode_json(dict(zip(columns, row, strict=True)), (*JSON_COLUMNS, "aliases"))


def article_record(conn: sqlite3.Connection, portal: str, canonical: str) -> dict[str, Any] | None:
    """The export columns of the portal's article at a canonical URL (its own or an alias's)."""
    cursor = conn.execute(
        _ARTICLE_SELECT + " WHERE a.portal = ? AND (a.canonical_url = ? OR a.id IN "
        "(SELECT article_id FROM article_aliases WHERE canonical_url = ?))",
        (portal, canonical, canonical),
    )
    columns = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return decode_json(dict(zip(columns, row, strict=True)), (*JSON_COLUMNS, "aliases")) if row else None


_PAGE_COLUMNS = (
    "id",
    "run_id",
    "portal",
    "method",
    "url",
    "final_url",
    "status",
    "protocol",
    "headers",
    "request_headers",
    "request_body",
    "fetched_at",
    "sha256",
    "size",
    "article_id",
)


def iter_pages(
    conn: sqlite3.Connection,
    *,
    portal: str | None = None,
    section: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stored fetches in fetch order with their raw bodies; dates filter the fetch time
    and ``section`` keeps the pages of that section's articles."""
    where, args = date_bounds("p.fetched_at", since, until)
    if portal:
        where.append("p.portal = ?")
        args.append(portal)
    if section:
        where.append("p.article_id IN (SELECT id FROM articles WHERE section = ?)")
        args.append(section)
    sql = (
        "SELECT "
        + ", ".join(f"p.{c}" for c in _PAGE_COLUMNS)
        + ", b.body FROM pages p JOIN page_bodies b ON b.sha256 = p.sha256"
        + ((" WHERE " + " AND ".join(where)) if where else "")
        + " ORDER BY p.id"
    )
    cursor = conn.execute(sql, args)
    for row in cursor:
        page = dict(zip((*_PAGE_COLUMNS, "body"), row, strict=True))
        page["body"] = zlib.decompress(page["body"])
        yield decode_json(page, ("headers", "request_headers"))
