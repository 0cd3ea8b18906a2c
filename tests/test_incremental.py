"""Incremental harvests for cron: a re-run fetches only what is new."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.demo import DemoPortal, DemoServer
from newsarchive.urls import canonical_url
from tests.demo_support import articles, crawl_urls, match_truth


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("incremental") / "archive.db"
    with DemoServer(DemoPortal(articles=200), in_process=True) as server:
        first = crawl_urls(server, db)
        assert first.returncode == 1, first.stderr[-2000:]
        yield server, db


def _rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_unchanged_portal_fetches_only_first_list_pages(harvested) -> None:
    server, db = harvested
    before = _rows(db)
    server.reset_log()
    again = crawl_urls(server, db)
    log = [target for _, target in server.request_log()]
    first_pages = {"/" + s["url"].split("/", 3)[3] for s in server.portal.sections(server.base_url)}
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    assert _rows(db) == before
    assert len(log) <= len(first_pages) + 2, log
    assert set(log) - {"/robots.txt"} <= first_pages, log


def test_new_articles_are_exactly_what_is_fetched(harvested) -> None:
    server, db = harvested
    before = {r["canonical_url"] for r in articles(db)}
    added = server.add_articles(7)
    server.reset_log()
    result = crawl_urls(server, db)
    assert result.returncode == 0, result.stderr[-2000:]
    after = {r["canonical_url"] for r in articles(db)}
    assert after - before == {canonical_url(u) for u in added}
    fetched = {canonical_url(server.base_url + target) for _, target in server.request_log()}
    assert {canonical_url(u) for u in added} <= fetched
    _, missing, extra = match_truth(articles(db), server.portal.truth(server.base_url))
    assert not missing and not extra


def test_an_edited_article_gets_a_version_with_recheck(harvested) -> None:
    server, db = harvested
    url = server.edit_article(-1)  # the newest article is revised
    plain = crawl_urls(server, db)
    assert plain.returncode == 0
    with sqlite3.connect(db) as conn:
        (versions,) = conn.execute("SELECT count(*) FROM article_versions").fetchone()
    assert versions == 0, "a plain incremental run does not re-fetch known articles"
    rechecked = crawl_urls(server, db, "--recheck", "5")
    assert rechecked.returncode == 0, rechecked.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT v.article_id FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE a.canonical_url = ?",
            (canonical_url(url),),
        ).fetchall()
        body = conn.execute("SELECT body FROM articles WHERE canonical_url = ?", (canonical_url(url),)).fetchone()[0]
    assert len(rows) == 1
    expected = next(t for t in server.portal.truth(server.base_url) if canonical_url(t["url"]) == canonical_url(url))
    assert expected["body"].split("\n")[0] in body


def test_full_crawl_fetches_everything_again(harvested) -> None:
    server, db = harvested
    server.reset_log()
    result = crawl_urls(server, db, "--full")
    assert result.returncode == 1  # the 404 and the challenges are asked for again
    log = [target for _, target in server.request_log()]
    assert len(log) > len(server.portal.truth(server.base_url))
    total = next(line for line in result.stdout.splitlines() if line.startswith("total")).split()
    assert int(total[2]) == 0  # nothing new: every article is known, unchanged
