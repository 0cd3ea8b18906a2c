"""Datasette plugin loaded by ``newsarchive serve``: its search box speaks the archive's
query language over the grams index.

Datasette searches a table with ``… WHERE fts MATCH escape_fts(:search)``. Its own
``escape_fts`` quotes each word as one FTS5 token, which the grams index never holds for
a word of 3+ characters; this one writes the query as ``newsarchive search`` does
(bigram phrases, OR, NOT, "phrases"). It is registered last (``trylast``), so it
replaces Datasette's on each connection of the served archive. A query that cannot be
searched is answered with 400 and the reason, as ``newsarchive search`` gives it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import BadRequest

from newsarchive.store import grams
from newsarchive.store.query import QueryError, parse, to_fts


def fts_expression(search: str) -> str:
    """The grams-index MATCH expression for a search box entry (QueryError if unusable)."""
    return to_fts(parse(search), grams.match_phrase)


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, fts_expression, deterministic=True)


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> None:
    """Refuse an unsearchable ``_search`` with its reason before the SQL runs."""
    search = request.args.get("_search")
    if search is None or request.args.get("_searchmode") == "raw":
        return
    try:
        fts_expression(search)
    except QueryError as exc:
        raise BadRequest(f"cannot search {search!r}: {exc}") from exc
