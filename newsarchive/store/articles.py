"""Deduplicating upsert of extracted articles: which row an article belongs to, and what
changes when it is seen again.

- Same page, other spelling: every URL of a fetch (requested, final, the extractor's) is
  canonicalized and looked up among rows and aliases of the portal.
- Same article, other URL, same portal: same normalized title and a near-identical body
  (SimHash within ``MAX_DISTANCE``, or identical text for bodies too short to
  fingerprint) makes the new URL an alias; fetches through such an alias only confirm
  the row, whose text follows its own URL.
- Same story, other portal: a near-duplicate body found through the SimHash band index
  gives the new row the existing ``story_id``; both rows stay.
- Seen again: a change in a content column keeps the old version in article_versions;
  otherwise only last_seen and the volatile columns move.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from newsarchive.store.bounds import bounded_fields
from newsarchive.store.fields import (
    EXTRACTED_COLUMNS,
    VOLATILE_COLUMNS,
    article_columns,
    content_hash,
    dumps,
    title_key,
)
from newsarchive.store.simhash import (
    MAX_DISTANCE,
    band_keys,
    distance,
    normalize_text,
    simhash,
    to_signed,
)
from newsarchive.urls import canonical_url

_ROW = "SELECT id, canonical_url, content_hash, simhash FROM articles "

INSERT = (
    "INSERT INTO articles (portal, section, canonical_url, requested_url, final_url, "
    + ", ".join(EXTRACTED_COLUMNS)
    + ", extra, content_hash, title_key, simhash, story_id, first_seen, last_seen, "
    "version_since, page_id, run_id) VALUES (:portal, :section, :canonical_url, "
    ":requested_url, :final_url, "
    + ", ".join(f":{c}" for c in EXTRACTED_COLUMNS)
    + ", :extra, :content_hash, :title_key, :simhash, :story_id, :seen, :seen, :seen, "
    ":page_id, :run_id)"
)
_VERSION = (
    "INSERT INTO article_versions (article_id, version, "
    + ", ".join(EXTRACTED_COLUMNS)
    + ", content_hash, page_id, run_id, seen_from, seen_until, replaced_at) "
    "SELECT id, version, "
    + ", ".join(EXTRACTED_COLUMNS)
    + ", content_hash, page_id, run_id, version_since, last_seen, :seen "
    "FROM articles WHERE id = :id"
)
_UPDATE = (
    "UPDATE articles SET "
    + ", ".join(f"{c} = :{c}" for c in EXTRACTED_COLUMNS)
    + ", extra = :extra, content_hash = :content_hash, title_key = :title_key, "
    "simhash = :simhash, version = version + 1, version_since = :seen, "
    "last_seen = max(last_seen, :seen), page_id = coalesce(:page_id, page_id), "
    "run_id = coalesce(:run_id, run_id), section = coalesce(section, :section), "
    "requested_url = coalesce(:requested_url, requested_url), "
    "final_url = coalesce(:final_url, final_url) WHERE id = :id"
)
_TOUCH = (
    "UPDATE articles SET "
    + ", ".join(f"{c} = :{c}" for c in VOLATILE_COLUMNS)
    + ", last_seen = max(last_seen, :seen), page_id = coalesce(:page_id, page_id), "
    "run_id = coalesce(:run_id, run_id), section = coalesce(section, :section) "
    "WHERE id = :id"
)


def prepare(article: dict[str, Any], **context: Any) -> dict[str, Any]:
    """Column values of an article plus its derived keys and the fetch ``context``
    (portal, section, requested_url, final_url, page_id, run_id, seen), every value made
    fit for the archive first (see ``newsarchive.store.bounds``)."""
    where = article.get("url") or context.get("final_url") or context.get("requested_url") or "?"
    values, extra = article_columns(bounded_fields(article, where))
    fingerprint = simhash(values["body"])
    return {
        **values,
        **bounded_fields(context, where),
        "extra": dumps(extra) if extra else None,
        "content_hash": content_hash(values),
        "title_key": title_key(values["title"]),
        "simhash": None if fingerprint is None else to_signed(fingerprint),
    }


def upsert(conn: sqlite3.Connection, fields: dict[str, Any], urls: list[str]) -> tuple[str, int]:
    """Store prepared ``fields`` fetched under ``urls`` (first = the page's own URL).
    Returns the outcome and the row id; the caller holds a transaction."""
    portal, seen = fields["portal"], fields["seen"]
    row, via_content = find(conn, portal, urls)
    if row is not None and not via_content:
        outcome, reason = _refresh(conn, row, fields), "redirect"
    else:
        # A row's content follows its own URL; a near-identical copy under another URL
        # (now or when first seen) only confirms the row is still there. Letting the copy
        # rewrite the row would flip it between the two texts on every crawl.
        row = row if row is not None else _same_content(conn, portal, fields)
        if row is None:
            row = _insert(conn, canonical_url(urls[0]), fields)
            outcome, reason = "new", "redirect"
        else:
            outcome, reason = "alias", "content"
            conn.execute(
                "UPDATE articles SET last_seen = max(last_seen, ?), "
                "run_id = coalesce(?, run_id) WHERE id = ?",
                (seen, fields["run_id"], row["id"]),
            )
    _add_aliases(conn, row["id"], row["canonical_url"], urls, reason, seen)
    if fields["page_id"] is not None:
        conn.execute("UPDATE pages SET article_id = ? WHERE id = ?", (row["id"], fields["page_id"]))
    return outcome, int(row["id"])


def find(conn: sqlite3.Connection, portal: str, urls: list[str]) -> tuple[sqlite3.Row | None, bool]:
    """The portal's row for any of ``urls``, by canonical URL or alias, and whether it
    was found through an alias made for same content under another URL."""
    for key in dict.fromkeys(canonical_url(u) for u in urls):
        row = conn.execute(
            _ROW + "WHERE canonical_url = ? AND portal = ?", (key, portal)
        ).fetchone()
        if row is not None:
            return row, False
        alias = conn.execute(
            "SELECT al.article_id, al.reason FROM article_aliases al JOIN articles a "
            "ON a.id = al.article_id WHERE al.canonical_url = ? AND a.portal = ? "
            "ORDER BY al.reason = 'content' LIMIT 1",
            (key, portal),
        ).fetchone()
        if alias is not None:
            row = conn.execute(_ROW + "WHERE id = ?", (alias["article_id"],)).fetchone()
            return row, alias["reason"] == "content"
    return None, False


def article_id(conn: sqlite3.Connection, url: str) -> int | None:
    """Any portal's row for ``url``, by canonical URL or alias."""
    key = canonical_url(url)
    row = conn.execute(
        "SELECT id FROM articles WHERE canonical_url = ? UNION ALL "
        "SELECT article_id FROM article_aliases WHERE canonical_url = ? LIMIT 1",
        (key, key),
    ).fetchone()
    return int(row[0]) if row else None


def _same_content(
    conn: sqlite3.Connection, portal: str, fields: dict[str, Any]
) -> sqlite3.Row | None:
    """A row of this portal with the same normalized title and a near-identical body."""
    if not fields["title_key"] or not normalize_text(fields["body"]):
        return None
    mine = fields["simhash"]
    for row in conn.execute(
        _ROW + "WHERE portal = ? AND title_key = ?", (portal, fields["title_key"])
    ).fetchall():
        theirs = row["simhash"]
        if mine is not None and theirs is not None:
            if distance(mine, theirs) <= MAX_DISTANCE:
                return row
        elif mine is None and theirs is None:  # short bodies: only an exact match
            (body,) = conn.execute(
                "SELECT body FROM articles WHERE id = ?", (row["id"],)
            ).fetchone()
            if normalize_text(body) == normalize_text(fields["body"]):
                return row
    return None


def story_of(conn: sqlite3.Connection, fingerprint: int | None) -> int | None:
    """The story of the nearest near-duplicate body, found through the band index."""
    if fingerprint is None:
        return None
    best: tuple[int, int] | None = None
    for other, story in conn.execute(
        "SELECT a.simhash, a.story_id FROM simhash_bands b JOIN articles a "
        "ON a.id = b.article_id WHERE b.key IN (?, ?, ?, ?)",
        band_keys(fingerprint),
    ):
        gap = distance(fingerprint, other)
        if gap <= MAX_DISTANCE and (best is None or (gap, story) < best):
            best = (gap, story)
    return best[1] if best else None


def _insert(conn: sqlite3.Connection, canonical: str, fields: dict[str, Any]) -> dict[str, Any]:
    story = story_of(conn, fields["simhash"])
    cursor = conn.execute(INSERT, {**fields, "canonical_url": canonical, "story_id": story})
    new_id = int(cursor.lastrowid or 0)
    if story is None:
        conn.execute("UPDATE articles SET story_id = id WHERE id = ?", (new_id,))
    index_fingerprint(conn, new_id, None, fields["simhash"])
    return {"id": new_id, "canonical_url": canonical}


def index_fingerprint(
    conn: sqlite3.Connection, row_id: int, old: int | None, new: int | None
) -> None:
    """Keep the band index in step with a row's fingerprint."""
    if old == new:
        return
    if old is not None:
        conn.executemany(
            "DELETE FROM simhash_bands WHERE key = ? AND article_id = ?",
            [(key, row_id) for key in band_keys(old)],
        )
    if new is not None:
        conn.executemany(
            "INSERT OR IGNORE INTO simhash_bands (key, article_id) VALUES (?, ?)",
            [(key, row_id) for key in band_keys(new)],
        )


def _refresh(conn: sqlite3.Connection, row: sqlite3.Row, fields: dict[str, Any]) -> str:
    params = {**fields, "id": row["id"]}
    if row["content_hash"] == fields["content_hash"]:
        conn.execute(_TOUCH, params)
        return "unchanged"
    conn.execute(_VERSION, params)
    conn.execute(_UPDATE, params)
    index_fingerprint(conn, row["id"], row["simhash"], fields["simhash"])
    return "updated"


def _add_aliases(
    conn: sqlite3.Connection, row_id: int, canonical: str, urls: list[str], reason: str, seen: str
) -> None:
    for url in urls:
        if url == canonical:
            continue
        key = canonical_url(url)
        conn.execute(
            "INSERT OR IGNORE INTO article_aliases "
            "(article_id, url, canonical_url, reason, first_seen) VALUES (?, ?, ?, ?, ?)",
            (row_id, url, key, "variant" if key == canonical else reason, seen),
        )
