"""Scrapy's feed exports carry archived articles with the export's fields: ``scrapy
crawl PORTAL -O items.jsonl`` (and ``-o``, any format), run against the demo portal
served on loopback."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import FAST, ROOT, crawl_urls

EXPORT_FIELDS_START = ["id", "portal", "section", "canonical_url"]


@pytest.fixture(scope="module")
def served():
    with DemoServer(DemoPortal(articles=12), host="127.0.0.1", port=0) as server:
        yield server


def _portal_dir(tmp_path: Path, base_url: str) -> Path:
    """spiders/demo.toml moved to the served port, in a folder of its own."""
    text = (ROOT / "spiders" / "demo.toml").read_text("utf-8")
    folder = tmp_path / "spiders"
    folder.mkdir()
    (folder / "demo.toml").write_text(text.replace("http://127.0.0.1:8712", base_url).replace('"127.0.0.1:8712"', f'"{base_url.split("//")[1]}"'), "utf-8")
    return folder


def _scrapy_crawl(tmp_path: Path, base_url: str, *feed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSARCHIVE_DB": str(tmp_path / "a.db"), "NEWSARCHIVE_PORTALS": str(_portal_dir(tmp_path, base_url))}
    command = [sys.executable, "-m", "scrapy", "crawl", "demo", *FAST, "-s", "LOG_LEVEL=WARNING", *feed]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def test_jsonl_feed_holds_each_archived_article_once_with_export_fields(served, tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    result = _scrapy_crawl(tmp_path, served.base_url, "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert items and all(list(item)[:4] == EXPORT_FIELDS_START for item in items)
    assert all("kind" not in item and item["title"] and item["body"] for item in items)
    with sqlite3.connect(tmp_path / "a.db") as conn:
        archived = {row[0] for row in conn.execute("SELECT canonical_url FROM articles")}
    assert sorted(item["canonical_url"] for item in items) == sorted(archived)
    assert any("政务" in item["section"] for item in items)  # Chinese written as is, not \\u escapes
    assert "\\u" not in out.read_text("utf-8")


def test_csv_feed_has_the_export_columns(served, tmp_path: Path) -> None:
    out = tmp_path / "items.csv"
    first = _scrapy_crawl(tmp_path, served.base_url, "-o", str(out))
    assert first.returncode == 0, first.stderr[-3000:]
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and set(EXPORT_FIELDS_START) <= set(rows[0])
    assert all(row["canonical_url"].startswith(served.base_url) for row in rows)


def test_newsarchive_crawl_writes_the_same_feed(served, tmp_path: Path) -> None:
    out = tmp_path / "crawl.jsonl"
    result = crawl_urls(served, tmp_path / "b.db", "-O", str(out))
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: the demo's deliberate 404
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert len(items) == conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0


def test_an_unknown_feed_format_is_a_usage_error(served, tmp_path: Path) -> None:
    result = crawl_urls(served, tmp_path / "c.db", "-o", str(tmp_path / "items.foo"))
    assert result.returncode == 2 and "Unrecognized output format" in result.stderr
    assert not (tmp_path / "c.db").exists()
