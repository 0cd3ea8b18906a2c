"""The crawl frontier: what a crawl has set out to fetch, and what became of it.

Completeness is a fact the archive stores rather than a guess a crawl makes: every
request the crawler decides to make is a row, and a fetched page's outcome is written
in the same transaction as the page (and its article) together with the requests it
led to. After a kill at any instant the ``pending`` rows are exactly the work left, so
the next run, plain or ``--resume``, finishes it.

A row is one request (``key``: see ``request_key``) in one of three states:

- ``pending``: to be fetched (again, after a transient failure: ``attempts`` counts);
- ``done``: fetched, with its ``outcome`` (``article``, ``list``, ``not_article``,
  ``http_404`` …); an article is never fetched again unless asked for (``--full``,
  ``--recheck``);
- ``deferred``: not fetched on purpose because a bound stopped the walk there (``reason``:
  ``since``, ``max_pages``, ``page_cap``, ``chain_cap``, ``section_cap``; ``bound``: the
  value that applied); a later run without that bound takes it up.

List pages belong to a *walk*, one pass over a section (``walk``: a token that grows with
time). A new walk reads a section's list pages again, so a list row counts as done only
for the walk that read it. The ``walks`` view derives each section's status from its
rows: ``unfinished`` while anything is pending, else ``bounded`` or ``complete``.

Entries travel as plain dicts (they cross Redis in distributed crawls)::

    {"key", "url", "method", "body", "role", "section", "walk", "page_no", "depth",
     "incremental", "context"}  (+ "reason", "bound" when deferred)

``context`` holds what reading the page needs from the page before it (a Hanweb data
proxy's answers may not repeat the column's record count).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from newsarchive.store.fields import dumps, utc_iso
from newsarchive.urls import request_key

# A page that failed for a reason that may pass (a timeout, a 5xx after Scrapy's own
# retries, a reset) is asked for again by this many runs before it counts as failed.
MAX_ATTEMPTS = 3

_COLUMNS = ("key", "url", "method", "body", "role", "section", "walk", "page_no", "depth", "incremental", "context")

# A child becomes pending unless it is already done (or pending); a deferred row is taken
# up, and a list page read by an earlier walk is read again by this one.
_ADD_CHILD = (
    "INSERT INTO frontier (portal, key, url, method, body, role, section, walk, page_no, depth, "
    "incremental, context, state, found_run, updated_at) VALUES (:portal, :key, :url, :method, "
    ":body, :role, :section, :walk, :page_no, :depth, :incremental, :context, 'pending', :run, :now) "
    "ON CONFLICT (portal, key) DO UPDATE SET state = 'pending', walk = excluded.walk, "
    "page_no = excluded.page_no, depth = excluded.depth, incremental = excluded.incremental, "
    "context = excluded.context, "
    "reason = NULL, bound = NULL, attempts = 0, updated_at = excluded.updated_at "
    "WHERE frontier.state = 'deferred' OR (frontier.role = 'list' AND excluded.role = 'list' "
    "AND frontier.walk < excluded.walk)"
)
# A deferred child never overrides work that is pending or done.
_ADD_DEFERRED = (
    "INSERT INTO frontier (portal, key, url, method, body, role, section, walk, page_no, depth, "
    "incremental, context, state, reason, bound, found_run, updated_at) VALUES (:portal, :key, "
    ":url, :method, :body, :role, :section, :walk, :page_no, :depth, :incremental, :context, "
    "'deferred', :reason, :bound, :run, :now) "
    "ON CONFLICT (portal, key) DO UPDATE SET state = 'deferred', walk = excluded.walk, "
    "page_no = excluded.page_no, depth = excluded.depth, reason = excluded.reason, "
    "bound = excluded.bound, updated_at = excluded.updated_at "
    "WHERE frontier.state = 'deferred' OR (frontier.role = 'list' AND excluded.role = 'list' "
    "AND frontier.walk < excluded.walk AND frontier.state = 'done')"
)
_SETTLE = (
    "INSERT INTO frontier (portal, key, url, method, body, role, section, walk, page_no, depth, "
    "incremental, context, state, outcome, reason, bound, attempts, found_run, done_run, "
    "updated_at) VALUES (:portal, :key, :url, :method, :body, :role, :section, :walk, :page_no, "
    ":depth, :incremental, :context, :state, :outcome, :reason, :bound, :attempts, :run, :run, "
    ":now) "
    "ON CONFLICT (portal, key) DO UPDATE SET state = excluded.state, outcome = excluded.outcome, "
    "reason = excluded.reason, bound = excluded.bound, walk = max(frontier.walk, excluded.walk), "
    "attempts = CASE WHEN excluded.attempts > 0 THEN frontier.attempts + 1 ELSE 0 END, "
    "done_run = excluded.done_run, updated_at = excluded.updated_at"
)


def _row(portal: str, entry: dict[str, Any], run_id: int | None, now: str) -> dict[str, Any]:
    row = {column: entry.get(column) for column in _COLUMNS}
    row["method"] = row["method"] or "GET"
    row["walk"] = row["walk"] or 0
    row["depth"] = row["depth"] or 0
    row["incremental"] = int(bool(row["incremental"]))
    row["context"] = dumps(row["context"]) if row["context"] else None
    return {**row, "portal": portal, "run": run_id, "now": now}


def record_visit(conn: sqlite3.Connection, visit: dict[str, Any], run_id: int | None) -> None:
    """Write what a crawl learned from one fetch; the caller holds the transaction that
    also stores the fetch itself.

    ``visit``: ``portal``; ``entry`` (the request that was fetched, or None for requests
    that come from no page); ``outcome``; ``retry`` (a failure that may pass);
    ``deferred_by`` (the entry itself was put off: ``{"reason", "bound"}``); ``children``
    and ``deferred`` (entries it led to); ``redirected_to`` (URLs the request was
    redirected through and to); ``section_name`` (a section's display name).
    """
    portal, now = visit["portal"], utc_iso()
    entry = visit.get("entry")
    if entry is not None:
        row = _row(portal, entry, run_id, now)
        put_off = visit.get("deferred_by")
        if put_off:
            row.update(state="deferred", reason=put_off["reason"], bound=put_off.get("bound"), attempts=0)
        elif visit.get("retry"):
            (attempts,) = conn.execute(
                "SELECT coalesce(max(attempts), 0) FROM frontier WHERE portal = ? AND key = ?",
                (portal, row["key"]),
            ).fetchone()
            state = "pending" if attempts + 1 < MAX_ATTEMPTS else "done"
            row.update(state=state, reason=None, bound=None, attempts=1)
        else:
            row.update(state="done", reason=None, bound=None, attempts=0)
        row["outcome"] = visit.get("outcome")
        conn.execute(_SETTLE, row)
        # A redirect's hops and target were fetched by this same request: a link straight
        # to them is the same page, already settled.
        for url in visit.get("redirected_to") or ():
            conn.execute(_SETTLE, {**row, "key": request_key(url), "url": url, "method": "GET", "body": None})
    children = [_row(portal, child, run_id, now) for child in visit.get("children") or ()]
    if children:
        conn.executemany(_ADD_CHILD, children)
    deferred = [
        {**_row(portal, child, run_id, now), "reason": child.get("reason"), "bound": child.get("bound")}
        for child in visit.get("deferred") or ()
    ]
    if deferred:
        conn.executemany(_ADD_DEFERRED, deferred)
    name = visit.get("section_name")
    if name and entry is not None:
        conn.execute(
            "INSERT INTO walk_sections (portal, section, name) VALUES (?, ?, ?) "
            "ON CONFLICT (portal, section) DO UPDATE SET name = excluded.name",
            (portal, entry["section"], name),
        )


def open_entries(conn: sqlite3.Connection, portal: str) -> list[dict[str, Any]]:
    """Pending and deferred rows of a portal, oldest walk first, list pages before
    articles (so a resumed walk pages on while its articles are fetched)."""
    rows = conn.execute(
        f"SELECT {', '.join(_COLUMNS)}, state, reason, bound, attempts FROM frontier "
        "WHERE portal = ? AND state != 'done' ORDER BY walk, role != 'list', page_no",
        (portal,),
    )
    entries = list(_named(rows))
    for entry in entries:
        entry["context"] = json.loads(entry["context"]) if entry["context"] else None
    return entries


def _named(cursor: sqlite3.Cursor) -> Iterable[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def walk_states(conn: sqlite3.Connection, portal: str) -> dict[str, dict[str, Any]]:
    """Each section's walk (``walks`` view): status, reason, pending, deferred, walk."""
    cursor = conn.execute(
        "SELECT section, name, status, reason, pending, deferred, walk, updated_at FROM walks "
        "WHERE portal = ?",
        (portal,),
    )
    return {row["section"]: row for row in _named(cursor)}


def lists_read(conn: sqlite3.Connection, portal: str, walks: dict[str, int]) -> set[str]:
    """Keys of the list pages already read by each section's current walk."""
    read: set[str] = set()
    for section, walk in walks.items():
        read.update(
            key for (key,) in conn.execute(
                "SELECT key FROM frontier WHERE portal = ? AND section = ? AND walk = ? "
                "AND role = 'list' AND state = 'done'",
                (portal, section, walk),
            )
        )
    return read


def settled(conn: sqlite3.Connection, portal: str) -> dict[str, str]:
    """Keys of fetched pages that are not list pages, with their outcome: an incremental
    crawl does not ask for them again (articles, 404s, pages that are not articles)."""
    return dict(
        conn.execute(
            "SELECT key, outcome FROM frontier WHERE portal = ? AND state = 'done' AND role != 'list'",
            (portal,),
        ).fetchall()
    )


def section_names(conn: sqlite3.Connection, portal: str) -> dict[str, str]:
    """Display names that sections took from their first list pages."""
    return dict(
        conn.execute("SELECT section, name FROM walk_sections WHERE portal = ?", (portal,)).fetchall()
    )
