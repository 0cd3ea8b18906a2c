"""Re-extraction from stored raw pages, with no network."""

from __future__ import annotations

from newsarchive.extract.model import Article, ExtractionError
from newsarchive.services.reextract import reextract
from tests import test_store_support as support
from tests.test_store_support import ARTICLES, at, count, story

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path

URL = "http://news.cjn.cn/sywh/202010/t3714567.htm"


def archived_with_an_old_extractor(archive):
    html = (ARTICLES / "cjn.cn__1.html").read_bytes()
    run = archive.begin_run("crawl", ["cjn"])
    page = archive.record_page(
        url=URL,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=html,
        fetched_at=at(0),
        run_id=run,
        portal="cjn",
    )
    old = story("cjn.cn__1", url=URL, source=None, authors=[], editor=None)
    archive.store_article(
        old, portal="cjn", section="武汉", final_url=URL, page_id=page, fetched_at=at(0), run_id=run
    )
    archive.finish_run(run)
    return page


def test_reextract_with_the_current_extractor_makes_a_new_version(archive):
    archived_with_an_old_extractor(archive)
    counts = reextract(archive, portal="cjn")
    assert counts == {"updated": 1}
    row = archive.conn.execute("SELECT * FROM articles").fetchone()
    assert row["source"] == "长江网"
    assert row["version"] == 2
    assert row["section"] == "武汉"
    assert row["first_seen"] == row["last_seen"] == "2024-05-01T08:00:00Z"
    assert count(archive, "article_versions") == 1
    run = archive.conn.execute("SELECT * FROM crawl_runs ORDER BY id DESC").fetchone()
    assert (run["command"], run["exit_status"]) == ("reextract", 0)
    assert reextract(archive) == {"unchanged": 1}


def test_reextract_counts_failures_and_missing_pages(archive):
    archived_with_an_old_extractor(archive)
    archive.store_article(story("gmw.cn__1"), portal="cjn", final_url="http://news.cjn.cn/2.htm")
    seen = []

    def failing(html, url=None, *, selectors=None, content_type=None):
        seen.append((url, "武汉".encode() in html, selectors))
        raise ExtractionError("no body", url)

    counts = reextract(archive, extract=failing, selectors_for=lambda portal: {"portal": portal})
    assert counts == {"failed": 1, "no_page": 1}
    assert seen == [(URL, True, {"portal": "cjn"})]
    run = archive.conn.execute("SELECT * FROM crawl_runs ORDER BY id DESC").fetchone()
    assert run["exit_status"] == 1


def test_reextract_passes_the_raw_bytes_as_the_crawl_does(archive):
    body = "<html><h1>县政府召开常务会议</h1></html>".encode("gbk")
    page = archive.record_page(
        url="http://gbk.gov.cn/1.html",
        status=200,
        headers=[("Content-Type", "text/html; charset=gbk")],
        body=body,
    )
    archive.store_article(story(), portal="gbk", final_url="http://gbk.gov.cn/1.html", page_id=page)
    received = []

    def extractor(html, url=None, selectors=None, content_type=None):
        received.append(html)
        return Article(url=url, title=html.decode("gbk")[10:19])

    assert reextract(archive, extract=extractor) == {"updated": 1}
    assert received == [body]
    assert archive.conn.execute("SELECT title FROM articles").fetchone()[0] == "县政府召开常务会议"
