"""Full-text search in Chinese: every word from one character up, from the grams index."""

from __future__ import annotations

import sqlite3

import pytest

from newsarchive.store import Archive, grams, schema
from newsarchive.store.query import QueryError, parse, to_fts
from tests import test_store_support as support
from tests.test_store_support import STORIES, store, story

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path


@pytest.fixture
def filled(archive):
    for number, name in enumerate(STORIES):
        portal = "wuhan" if name == "cjn.cn__1" else "other"
        store(archive, story(name), f"http://www.gov.cn/{number}.html", portal=portal)
    return archive


def plan(archive: Archive, query: str) -> str:
    expression = to_fts(parse(query), grams.match_phrase)
    rows = archive.conn.execute(
        "EXPLAIN QUERY PLAN SELECT rowid FROM articles_grams WHERE articles_grams MATCH ?",
        [expression],
    )
    return " ".join(row[-1] for row in rows)


def test_three_characters_with_a_snippet(filled):
    results = filled.search("黄金周")
    assert results.total == 1
    hit = results.hits[0]
    assert hit["portal"] == "wuhan"
    assert "[黄金周]" in hit["snippet"]
    assert hit["title"] == "外媒眼中的武汉长假：蓬勃发展，欢声笑语"
    assert hit["url"] == "http://www.gov.cn/0.html"
    assert hit["published_at"] == "2020-10-04T20:30:00+08:00"


@pytest.mark.parametrize("word", ["武汉", "汉", "呼市", "疫情"])
def test_one_and_two_characters_are_looked_up_in_the_index(filled, word):
    results = filled.search(word)
    texts = filled.conn.execute("SELECT title || body FROM articles").fetchall()
    assert results.total == sum(word in text for (text,) in texts) > 0
    assert all(f"[{word}]" in h["snippet"] + h["title_highlighted"] for h in results.hits)
    assert "VIRTUAL TABLE INDEX" in plan(filled, word)  # FTS5, not a scan of articles


def test_title_hits_rank_first_and_are_highlighted(filled):
    hits = filled.search("扩大内需").hits
    assert hits[0]["title"] == "【中国稳健前行】坚定实施扩大内需战略"
    assert hits[0]["title_highlighted"] == "【中国稳健前行】坚定实施[扩大内需]战略"


def test_whitespace_case_and_ascii_punctuation_are_ignored(archive):
    store(archive, story(title="乡村 振兴示范村 COVID-19 防控"), "http://www.gov.cn/1.html")
    assert archive.search("乡村振兴").total == 1
    assert archive.search("covid19").total == 1
    assert archive.search('"乡村振兴 示范"').total == 1
    assert archive.search("振兴示").hits[0]["title_highlighted"].startswith("乡村 [振兴示]")


def test_and_or_not_and_phrases(filled):
    def portals(query: str) -> list[str]:
        return sorted(h["portal"] for h in filled.search(query).hits)

    assert portals("黄金周 武汉") == ["wuhan"]
    assert portals("黄金周 AND 武汉") == ["wuhan"]
    assert portals("黄金周 呼市") == []
    assert portals("黄金周 OR 呼市") == ["other", "wuhan"]
    every = filled.search("中").total
    assert filled.search("中 -武汉").total == filled.search("中 NOT 武汉").total == every - 1
    assert portals('"中国稳健" -"武汉"') == ["other"]
    assert portals("(黄金周 OR 呼市) 武汉") == ["wuhan"]
    assert filled.search("黄金*").total == filled.search("黄金").total


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-武汉", "only excludes"),
        ("NOT 武汉", "only excludes"),
        ("武汉 OR", "OR needs a term"),
        ("OR 武汉", "OR needs a term"),
        ("武汉 -", "no letters or digits"),
        ('"黄金周', "not closed"),
        ('""', "empty"),
        ("黄*周", "wildcards inside"),
        ("*", "wildcards inside"),
        ("(武汉", "not closed"),
        ("武汉)", "no matching"),
        ("%_\\", "no letters or digits"),
    ],
)
def test_what_cannot_be_searched_is_refused_with_a_reason(filled, query, says):
    with pytest.raises(QueryError, match=says):
        filled.search(query)


@pytest.mark.parametrize("query", ["NEAR(黄金 周)", "title:黄金周", "^黄金", "a AND b", "说\"好\""])
def test_fts_syntax_in_words_is_plain_text(filled, query):
    filled.search(query)  # never an FTS5 syntax error


def test_filters_and_limit(filled):
    assert filled.search("中国", portal="wuhan").hits[0]["portal"] == "wuhan"
    assert all(h["portal"] == "other" for h in filled.search("发展", portal="other").hits)
    assert all(h["published_at"] >= "2024" for h in filled.search("发展", since="2024-01-01").hits)
    assert all(h["published_at"] < "2021" for h in filled.search("发展", until="2020").hits)
    results = filled.search("发展", limit=2)
    assert len(results.hits) == 2 and results.total > 2


def test_index_follows_edits_and_deletes(filled):
    filled.conn.execute("UPDATE articles SET title = '测试标题' WHERE portal = 'wuhan'")
    assert filled.search("测试").total == 1
    assert filled.search("外媒眼中").total == 0  # in the old title only
    filled.conn.execute("DELETE FROM articles WHERE portal = 'wuhan'")
    assert filled.search("测试").total == 0
    filled.conn.execute("INSERT INTO articles_grams(articles_grams) VALUES ('integrity-check')")


def test_migration_indexes_articles_archived_before_it(db_path):
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    schema.apply(conn, stop_before="m005_search_bigrams")
    old = Archive(conn, db_path, readonly=False)
    store(old, story("cjn.cn__1"), "http://www.gov.cn/0.html")
    assert "articles_grams" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert schema.apply(conn)[0] == "m005_search_bigrams"
    assert old.search("武汉").total == 1
    conn.close()
