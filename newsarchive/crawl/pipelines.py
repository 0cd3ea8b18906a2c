"""Crawl items into the archive: raw pages and articles, each item in one transaction."""

from __future__ import annotations

import os
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from newsarchive.store import Archive, ArchiveBusy, ArchiveError, open_archive
from newsarchive.store.waits import DEFAULT_LOCK_WAIT

# The articles a crawl hands to Scrapy's feed exports: those it archived or found as they
# were (an alias is a URL of an article already handed on).
FED_OUTCOMES = ("new", "updated", "unchanged")


class ArticleRecord(dict):
    """An archived article's export fields: what the pipeline hands on to Scrapy's feed
    exports (``newsarchive.crawl.feeds`` lets only these through)."""


class ArchivePipeline:
    """Writes ``page`` and ``article`` items; counts new/known/updated per section.

    The runner (``newsarchive crawl``) opens the archive, takes its lock and starts the
    run; under a bare ``scrapy crawl`` the pipeline does all three itself.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db = crawler.settings.get("NEWSARCHIVE_DB")
        self.run_id: int | None = crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None
        self.archive: Archive | None = None
        self.lock = None
        self.own_run = False
        self.writer: ThreadPool | None = None
        # Feed exports (-o/-O, FEEDS) get each article as `newsarchive export` writes it.
        self.feeds = bool(crawler.settings.getdict("FEEDS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        if not crawler.settings.get("NEWSARCHIVE_DB"):
            raise NotConfigured("NEWSARCHIVE_DB is not set")
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.archive = open_archive(self.db, lock_wait=self.crawler.settings.getfloat("NEWSARCHIVE_LOCK_WAIT", DEFAULT_LOCK_WAIT))
        self.writer = ThreadPool(minthreads=1, maxthreads=1, name="archive-writer")
        self.writer.start()
        holder = self.archive.lock_holder()
        if not holder or holder.get("pid") != os.getpid():
            self.lock = self.archive.lock(command=f"scrapy crawl {spider.name}")
            self.lock.__enter__()
        if self.run_id is None:
            self.run_id = self.archive.begin_run("scrapy crawl", [spider.name], {})
            self.own_run = True

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.writer is not None:
            self.writer.stop()  # waits for the writes in hand
            self.writer = None
        if self.archive is None:
            return
        self.stats.set_value("newsarchive/walk_state_seconds", round(self.archive.walk_seconds, 3))
        if self.own_run and self.run_id is not None:
            from newsarchive.crawl.report import exit_status, section_rows

            stats = self.stats.get_stats()
            self.archive.finish_run(self.run_id, exit_status(section_rows(stats)), counts={"sections": section_rows(stats)}, stats=_jsonable(stats))
        if self.lock is not None:
            self.lock.__exit__(None, None, None)
        self.archive.close()

    async def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        """Write on the archive's own thread: SQLite releases the GIL while it works, so
        the crawl keeps fetching meanwhile. One writer thread keeps writes in order."""
        from twisted.internet import reactor  # the one Scrapy installed (never at import time)

        assert self.archive is not None and self.writer is not None
        written = deferToThreadPool(reactor, self.writer, self._write, item)
        try:
            outcome = await maybe_deferred_to_future(written)
        except ArchiveError as error:
            # A full or read-only disk, or a lock held too long: stop the crawl rather than
            # fetch pages we cannot keep.
            if isinstance(error, ArchiveBusy):
                self.stats.set_value("newsarchive/archive_busy", True)
            self._stop(str(error))
            raise DropItem(f"not stored: {error}") from error
        outcome, record = outcome
        summary = count_outcome(self.stats, item, outcome)
        return ArticleRecord(record) if record is not None else summary

    def _write(self, item: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """Store the item; with feeds, read back the article as the archive holds it."""
        assert self.archive is not None
        outcome = write_item(self.archive, item, self.run_id)
        if self.feeds and item.get("kind") == "article" and outcome in FED_OUTCOMES:
            return outcome, self.archive.article_record(item["portal"], item["final_url"])
        return outcome, None

    def _stop(self, message: str) -> None:
        if self.stats.get_value("newsarchive/archive_error"):
            return
        self.stats.set_value("newsarchive/archive_error", message)
        engine = self.crawler.engine
        if hasattr(engine, "close_spider_async"):
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason="archive_error"))
        else:  # Scrapy before 2.14
            engine.close_spider(self.crawler.spider, "archive_error")


def count_outcome(stats: Any, item: dict[str, Any], outcome: str) -> dict[str, Any]:
    """Count a stored item under the keys the end-of-run table and progress line read
    (``stats`` needs only ``inc_value``); returns the summary handed on instead of the
    item, so that raw bodies are not kept or logged."""
    if item.get("kind") == "article":
        stats.inc_value(f"newsarchive/section/{item['section']}/articles_{outcome}")
        stats.inc_value("newsarchive/articles_archived" if outcome in ("new", "updated") else "newsarchive/articles_seen")
        return {"kind": "article", "url": item["final_url"], "outcome": outcome}
    return {"kind": item.get("kind"), "url": item.get("url")}


def write_item(archive: Archive, item: dict[str, Any], run_id: int | None) -> str:
    """Store one crawl item in one transaction: a raw ``page``, an ``article`` with its
    pages, a downloaded ``attachment``, or a bare ``visit`` (a fetch that got no answer),
    each with what the crawl learned from it (its frontier visit). Returns the article's
    outcome (new/updated/unchanged/alias), or the item's kind.

    Local crawls (this pipeline) and distributed ingest share it, so both dedupe,
    version and keep their walk state the same way.
    """
    kind = item.get("kind")
    if kind not in ("page", "article", "attachment", "visit"):
        raise ValueError(f"not a crawl item: {kind!r}")
    with archive.transaction():
        outcome = _store(archive, item, run_id)
        if item.get("visit"):
            archive.record_visit(item["visit"], run_id)
    return outcome


def _store(archive: Archive, item: dict[str, Any], run_id: int | None) -> str:
    kind = item["kind"]
    if kind == "page":
        record_page(archive, item, run_id)
        return "page"
    if kind == "attachment":
        archive.store_attachment(
            article_url=item["article_url"],
            url=item["url"],
            content_type=item["content_type"],
            body=item["body"],
            fetched_at=item["fetched_at"],
        )
        return "attachment"
    if kind == "visit":
        return "visit"
    first: int | None = None
    for part, page in enumerate(item["pages"], start=1):
        page_id = record_page(archive, page, run_id, part_of=first, part=part if first else None)
        first = first or page_id
    return archive.store_article(
        item["article"],
        portal=item["portal"],
        section=item["section"],
        requested_url=item["requested_url"],
        final_url=item["final_url"],
        page_id=first,
        fetched_at=item["pages"][0]["fetched_at"] if item["pages"] else None,
        run_id=run_id,
    )


def record_page(archive: Archive, page: dict[str, Any], run_id: int | None, part_of: int | None = None, part: int | None = None) -> int:
    return archive.record_page(
        url=page["url"],
        final_url=page["final_url"],
        status=page["status"],
        headers=page["headers"],
        body=page["body"],
        fetched_at=page["fetched_at"],
        run_id=run_id,
        portal=page["portal"],
        method=page["method"],
        request_headers=page["request_headers"],
        request_body=page.get("request_body"),
        part_of=part_of,
        part=part,
    )


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items() if isinstance(v, (int, float, str)) or hasattr(v, "isoformat")}
