"""Statistics per portal and section, and the coverage drop that flags a changed template."""

from __future__ import annotations

import pytest

from tests import test_store_support as support
from tests.test_store_support import STORIES, at, store, story

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path


def crawl(archive, portal, articles, status=0):
    run = archive.begin_run("crawl", [portal], {"portal": portal})
    for url, article, section in articles:
        store(archive, article, url, portal=portal, section=section, run_id=run)
    archive.finish_run(run, status=status, counts={"pages": len(articles)}, stats={"x": at(0)})
    return run


def test_numbers_per_portal_and_section(archive):
    crawl(
        archive,
        "wuhan",
        [
            ("http://wh.gov.cn/1.html", story("cjn.cn__1"), "要闻"),
            ("http://wh.gov.cn/2.html", story("china.com.cn__1", source=None), "要闻"),
            ("http://wh.gov.cn/3.html", story("china.com.cn__2", authors=["张三"]), "通知公告"),
            ("http://wh.gov.cn/4.html", story("gmw.cn__1", published_at=None), "通知公告"),
        ],
        status=1,
    )
    crawl(archive, "beijing", [("http://bj.gov.cn/1.html", story("chinanews.com__1"), None)])
    numbers = archive.stats()
    assert numbers["totals"]["articles"] == 5
    assert numbers["totals"]["runs"] == 2
    wuhan = next(p for p in numbers["portals"] if p["portal"] == "wuhan")
    assert wuhan["articles"] == 4
    assert wuhan["first_published"] == "2020-10-04T20:30:00+08:00"
    assert wuhan["last_published"] == "2024-05-20T09:37:00+08:00"
    assert wuhan["coverage"] == {
        "title": 1.0,
        "date": 0.75,
        "source": 0.75,
        "authors": 0.5,
        "body": 1.0,
    }
    assert wuhan["last_run"]["status"] == 1
    assert wuhan["last_run"]["command"] == "crawl"
    assert wuhan["coverage_drops"] == {}
    sections = {(s["portal"], s["section"]): s for s in numbers["sections"]}
    assert sections[("wuhan", "要闻")]["articles"] == 2
    assert sections[("wuhan", "要闻")]["coverage"]["source"] == 0.5
    assert sections[("wuhan", "通知公告")]["coverage"]["date"] == 0.5
    assert sections[("beijing", None)]["articles"] == 1
    coverage = archive.conn.execute("SELECT * FROM run_coverage WHERE portal = 'wuhan'").fetchone()
    assert (coverage["articles"], coverage["with_source"], coverage["with_authors"]) == (4, 3, 2)


def test_a_portal_whose_sources_vanish_is_flagged(archive):
    pages = [(f"http://wh.gov.cn/{i}.html", story(name), "要闻") for i, name in enumerate(STORIES)]
    crawl(archive, "wuhan", pages)
    assert archive.stats()["portals"][0]["coverage_drops"] == {}
    # the next run: the template changed, the extractor no longer finds the source
    broken = [(url, {**article, "source": None}, s) for url, article, s in pages]
    crawl(archive, "wuhan", broken)
    drops = archive.stats()["portals"][0]["coverage_drops"]
    assert drops == {"source": pytest.approx((1.0, 0.0))}


def test_an_unfinished_run_says_so(archive):
    run = archive.begin_run("crawl", ["wuhan"])
    store(archive, story(), "http://wh.gov.cn/1.html", portal="wuhan", run_id=run)
    assert archive.stats()["portals"][0]["last_run"]["status"] == "unfinished"
