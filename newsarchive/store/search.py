"""Full-text search in Chinese: every query, from one character up, answered by an index.

Queries are parsed by ``newsarchive.store.query`` and looked up in ``articles_grams``,
the character-bigram index of titles and bodies (``newsarchive.store.grams``), so a
term matches anywhere inside the text, ignoring case, whitespace and ASCII punctuation.

Ranking is BM25 with title hits weighted, over the ``RANK_WINDOW`` most recently archived
matches (highest rowids): a word found in half the archive would otherwise have every
one of its matches scored for each query. Matches beyond the window are still counted;
``--since``/``--until`` narrow the window to older years. Snippets are cut here rather than by FTS5, since the
index keeps no text; they and the highlighted title are display text, without control
characters or escape sequences (``newsarchive.terminal``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from newsarchive.store import grams
from newsarchive.store.query import parse, positive_terms, to_fts
from newsarchive.store.read import ARTICLE_DATE, date_bounds
from newsarchive.terminal import printable

TITLE_WEIGHT = 5.0  # a hit in the title counts five times one in the body
RANK_WINDOW = 2000  # matches scored per query, newest first
SNIPPET_WIDTH = 60


@dataclass
class Results:
    """One page of hits, best first, and how many articles match in all."""

    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)


def highlighter(terms: list[str]) -> re.Pattern[str] | None:
    """A pattern finding each term in original text the way the index matched it."""
    alternatives = [
        grams.IGNORABLE.join(re.escape(ch) for ch in grams.normalize(term)) for term in terms
    ]
    alternatives = sorted(filter(None, alternatives), key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def mark(text: str, pattern: re.Pattern[str] | None, marks: tuple[str, str]) -> str:
    """``text``, printable, with every hit between ``marks``."""
    text = printable(text)
    if pattern is None:
        return text
    return pattern.sub(lambda m: marks[0] + m.group(0) + marks[1], text)


def snippet(text: str | None, pattern: re.Pattern[str] | None, marks: tuple[str, str]) -> str:
    """A window of ``text`` around its first hit, every hit in it marked."""
    text = " ".join(printable(text).split())
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - SNIPPET_WIDTH // 3) if found else 0
    end = start + SNIPPET_WIDTH
    piece = mark(text[start:end], pattern, marks)
    return ("…" if start else "") + piece + ("…" if end < len(text) else "")


_COLUMNS = (
    "a.id, a.portal, a.section, a.title, coalesce(a.final_url, a.requested_url, a.url, "
    "a.canonical_url) AS url, a.canonical_url, a.published_at, a.body"
)
_FROM = "FROM articles_grams g JOIN articles a ON a.id = g.rowid WHERE articles_grams MATCH ?"


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    portal: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    marks: tuple[str, str] = ("[", "]"),
) -> Results:
    """Hits (BM25, title weighted) with highlighted title and snippet, and the number of
    matching articles. Raises ``QueryError`` for a query that cannot be searched."""
    node = parse(query)
    expression = to_fts(node, grams.match_phrase)
    where, args = date_bounds(ARTICLE_DATE, since, until)
    if portal:
        where.append("a.portal = ?")
        args.append(portal)
    filters = "".join(f" AND {w}" for w in where)
    params = [expression, *args]
    if where:
        total = conn.execute(f"SELECT count(*) {_FROM}{filters}", params).fetchone()[0]
    else:  # no join needed to count
        total = conn.execute(
            "SELECT count(*) FROM articles_grams WHERE articles_grams MATCH ?", [expression]
        ).fetchone()[0]
    if not total:
        return Results(0)
    oldest = conn.execute(
        f"SELECT g.rowid {_FROM}{filters} ORDER BY g.rowid DESC LIMIT 1 OFFSET ?",
        [*params, RANK_WINDOW - 1],
    ).fetchone()
    window = " AND g.rowid >= ?" if oldest else ""
    rows = conn.execute(
        f"SELECT {_COLUMNS}, bm25(articles_grams, {TITLE_WEIGHT}, 1.0) AS score "
        f"{_FROM}{filters}{window} ORDER BY score LIMIT ?",
        [*params, *([oldest[0]] if oldest else []), limit],
    )
    pattern = highlighter(positive_terms(node))
    hits = []
    for row in rows:
        hit = dict(row)
        body = hit.pop("body")
        hit["title_highlighted"] = mark(hit["title"] or "", pattern, marks)
        hit["snippet"] = snippet(body, pattern, marks)
        hits.append(hit)
    return Results(total, hits)
