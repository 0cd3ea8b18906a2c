"""Values that do not fit the archive cost the value, never the article."""

from __future__ import annotations

import json
import logging

import pytest

from newsarchive.store.bounds import ITEMS_LIMIT, TEXT_LIMITS
from newsarchive.urls import canonical_url
from tests import test_store_support as support
from tests.test_store_support import store, story

archive = support.archive
db_path = support.db_path

URL = "http://www.wuhan.gov.cn/zwgk/202010/t20201004_1.shtml"


def row(archive) -> dict:
    return dict(archive.conn.execute("SELECT * FROM articles WHERE canonical_url = ?", (canonical_url(URL),)).fetchone())


@pytest.mark.parametrize("count", [10**25, -(10**25), 2**63])
def test_a_number_beyond_64_bits_is_dropped_with_a_warning(archive, caplog, count: int) -> None:
    with caplog.at_level(logging.WARNING, logger="newsarchive.store.bounds"):
        assert store(archive, story(read_count=count), URL) == "new"
    assert row(archive)["read_count"] is None
    assert "read_count" in caplog.text and "does not fit" in caplog.text


def test_a_number_that_fits_is_kept(archive) -> None:
    store(archive, story(read_count=2**63 - 1), URL)
    assert row(archive)["read_count"] == 2**63 - 1


def test_control_characters_are_stripped_from_every_field(archive) -> None:
    dirty = story(
        title="县政府\x1b]0;pwned\x07召开\x1b[2J常务会议\u202e",
        source="长江网\x9b31m",
        authors=["陈\x00智"],
        images=[{"src": "http://www.wuhan.gov.cn/a.jpg", "caption": "图\x1b[5m片"}],
        extra_field="附加\x07",
    )
    store(archive, dirty, URL)
    stored = row(archive)
    assert stored["title"] == "县政府召开常务会议"
    assert stored["source"] == "长江网"
    assert json.loads(stored["authors"]) == ["陈智"]
    assert json.loads(stored["images"])[0]["caption"] == "图片"
    assert json.loads(stored["extra"]) == {"extra_field": "附加"}
    assert "\n" in stored["body"]  # line breaks are text


def test_over_long_values_are_bounded(archive) -> None:
    store(archive, story(title="长" * 5000, authors=[f"作者{i}" for i in range(ITEMS_LIMIT + 10)]), URL)
    stored = row(archive)
    assert len(stored["title"]) == TEXT_LIMITS["title"]
    assert len(json.loads(stored["authors"])) == ITEMS_LIMIT
