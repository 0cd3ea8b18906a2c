"""Migrations: a fresh archive, an archive of an older schema, and read-only opening."""

from __future__ import annotations

import sqlite3

import pytest

from newsarchive.extract.model import ARTICLE_FIELDS
from newsarchive.store import ArchiveError, open_archive, schema
from newsarchive.store.fields import EXTRACTED_COLUMNS
from tests import test_store_support as support
from tests.test_store_support import count, story

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path

ALL = [
    "m001_initial",
    "m002_fulltext",
    "m003_story_index",
    "m004_run_coverage",
    "m005_search_bigrams",
    "m006_walk_state",
]


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_fresh_archive_gets_every_migration_and_wal(db_path):
    archive = open_archive(db_path)
    try:
        assert archive.migrated == ALL
        assert schema.applied(archive.conn) == ALL
        assert schema.pending(archive.conn) == []
        assert {
            "articles",
            "article_aliases",
            "article_versions",
            "pages",
            "page_bodies",
            "attachments",
            "crawl_runs",
            "run_coverage",
            "simhash_bands",
            "articles_fts",
        } <= tables(archive.conn)
        assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        archive.close()
    again = open_archive(db_path)
    assert again.migrated == []
    again.close()


def test_every_extractor_field_has_a_column(archive):
    columns = {r[1] for r in archive.conn.execute("PRAGMA table_info(articles)")}
    for field in ARTICLE_FIELDS:
        assert field in columns  # extractor fields and columns share their names
        assert field in EXTRACTED_COLUMNS
    assert {"portal", "section", "breadcrumb", "canonical_url", "requested_url", "final_url"} <= (
        columns
    )
    assert {"first_seen", "last_seen", "content_hash", "story_id"} <= columns


def test_older_archive_opens_and_is_upgraded(db_path):
    """An archive made before full-text search and the story index existed: its rows are
    indexed by the upgrade."""
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert schema.apply(conn, stop_before="m002_fulltext") == ["m001_initial"]
    article = story("cjn.cn__1")
    conn.execute(
        "INSERT INTO articles (portal, canonical_url, title, body, content_hash, simhash, "
        "story_id, first_seen, last_seen, version_since) "
        "VALUES ('old', 'http://old.gov.cn/a.html', ?, ?, 'x', ?, 1, ?, ?, ?)",
        (article["title"], article["body"], 0x1234, "2020-01-01T00:00:00Z", "2020", "2020"),
    )
    conn.close()

    archive = open_archive(db_path)
    try:
        assert archive.migrated == ALL[1:]
        hits = archive.search("武汉长假").hits
        assert [h["portal"] for h in hits] == ["old"]
        assert count(archive, "simhash_bands") == 4
        assert archive.store_article(
            story("cjn.cn__1"), portal="old", final_url="http://old.gov.cn/a.html"
        ) in ("updated", "unchanged")
    finally:
        archive.close()


def test_readonly_open_refuses_an_outdated_archive(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    schema.apply(conn, stop_before="m003_story_index")
    conn.close()
    with pytest.raises(ArchiveError, match="newsarchive migrate"):
        open_archive(db_path, readonly=True)


def test_readonly_open_of_missing_or_foreign_file(tmp_path):
    with pytest.raises(ArchiveError, match="no archive at"):
        open_archive(tmp_path / "missing.db", readonly=True)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ArchiveError, match="not a newsarchive archive"):
        open_archive(other, readonly=True)


def test_readonly_archive_refuses_writes(db_path):
    open_archive(db_path).close()
    archive = open_archive(db_path, readonly=True)
    try:
        with pytest.raises(ArchiveError, match="read-only"):
            archive.begin_run("crawl")
    finally:
        archive.close()
