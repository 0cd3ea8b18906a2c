"""Full-text search in Chinese: trigram index for 3+ characters, a scan for shorter."""

from __future__ import annotations

import pytest

from newsarchive.store.search import fts_phrase, short_terms
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


def test_three_characters_hit_the_index_with_a_snippet(filled):
    hits = filled.search("黄金周")
    assert [h["portal"] for h in hits] == ["wuhan"]
    hit = hits[0]
    assert hit["match"] == "fts"
    assert "[黄金周]" in hit["snippet"]
    assert hit["title"] == "外媒眼中的武汉长假：蓬勃发展，欢声笑语"
    assert hit["url"] == "http://www.gov.cn/0.html"
    assert hit["published_at"] == "2020-10-04T20:30:00+08:00"


def test_title_hits_rank_first_and_are_highlighted(filled):
    hits = filled.search("扩大内需")
    assert hits[0]["title"] == "【中国稳健前行】坚定实施扩大内需战略"
    assert "[扩大内需]" in hits[0]["title_highlighted"]


def test_two_characters_fall_back_to_a_scan(filled):
    assert short_terms("武汉") == ["武汉"]
    hits = filled.search("武汉")
    assert hits and all(h["match"] == "like" for h in hits)
    assert "[武汉]" in hits[0]["snippet"]
    assert "[武汉]" in hits[0]["title_highlighted"]


def test_mixed_terms_must_all_match(filled):
    assert [h["portal"] for h in filled.search("黄金周 武汉")] == ["wuhan"]
    assert filled.search("黄金周 呼市") == []


def test_filters_and_limit(filled):
    assert filled.search("中国", portal="wuhan")[0]["portal"] == "wuhan"
    assert all(h["portal"] == "other" for h in filled.search("发展", portal="other"))
    assert all(h["published_at"] >= "2024" for h in filled.search("发展", since="2024-01-01"))
    assert all(h["published_at"] < "2021" for h in filled.search("发展", until="2020"))
    assert len(filled.search("发展", limit=2)) == 2


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"黄金周',
        "黄金周 OR",
        "NEAR(黄金 周)",
        "title:黄金周",
        "*",
        "黄金周*",
        "-黄金周",
        "a AND b",
        "%_\\",
    ],
)
def test_operators_and_quotes_are_plain_text(filled, query):
    filled.search(query)  # never a syntax error


def test_quotes_are_searched_literally(filled):
    assert fts_phrase('说"好"') == '"说""好"""'
    hits = filled.search("“中国”“武汉”")
    assert [h["portal"] for h in hits] == ["wuhan"]


def test_like_wildcards_are_literal(filled):
    assert filled.search("武汉")
    assert filled.search("武%") == []
    assert filled.search("武_") == []
