"""Raw fetches and downloaded files, kept byte for byte as received.

Page bodies are content-addressed (``page_bodies`` by sha256, zlib-compressed): a page
re-fetched unchanged by a later run costs one small ``pages`` row, not another copy.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable
from typing import Any

from newsarchive.store.fields import dumps

Headers = Iterable[tuple[Any, Any]] | dict[Any, Any] | None


def header_pairs(headers: Headers) -> list[list[str]]:
    """Headers as an ordered list of [name, value] text pairs; accepts pairs, dicts and
    Scrapy ``Headers`` (bytes keys, lists of bytes values). Bytes decode as Latin-1,
    which maps every byte to one character and back, so nothing received is lost."""
    if not headers:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    pairs: list[list[str]] = []
    for name, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend([_text(name), _text(one)] for one in values)
    return pairs


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def insert_page(conn: sqlite3.Connection, page: dict[str, Any], body: bytes) -> int:
    """Store a fetch (``page`` holds the pages columns but sha256/size); the caller holds a
    transaction."""
    digest = hashlib.sha256(body).hexdigest()
    if conn.execute("SELECT 1 FROM page_bodies WHERE sha256 = ?", (digest,)).fetchone() is None:
        conn.execute(
            "INSERT INTO page_bodies (sha256, size, body) VALUES (?, ?, ?)",
            (digest, len(body), zlib.compress(body)),
        )
    row = {
        **page,
        "headers": dumps(header_pairs(page["headers"])),
        "request_headers": (
            dumps(header_pairs(page["request_headers"])) if page["request_headers"] else None
        ),
        "sha256": digest,
        "size": len(body),
    }
    cursor = conn.execute(
        "INSERT INTO pages (run_id, portal, method, url, final_url, status, protocol, headers, "
        "request_headers, request_body, fetched_at, sha256, size, part_of, part) VALUES (:run_id, "
        ":portal, :method, :url, :final_url, :status, :protocol, :headers, :request_headers, "
        ":request_body, :fetched_at, :sha256, :size, :part_of, :part)",
        {"part_of": None, "part": None, **row},
    )
    return int(cursor.lastrowid or 0)


def page_body(conn: sqlite3.Connection, page_id: int) -> bytes | None:
    row = conn.execute(
        "SELECT b.body FROM pages p JOIN page_bodies b ON b.sha256 = p.sha256 WHERE p.id = ?",
        (page_id,),
    ).fetchone()
    return zlib.decompress(row[0]) if row else None


def insert_attachment(conn: sqlite3.Connection, attachment: dict[str, Any], body: bytes) -> int:
    """Store a downloaded file once per (url, bytes); returns its id."""
    digest = hashlib.sha256(body).hexdigest()
    conn.execute(
        "INSERT OR IGNORE INTO attachments (article_id, article_url, url, content_type, size, "
        "sha256, body, fetched_at) VALUES (:article_id, :article_url, :url, :content_type, "
        ":size, :sha256, :body, :fetched_at)",
        {**attachment, "size": len(body), "sha256": digest, "body": body},
    )
    row = conn.execute(
        "SELECT id FROM attachments WHERE url = ? AND sha256 = ?", (attachment["url"], digest)
    ).fetchone()
    return int(row[0])
