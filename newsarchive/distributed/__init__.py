"""Distributed crawling: several worker processes, on any number of machines, share one
crawl through Redis, and one ``newsarchive ingest`` writes what they find to the archive.

    workers (newsarchive crawl NAME --redis URL)           ingest (one, next to the archive)
    ─ shared request queue + in-flight leases (redis_queue)
    ─ shared duplicate filter, a Bloom filter (redis_bloom)
    ─ items → Redis list (redis_worker) ──────────────────► write_item() → SQLite
    ◄──────────── archived URLs, a Redis set (redis_known) ─ publishes

This module is the door: the Scrapy settings that turn a crawl into a worker, the worker
run itself (no archive, no lock: ingest owns both), and seeding a crawl without running
a worker (``newsarchive enqueue``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from newsarchive.distributed import state as redis_state
from newsarchive.distributed.bloom import open_filter
from newsarchive.distributed.keys import Keys
from newsarchive.distributed.queue import ReliableQueue
from newsarchive.distributed.worker import seedable
from newsarchive.portals import Portal


def redis_settings(url: str) -> dict[str, Any]:
    """Scrapy settings for a worker: scrapy-redis' scheduler made reliable, the Bloom
    filter, the JSON codec for requests and items, items to Redis instead of SQLite."""
    import newsarchive.settings as project

    return {
        "REDIS_URL": url,
        "NEWSARCHIVE_REDIS_URL": url,
        "SCHEDULER": "newsarchive.distributed.scheduler.ReliableScheduler",
        "DUPEFILTER_CLASS": "newsarchive.distributed.bloom.BloomDupeFilter",
        "SCHEDULER_SERIALIZER": "newsarchive.distributed.codec",
        "SCHEDULER_PERSIST": True,  # one worker finishing must not clear the others' queue
        "REDIS_ITEMS_SERIALIZER": "newsarchive.distributed.codec.dumps",
        # Component dicts replace the project's wholesale, so they are extended here.
        "ITEM_PIPELINES": {
            **project.ITEM_PIPELINES,
            "newsarchive.crawl.pipelines.ArchivePipeline": None,
            "newsarchive.distributed.worker.QueueItemsPipeline": 300,
        },
        "SPIDER_MIDDLEWARES": {**project.SPIDER_MIDDLEWARES, "newsarchive.distributed.worker.SeedOnce": 50},
        "EXTENSIONS": {**project.EXTENSIONS, "newsarchive.distributed.worker.KnownFromRedis": 20},
    }


def redis_url_for(options: Any) -> str | None:
    """The Redis of a distributed crawl: ``--redis``, else NEWSARCHIVE_REDIS_URL from
    ``-s`` or the project settings; None for a local crawl."""
    import newsarchive.settings as project

    return options.redis_url or options.settings.get("NEWSARCHIVE_REDIS_URL") or project.NEWSARCHIVE_REDIS_URL or None


def redacted(url: str) -> str:
    """The URL without its password, for logs and the run record."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class RedisUnavailable(Exception):
    """The shared Redis cannot be used: down, unreachable, or it refused the password.
    The message names it, password redacted (the commands exit with status 4)."""


def run_worker(portals: list[Portal], options: Any) -> Any:
    """Crawl as one worker until the shared crawl is over; returns a CrawlResult whose
    "new" counts are the articles sent to ingest. Raises RedisUnavailable first if the
    Redis cannot be used (else Scrapy would log a traceback and the worker exit 0)."""
    from newsarchive.crawl.runner import crawl_portals, scrapy_settings

    settings = scrapy_settings(portals, options, None, wiring=redis_settings(options.redis_url))
    connect(settings).close()
    return crawl_portals(portals, settings)


def worker_settings(url: str, overrides: dict[str, Any] | None = None) -> Any:
    """The settings a worker would run with (project defaults, the worker wiring, the
    overrides), for the commands that talk to the same Redis without crawling."""
    from scrapy.settings import Settings

    import newsarchive.settings as project

    settings = Settings()
    settings.setmodule(project, priority="project")
    settings.setdict(redis_settings(url), priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def connect(settings: Any) -> Any:
    """A Redis client as the workers make it (scrapy-redis' connection defaults), tried
    once; raises RedisUnavailable when that fails."""
    from redis.exceptions import RedisError
    from scrapy_redis.connection import get_redis_from_settings

    server = get_redis_from_settings(settings)
    try:
        server.ping()
    except RedisError as error:
        raise unavailable(settings, error) from None
    return server


def unavailable(settings: Any, error: Exception) -> RedisUnavailable:
    """A Redis failure as one line naming the Redis, its password redacted."""
    return RedisUnavailable(f"Redis at {redacted(settings.get('REDIS_URL') or '?')}: {error}")


def seed(portals: Iterable[Portal], settings: Any) -> dict[str, int]:
    """Queue each portal's start requests (its sections) as a worker starting would: through
    the shared duplicate filter, after emptying it if the previous crawl is over. Returns
    how many requests were queued per portal (0 when the crawl is already seeded)."""
    from scrapy.utils.misc import load_object

    from newsarchive.crawl.loader import spider_for
    from newsarchive.distributed import codec as redis_codec

    server = connect(settings)
    fingerprinter = load_object(settings["REQUEST_FINGERPRINTER_CLASS"])()
    queued: dict[str, int] = {}
    for portal in portals:
        spider = spider_for(portal)()
        state = redis_state.load(server, Keys.from_settings(settings), portal.name)
        if state is not None:  # what ingest says is left of an earlier crawl
            spider.load_state(state)
        keys = Keys.from_settings(settings).portal(portal.name)
        queue = ReliableQueue(server, spider, keys, redis_codec)
        queue.sweep(reset_keys=keys.filter_keys)
        bloom = open_filter(server, settings, portal.name)
        queued[portal.name] = sum(
            1 for request in map(seedable, spider.start_requests())
            if queue.push_new(request, bloom, fingerprinter.fingerprint(request))
        )
    return queued

