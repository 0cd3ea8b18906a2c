"""Upserts: new, unchanged, updated (with a version row), URL aliases, same-content
aliases in one portal, stories across portals, and the crawler's lookups."""

from __future__ import annotations

import json

from newsarchive.urls import canonical_url
from tests import test_store_support as support
from tests.test_store_support import STORIES, at, count, store, story

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path

URL = "http://www.wuhan.gov.cn/zwgk/202010/t20201004_1.shtml"



def is_archived(archive, url: str) -> bool:
    """Whether ``url``, in any spelling that canonicalizes alike, is an archived article."""
    from newsarchive.store.articles import article_id

    return article_id(archive.conn, url) is not None

def row(archive, url=URL, portal="demo"):
    return archive.conn.execute(
        "SELECT * FROM articles WHERE canonical_url = ? AND portal = ?",
        (canonical_url(url), portal),
    ).fetchone()


def test_new_then_unchanged_moves_only_last_seen(archive):
    assert store(archive, story(), URL, fetched_at=at(0)) == "new"
    first = dict(row(archive))
    assert store(archive, story(), URL, fetched_at=at(60)) == "unchanged"
    second = dict(row(archive))
    assert second["last_seen"] == "2024-05-01T09:00:00Z"
    assert second["first_seen"] == first["first_seen"] == "2024-05-01T08:00:00Z"
    assert {k: v for k, v in second.items() if k != "last_seen"} == {
        k: v for k, v in first.items() if k != "last_seen"
    }
    assert count(archive, "article_versions") == 0
    assert count(archive, "articles") == 1


def test_every_field_is_stored(archive):
    article = story()
    store(archive, article, URL)
    stored = row(archive)
    assert stored["title"] == article["title"]
    assert stored["body"] == article["body"]
    assert stored["section"] == "政务要闻"
    assert json.loads(stored["breadcrumb"]) == article["breadcrumb"]
    assert json.loads(stored["authors"]) == ["陈智"]
    assert json.loads(stored["images"]) == article["images"]
    assert stored["source"] == "长江网"
    assert stored["requested_url"] == URL
    assert stored["published_month"] == "2020-10"
    assert stored["story_id"] == stored["id"]


def test_edit_keeps_the_old_version(archive):
    store(archive, story(), URL, fetched_at=at(0))
    edited = story(body=story()["body"] + "\n（本文已更正）", source="长江日报")
    assert store(archive, edited, URL, fetched_at=at(30)) == "updated"
    current = row(archive)
    assert current["version"] == 2
    assert current["source"] == "长江日报"
    assert current["version_since"] == "2024-05-01T08:30:00Z"
    old = archive.conn.execute("SELECT * FROM article_versions").fetchall()
    assert len(old) == 1
    assert old[0]["version"] == 1
    assert old[0]["source"] == "长江网"
    assert old[0]["body"] == story()["body"]
    assert old[0]["seen_from"] == "2024-05-01T08:00:00Z"
    # the full-text index follows the edit
    assert [h["id"] for h in archive.search("本文已更正").hits] == [current["id"]]


def test_volatile_fields_refresh_without_a_version(archive):
    store(archive, story(read_count=10), URL)
    assert store(archive, story(read_count=99, next_url="http://x.gov.cn/2.html"), URL) == (
        "unchanged"
    )
    assert row(archive)["read_count"] == 99
    assert count(archive, "article_versions") == 0


def test_url_variants_are_one_row_with_aliases(archive):
    store(archive, story(), "http://www.wuhan.gov.cn/zwgk/index.html")
    variants = [
        "http://www.wuhan.gov.cn/zwgk/",
        "HTTP://WWW.WUHAN.GOV.CN/zwgk/index.htm?from=timeline&isappinstalled=0",
        "http://www.wuhan.gov.cn/zwgk/default.html#comments",
        "http://www.wuhan.gov.cn:80/zwgk/index.shtml?utm_source=wechat&spm=a.b.c",
    ]
    for variant in variants:
        assert store(archive, story(), variant) == "unchanged"
    assert count(archive, "articles") == 1
    aliases = {r["url"]: r["reason"] for r in archive.conn.execute("SELECT * FROM article_aliases")}
    assert aliases == dict.fromkeys(
        ["http://www.wuhan.gov.cn/zwgk/index.html", *variants[1:]], "variant"
    )
    for variant in variants:
        assert is_archived(archive, variant)
    assert not is_archived(archive, "http://www.wuhan.gov.cn/zwgk/other.html")


def test_redirect_keeps_requested_url_as_alias(archive):
    outcome = archive.store_article(
        story(),
        portal="demo",
        requested_url="http://wuhan.gov.cn/a?id=1",
        final_url=URL,
        fetched_at=at(0),
    )
    assert outcome == "new"
    assert row(archive)["canonical_url"] == canonical_url(URL)
    assert is_archived(archive, "http://wuhan.gov.cn/a?id=1")
    # fetched again through the old address: the same row
    assert store(archive, story(), "http://wuhan.gov.cn/a?id=1") == "unchanged"
    assert count(archive, "articles") == 1


def test_same_content_under_another_url_is_an_alias(archive):
    store(archive, story(), URL)
    copy = story(
        title=" 外媒眼中的武汉长假: 蓬勃发展, 欢声笑语 ", body=story()["body"] + "\n责任编辑：姚昊"
    )
    other = "http://www.wuhan.gov.cn/wlxx/2020/1004/content_77.html"
    assert store(archive, copy, other) == "alias"
    assert count(archive, "articles") == 1
    alias = archive.conn.execute("SELECT * FROM article_aliases").fetchone()
    assert (alias["url"], alias["reason"]) == (other, "content")
    assert is_archived(archive, other)
    # crawled again, the copy neither becomes a row nor rewrites the original's text
    assert store(archive, copy, other, fetched_at=at(90)) == "alias"
    assert store(archive, story(), URL) == "unchanged"
    assert count(archive, "articles") == 1
    assert count(archive, "article_versions") == 0
    assert row(archive)["last_seen"] == "2024-05-01T09:30:00Z"


def test_same_title_different_body_is_a_new_row(archive):
    store(archive, story(), URL)
    different = story("china.com.cn__1", title=story()["title"])
    assert store(archive, different, "http://www.wuhan.gov.cn/other.html") == "new"
    assert count(archive, "articles") == 2


def test_same_content_in_another_portal_is_a_row_of_the_same_story(archive):
    store(archive, story(), URL, portal="wuhan")
    republished = story(body="来源：长江网\n" + story()["body"])
    assert store(archive, republished, "http://www.jiangan.gov.cn/a/1.html", portal="jiangan") == (
        "new"
    )
    rows = archive.conn.execute("SELECT portal, story_id, id FROM articles ORDER BY id").fetchall()
    assert len(rows) == 2
    assert rows[0]["story_id"] == rows[1]["story_id"] == rows[0]["id"]


def test_different_stories_are_not_grouped(archive):
    for number, name in enumerate(STORIES):
        store(archive, story(name), f"http://www.gov.cn/{number}.html", portal=f"p{number % 2}")
    stories = {r[0] for r in archive.conn.execute("SELECT story_id FROM articles")}
    assert len(stories) == len(STORIES)


def test_crawler_lookups(archive):
    store(archive, story(published_at="2024-01-01"), "http://a.gov.cn/1.html?from=x")
    store(archive, story("chinanews.com__1", published_at="2024-03-01"), "http://a.gov.cn/3.html")
    store(archive, story("gmw.cn__1", published_at=None), "http://a.gov.cn/n.html")
    store(archive, story("china.com.cn__1", published_at="2024-02-01"), "http://a.gov.cn/2.html")
    store(archive, story("china.com.cn__2"), "http://b.gov.cn/1.html", portal="other")
    assert archive.known_urls("demo") == {
        "http://a.gov.cn/1.html",
        "http://a.gov.cn/2.html",
        "http://a.gov.cn/3.html",
        "http://a.gov.cn/n.html",
    }
    assert "http://b.gov.cn/1.html" in archive.known_urls()
    assert archive.newest_urls("demo", 2) == ["http://a.gov.cn/3.html", "http://a.gov.cn/2.html"]
    assert archive.newest_urls("demo", 10)[-1] == "http://a.gov.cn/n.html"


def test_pages_keep_headers_and_bytes_and_link_their_article(archive):
    body = "<html><meta charset=gbk><p>武汉</p></html>".encode("gbk")
    headers = [
        ("Content-Type", "text/html; charset=gbk"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]
    run = archive.begin_run("crawl", ["demo"], {"max_pages": 5})
    page = archive.record_page(
        url=URL, final_url=URL, status=200, headers=headers, body=body, fetched_at=at(0),
        run_id=run, portal="demo", request_headers={b"User-Agent": [b"newsarchive"]},
    )  # fmt: skip
    again = archive.record_page(url=URL, status=200, headers=headers, body=body, fetched_at=at(5))
    assert archive.page_body(page) == archive.page_body(again) == body
    assert count(archive, "page_bodies") == 1  # stored once
    stored = archive.conn.execute("SELECT * FROM pages WHERE id = ?", (page,)).fetchone()
    assert json.loads(stored["headers"]) == [list(h) for h in headers]
    assert json.loads(stored["request_headers"]) == [["User-Agent", "newsarchive"]]
    assert stored["fetched_at"] == "2024-05-01T08:00:00Z"
    assert len(stored["sha256"]) == 64
    store(archive, story(), URL, page_id=page, run_id=run)
    linked = archive.conn.execute("SELECT article_id FROM pages WHERE id = ?", (page,)).fetchone()
    assert linked[0] == row(archive)["id"]


def test_attachments_are_stored_once_and_linked(archive):
    store(archive, story(), URL)
    pdf = b"%PDF-1.4 \xe4\xb8\xad" * 100
    first = archive.store_attachment(
        article_url=URL + "?from=groupmessage",
        url="http://www.wuhan.gov.cn/a.pdf",
        content_type="application/pdf",
        body=pdf,
        fetched_at=at(1),
    )
    second = archive.store_attachment(
        article_url=URL, url="http://www.wuhan.gov.cn/a.pdf", content_type=None, body=pdf
    )
    assert first == second
    stored = archive.conn.execute("SELECT * FROM attachments").fetchone()
    assert stored["body"] == pdf
    assert stored["article_id"] == row(archive)["id"]
    assert stored["size"] == len(pdf)


def test_a_batch_is_one_transaction(archive):
    with archive.transaction():
        for number, name in enumerate(STORIES):
            store(archive, story(name), f"http://www.gov.cn/{number}.html")
        assert archive.conn.in_transaction
    assert not archive.conn.in_transaction
    assert count(archive, "articles") == len(STORIES)


def test_a_failed_article_inside_a_batch_rolls_back_alone(archive):
    with archive.transaction():
        store(archive, story(), URL)
        try:
            with archive.transaction():
                store(archive, story("gmw.cn__1"), "http://www.gov.cn/2.html")
                raise RuntimeError("extractor blew up")
        except RuntimeError:
            pass
    assert count(archive, "articles") == 1
