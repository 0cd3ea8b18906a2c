"""What is in the archive, per portal and section, and whether a portal's pages changed.

A portal whose template changes does not fail loudly: its articles simply come back
without a date or a source. Each run therefore records, per portal, how many of the
articles it stored had each field (``run_coverage``); a share that falls sharply against
the portal's previous run is flagged.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

# "Has this field" for each field whose coverage is watched; one definition for both the
# per-run record and the archive-wide statistics.
PRESENT = {
    "title": "coalesce(title, '') != ''",
    "date": "coalesce(published_at, '') != ''",
    "source": "coalesce(source, '') != ''",
    "authors": "coalesce(authors, '[]') != '[]'",
    "body": "coalesce(body, '') != ''",
}
DROP = 0.2  # a fall of 20 points in a field's share is not noise
MIN_ARTICLES = 5  # runs with fewer articles say too little to compare


def record_coverage(conn: sqlite3.Connection, run_id: int) -> None:
    """Store, per portal, the field counts of the articles this run stored or saw."""
    sums = ", ".join(f"sum({expr})" for expr in PRESENT.values())
    conn.execute(
        "INSERT OR REPLACE INTO run_coverage (run_id, portal, articles, "
        + ", ".join(f"with_{name}" for name in PRESENT)
        + f") SELECT ?, portal, count(*), {sums} FROM articles WHERE run_id = ? GROUP BY portal",
        (run_id, run_id),
    )


def _shares(row: sqlite3.Row) -> dict[str, float]:
    total = row["articles"] or 0
    return {name: (row[f"with_{name}"] or 0) / total if total else 0.0 for name in PRESENT}


def coverage_drops(conn: sqlite3.Connection, portal: str) -> dict[str, tuple[float, float]]:
    """Fields whose share fell by DROP or more from the portal's previous run to its last:
    ``{field: (previous share, last share)}``."""
    rows = conn.execute(
        "SELECT * FROM run_coverage WHERE portal = ? AND articles >= ? ORDER BY run_id DESC "
        "LIMIT 2",
        (portal, MIN_ARTICLES),
    ).fetchall()
    if len(rows) < 2:
        return {}
    last, previous = _shares(rows[0]), _shares(rows[1])
    return {
        name: (previous[name], last[name])
        for name in PRESENT
        if previous[name] - last[name] >= DROP
    }


# The runs of a portal: those that stored its articles, or were given its name.
_RUNS_OF_PORTAL = (
    "(r.id IN (SELECT run_id FROM run_coverage WHERE portal = :portal) "
    "OR EXISTS (SELECT 1 FROM json_each(r.targets) WHERE value = :portal))"
)


def last_run(conn: sqlite3.Connection, portal: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT id, command, started_at, finished_at, exit_status FROM crawl_runs r "
        f"WHERE {_RUNS_OF_PORTAL} ORDER BY id DESC LIMIT 1",
        {"portal": portal},
    ).fetchone()
    if row is None:
        return None
    run = dict(row)
    run["status"] = "unfinished" if row["finished_at"] is None else row["exit_status"]
    return run


def _groups(conn: sqlite3.Connection, keys: str) -> list[dict[str, Any]]:
    shares = ", ".join(f"avg({expr}) AS {name}" for name, expr in PRESENT.items())
    rows = conn.execute(
        f"SELECT {keys}, count(*) AS articles, min(published_at) AS first_published, "
        f"max(published_at) AS last_published, {shares} FROM articles "
        f"GROUP BY {keys} ORDER BY {keys}"
    )
    out = []
    for row in rows:
        group = dict(row)
        group["coverage"] = {name: group.pop(name) for name in PRESENT}
        out.append(group)
    return out


def archive_stats(conn: sqlite3.Connection) -> dict[str, Any]:
    """Totals, per-portal and per-section counts, date ranges, field coverage, last runs
    and coverage drops."""
    totals = {
        name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for name, table in (
            ("articles", "articles"),
            ("pages", "pages"),
            ("versions", "article_versions"),
            ("aliases", "article_aliases"),
            ("attachments", "attachments"),
            ("runs", "crawl_runs"),
        )
    }
    totals["stories"] = conn.execute(
        "SELECT count(*) FROM (SELECT story_id FROM articles GROUP BY story_id HAVING count(*) > 1)"
    ).fetchone()[0]
    portals = _groups(conn, "portal")
    for portal in portals:
        portal["last_run"] = last_run(conn, portal["portal"])
        portal["coverage_drops"] = coverage_drops(conn, portal["portal"])
    return {
        "totals": totals,
        "portals": portals,
        "sections": _groups(conn, "portal, section"),
        "unfinished_walks": unfinished_walks(conn),
    }


def articles_per_month(conn: sqlite3.Connection, portal: str | None = None) -> list[dict[str, Any]]:
    """Articles per portal, section and month of publication (first seen when undated)."""
    rows = conn.execute(
        "SELECT portal, section, published_month AS month, count(*) AS articles FROM articles "
        "WHERE :portal IS NULL OR portal = :portal "
        "GROUP BY portal, section, month ORDER BY month, portal, section",
        {"portal": portal},
    )
    return [dict(row) for row in rows]


def section_coverage(conn: sqlite3.Connection, portal: str | None = None) -> list[dict[str, Any]]:
    """Per portal and section: article count and the share of articles with each field."""
    return [g for g in _groups(conn, "portal, section") if portal in (None, g["portal"])]


def coverage_history(
    conn: sqlite3.Connection, portal: str | None = None, runs: int = 20
) -> list[dict[str, Any]]:
    """Field shares per portal in each of the last ``runs`` runs that stored articles."""
    rows = conn.execute(
        "SELECT c.*, r.started_at FROM run_coverage c JOIN crawl_runs r ON r.id = c.run_id "
        "WHERE c.run_id IN (SELECT DISTINCT run_id FROM run_coverage "
        "WHERE :portal IS NULL OR portal = :portal ORDER BY run_id DESC LIMIT :runs) "
        "AND (:portal IS NULL OR c.portal = :portal) ORDER BY c.run_id, c.portal",
        {"portal": portal, "runs": runs},
    )
    return [{**{k: row[k] for k in ("run_id", "portal", "articles", "started_at")},
             "coverage": _shares(row)} for row in rows]  # fmt: skip


def run_history(
    conn: sqlite3.Connection, portal: str | None = None, runs: int = 50
) -> list[dict[str, Any]]:
    """The last ``runs`` runs, oldest first: new, updated, errors and blocked pages of each
    (summed over its sections), status and command."""
    where = f"WHERE {_RUNS_OF_PORTAL}" if portal else ""
    rows = conn.execute(
        "SELECT r.id, r.command, r.started_at, r.finished_at, r.exit_status, r.counts "
        f"FROM crawl_runs r {where} ORDER BY r.id DESC LIMIT :runs",
        {"portal": portal, "runs": runs},
    ).fetchall()
    history = []
    for row in reversed(rows):
        sections = (json.loads(row["counts"] or "{}") or {}).get("sections") or []
        history.append(
            {
                "id": row["id"],
                "command": row["command"],
                "started_at": row["started_at"],
                "status": "unfinished" if row["finished_at"] is None else row["exit_status"],
                "new": sum(s.get("new", 0) for s in sections),
                "updated": sum(s.get("updated", 0) for s in sections),
                "errors": sum(sum((s.get("errors") or {}).values()) for s in sections),
                "blocked": sum(s.get("blocked", 0) for s in sections),
            }
        )
    return history



def unfinished_walks(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Sections whose last walk did not reach the end: ``unfinished`` (requests still
    pending: an interrupted crawl, or fetches to retry) or ``bounded`` (stopped on purpose
    by --since, --max-pages or a cap, with the requests it did not make kept)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'walks'").fetchone()
    if not exists:
        return []
    rows = conn.execute(
        "SELECT portal, section, name, status, reason, pending, deferred, updated_at FROM walks "
        "WHERE status != 'complete' ORDER BY portal, status DESC, section"
    )
    return [dict(zip([d[0] for d in rows.description], row, strict=True)) for row in rows]
