"""Helpers for tests that crawl the demo portal over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from newsarchive.quality import bigram_f1, norm_text
from newsarchive.urls import canonical_url

ROOT = Path(__file__).resolve().parent.parent
# Loopback only, no waiting between requests: the tests measure behaviour, not politeness.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "RETRY_TIMES=2"]


def run_cli(*args: str, timeout: float = 600, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``newsarchive ARGS`` in a child process, as a user runs it."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "newsarchive", *args], capture_output=True, text=True, timeout=timeout, env=environment, cwd=cwd)


def section_urls(server: Any) -> list[str]:
    return [s["url"] for s in server.portal.sections(server.base_url)]


def crawl_urls(server: Any, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("crawl", *section_urls(server), "--db", str(db), "--quiet", *FAST, *extra)


def articles(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in conn.execute("SELECT * FROM articles")]
        aliases = conn.execute("SELECT article_id, url FROM article_aliases").fetchall()
    finally:
        conn.close()
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        row["all_urls"] = {row["canonical_url"]}
    for article_id, url in aliases:
        if article_id in by_id:
            by_id[article_id]["all_urls"].add(canonical_url(url))
    return rows


def match_truth(rows: list[dict[str, Any]], truth: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Pair archive rows with expected articles by any of their URLs.

    Returns (matched by truth URL, truth articles missing, rows matching nothing).
    """
    index: dict[str, dict[str, Any]] = {}
    for row in rows:
        for url in row["all_urls"]:
            index[url] = row
    matched: dict[str, dict[str, Any]] = {}
    missing = []
    for expected in truth:
        urls = {canonical_url(expected["url"]), *(canonical_url(u) for u in expected.get("aliases", []))}
        found = {id(index[u]): index[u] for u in urls if u in index}
        if len(found) == 1:
            matched[expected["url"]] = next(iter(found.values()))
        elif not found:
            missing.append(expected)
        else:
            raise AssertionError(f"{expected['url']} archived {len(found)} times")
    used = {id(r) for r in matched.values()}
    extra = [r for r in rows if id(r) not in used]
    return matched, missing, extra


def field_mismatches(matched: dict[str, dict[str, Any]], truth: list[dict[str, Any]]) -> list[str]:
    """Differences between archived fields and the portal's truth, one line each."""
    problems = []
    for expected in truth:
        row = matched.get(expected["url"])
        if row is None:
            continue
        checks = {
            "title": norm_text(row["title"]) == norm_text(expected["title"]),
            "published_at": row["published_at"] == expected["published_at"],
            "source": (row["source"] or None) == (expected["source"] or None),
            "authors": set(json.loads(row["authors"] or "[]")) == set(expected["authors"]),
            "body": bigram_f1(row["body"], expected["body"]) >= 0.95,
        }
        problems += [f"{expected['url']}: {name}" for name, ok in checks.items() if not ok]
    return problems
