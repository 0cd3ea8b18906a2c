"""The Scrapy components a worker adds besides its scheduler (``redis_settings`` wires them).

- ``SeedOnce``: the spider's start requests (section pages, rechecks) bypass the duplicate
  filter in a local crawl. With N workers each would fetch every section page, so here
  they go through the shared filter: the first worker's seeds are queued, the others'
  are dropped as duplicates, and ``newsarchive enqueue`` seeds the same way.
- ``KnownFromRedis``: the archived URLs and walk state, for incremental crawls and for
  finishing interrupted ones (see redis_known, redis_state).
- ``QueueItemsPipeline``: items go to the Redis list ``newsarchive ingest`` reads, instead
  of into SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from functools import lru_cache
from typing import Any

from scrapy import Request, signals
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from scrapy_redis.connection import get_redis, get_redis_from_settings
from scrapy_redis.pipelines import RedisPipeline
from twisted.internet.threads import deferToThread

from newsarchive.crawl.pipelines import count_outcome
from newsarchive.distributed import known as redis_known
from newsarchive.distributed import state as redis_state
from newsarchive.distributed.keys import Keys


def seedable(item: Any) -> Any:
    """A start request that goes through the shared duplicate filter (see SeedOnce)."""
    if isinstance(item, Request) and item.dont_filter:
        return item.replace(dont_filter=False)
    return item


class SeedOnce:
    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            yield seedable(item)

    def process_start_requests(self, start_requests: Iterable[Any], spider: Any) -> Iterable[Any]:
        """Scrapy before 2.13."""
        for item in start_requests:
            yield seedable(item)


@lru_cache(maxsize=4)
def _known(url: str, key: str) -> redis_known.KnownSet:
    """One read per process, however many portals it crawls."""
    return redis_known.load(get_redis(url=url), key)


class KnownFromRedis:
    """Gives a worker's spider what the archive says (archived URLs, walk state), as
    ingest published it, before its start requests are made."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Any) -> KnownFromRedis:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        if not hasattr(spider, "load_state"):
            return
        settings = self.crawler.settings
        keys = Keys.from_settings(settings)
        known = _known(settings.get("REDIS_URL"), keys.known)
        state = redis_state.load(get_redis(url=settings.get("REDIS_URL")), keys, spider.name)
        if state is not None:
            spider.load_state({**state, "known": known})
        elif len(known) or not spider.known:  # no walk state yet: at least skip what is archived
            spider.known = known
        spider.logger.info("%d archived articles and %d open requests known from Redis", len(known), len((state or {}).get("open", ())))


class QueueItemsPipeline(RedisPipeline):
    """scrapy-redis' item pipeline, on the shared items key, counting what it sends.

    The worker cannot know what the archive will make of an article (new, updated, a
    republished copy): it counts each as new; ``newsarchive ingest`` reports the verdicts.
    """

    def __init__(self, server: Any, key: str, serialize_func: Any, stats: Any) -> None:
        super().__init__(server, key=key, serialize_func=serialize_func)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> QueueItemsPipeline:
        settings = crawler.settings
        return cls(
            get_redis_from_settings(settings),
            key=Keys.from_settings(settings).items,
            serialize_func=load_object(settings["REDIS_ITEMS_SERIALIZER"]),
            stats=crawler.stats,
        )

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        """Push in a pool thread, as scrapy-redis does: a distant Redis must not stall the
        crawl. The request that produced the item is acknowledged only after this returns
        (see redis_scheduler), so an item is never lost between the two."""
        await maybe_deferred_to_future(deferToThread(self.server.rpush, self.key, self.serialize(item)))
        return count_outcome(self.stats, item, "new")
