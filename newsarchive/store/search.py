"""Full-text search in Chinese over the trigram FTS5 index of titles and bodies.

A trigram index finds any substring of 3 or more characters; shorter terms (most Chinese
words have 2 characters) cannot be looked up in it, so they are matched with LIKE over
the articles instead, which reads every row: correct, but slower on a large archive.
User text never reaches FTS5 as syntax: each term becomes a quoted phrase.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from newsarchive.store.read import ARTICLE_DATE, date_bounds

MIN_INDEXED = 3  # the trigram tokenizer's shortest searchable term
SNIPPET_TOKENS = 40  # one trigram token per character
TITLE_WEIGHT = 5.0  # a hit in the title counts five times one in the body


def terms(query: str) -> list[str]:
    return query.split()


def short_terms(query: str) -> list[str]:
    """Terms the index cannot serve (matched by a scan instead)."""
    return [t for t in terms(query) if len(t) < MIN_INDEXED]


def fts_phrase(term: str) -> str:
    """``term`` as an FTS5 string: quotes doubled, so operators and quotes are plain text."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _snippet(text: str | None, words: list[str], marks: tuple[str, str], width: int = 60) -> str:
    """A window of ``text`` around the first hit with every hit marked (for LIKE hits)."""
    text = " ".join((text or "").split())
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    found = pattern.search(text)
    start = max(0, found.start() - width // 3) if found else 0
    piece = text[start : start + width]
    piece = pattern.sub(lambda m: marks[0] + m.group(0) + marks[1], piece)
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


_COLUMNS = (
    "a.id, a.portal, a.section, a.title, coalesce(a.final_url, a.requested_url, a.url, "
    "a.canonical_url) AS url, a.canonical_url, a.published_at"
)


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    portal: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    marks: tuple[str, str] = ("[", "]"),
) -> list[dict[str, Any]]:
    """Hits best first (BM25, title weighted) with a highlighted snippet; ``match`` says
    whether the index ("fts") or a scan ("like") found them."""
    words = terms(query)
    if not words:
        return []
    where, args = date_bounds(ARTICLE_DATE, since, until)
    if portal:
        where.append("a.portal = ?")
        args.append(portal)
    short = short_terms(query)
    for word in short:
        where.append("(a.title LIKE ? ESCAPE '\\' OR a.body LIKE ? ESCAPE '\\')")
        args += [like_pattern(word)] * 2
    indexed = [w for w in words if w not in short]
    if indexed:
        sql = (
            f"SELECT {_COLUMNS}, highlight(articles_fts, 0, ?, ?) AS title_highlighted, "
            f"snippet(articles_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet, "
            f"bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS score "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ?"
            + "".join(f" AND {w}" for w in where)
            + " ORDER BY score LIMIT ?"
        )
        params = [*marks, *marks, " ".join(fts_phrase(w) for w in indexed), *args, limit]
        hits = [dict(row) for row in conn.execute(sql, params)]
        for hit in hits:
            hit["snippet"] = " ".join(hit["snippet"].split())
            hit["match"] = "fts"
        return hits
    sql = (
        f"SELECT {_COLUMNS}, a.body FROM articles a WHERE "
        + " AND ".join(where)
        + f" ORDER BY {ARTICLE_DATE} DESC LIMIT ?"
    )
    hits = []
    for row in conn.execute(sql, [*args, limit]):
        hit = dict(row)
        body = hit.pop("body")
        hit["title_highlighted"] = _snippet(
            hit["title"], words, marks, width=len(hit["title"] or "")
        )
        hit["snippet"] = _snippet(body, words, marks)
        hit["score"] = None
        hit["match"] = "like"
        hits.append(hit)
    return hits
