"""The worker's scheduler: scrapy-redis' shared queue and filter, plus what a crawl spread
over several machines needs to finish correctly.

- Reliability: requests are *reserved* (redis_queue), not popped, and acknowledged when
  Scrapy's engine has completely finished with them: downloaded, the callback or errback
  run, its new requests queued and its items through the item pipeline (so pushed to
  Redis). The engine keeps exactly that set, ``slot.inprogress``, so acknowledging is "held
  requests no longer in progress". It is private engine state; it is checked when the
  spider opens and the crawl refuses to start without it rather than lose requests.
- Heartbeat: a timer renews the worker's TTL key, sweeps up dead workers' requests, and
  wakes the engine so that work queued by other workers is picked up within
  ``NEWSARCHIVE_REDIS_POLL`` seconds instead of the engine's own 5-second heartbeat.
- Finishing: an empty queue is not the end (another worker may be about to queue more), so
  a worker stays open until nothing is queued or in flight anywhere for
  ``NEWSARCHIVE_REDIS_IDLE_CLOSE`` seconds (0 keeps it waiting for work for ever). A
  worker that finishes empties the duplicate filter if the crawl is over, and so does one
  that starts, so the next crawl fetches the section pages again.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import socket
import time
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newsarchive.distributed.bloom import BloomDupeFilter
from newsarchive.distributed.keys import Keys
from newsarchive.distributed.queue import ReliableQueue, Sweep

logger = logging.getLogger(__name__)


def worker_id() -> str:
    """Unique per crawler: host and pid say who it was when reading Redis by hand."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def engine_slot(crawler: Any) -> Any:
    """The engine's slot, whose ``inprogress`` set holds requests until fully processed."""
    slot = getattr(crawler.engine, "_slot", None) or getattr(crawler.engine, "slot", None)
    if not isinstance(getattr(slot, "inprogress", None), set):
        raise RuntimeError(
            "this Scrapy version's engine does not expose the requests in progress; "
            "distributed crawling cannot tell finished requests from lost ones"
        )
    return slot


class ReliableScheduler(Scheduler):
    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.crawler: Any = None
        self.worker = worker_id()
        self.queue: ReliableQueue | None = None
        self.held: dict[str, Request] = {}
        self._tokens = itertools.count(1)
        self.idle_since: float | None = None
        self._last_beat = 0.0
        self._warned_full = False
        self.loop: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReliableScheduler:
        scheduler = cls.from_settings(crawler.settings)
        scheduler.configure(crawler)
        return scheduler

    def configure(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.heartbeat = settings.getfloat("NEWSARCHIVE_REDIS_HEARTBEAT")
        self.ttl_ms = int(settings.getfloat("NEWSARCHIVE_REDIS_WORKER_TTL") * 1000)
        self.idle_close = settings.getfloat("NEWSARCHIVE_REDIS_IDLE_CLOSE")
        self.poll = settings.getfloat("NEWSARCHIVE_REDIS_POLL")
        if self.heartbeat <= 0 or self.poll <= 0 or self.ttl_ms < 2000 * self.heartbeat:
            raise ValueError(
                "NEWSARCHIVE_REDIS_HEARTBEAT and _POLL must be positive and "
                "NEWSARCHIVE_REDIS_WORKER_TTL at least twice the heartbeat"
            )

    # -- lifecycle --------------------------------------------------------------------

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.keys = Keys.from_settings(self.crawler.settings).portal(spider.name)
        self.queue = ReliableQueue(self.server, spider, self.keys, serializer=self.serializer)
        self.slot = engine_slot(self.crawler)
        self.queue.heartbeat(self.worker, self.ttl_ms)
        swept = self._sweep(reset=True)  # a finished or abandoned crawl's filter goes first
        self.df = self.df or load_object(self.dupefilter_cls).from_spider(spider)
        if not isinstance(self.df, BloomDupeFilter):
            raise ValueError(f"distributed crawls need DUPEFILTER_CLASS {BloomDupeFilter.__module__}.BloomDupeFilter")
        if self.flush_on_start:
            self.flush()
        if swept.queued:
            spider.log(f"Resuming crawl ({swept.queued} requests queued)")
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        self.loop = LoopingCall(self._tick)
        self.loop.start(self.poll, now=False)

    def close(self, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.queue is None:  # never opened
            return
        self._settle()
        requeued = self.queue.requeue(self.worker)
        if requeued:
            self.stats.inc_value("newsarchive/redis/requeued_on_close", requeued)
        self.queue.leave(self.worker)
        if reason == "finished":
            self._sweep(reset=True)

    # -- requests ---------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter:
            return super().enqueue_request(request)
        count = self.queue.push_new(request, self.df.bloom, self.df.fingerprint(request))
        if not count:
            self.df.log(request, self.spider)
            return False
        self._check_capacity(count)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        self._settle()
        token = str(next(self._tokens))
        request = self.queue.reserve(self.worker, token, self.ttl_ms)
        if request is None:
            return None
        self.held[token] = request
        self.idle_since = None
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _settle(self) -> None:
        """Acknowledge the held requests the engine has finished with."""
        done = [token for token, request in self.held.items() if request not in self.slot.inprogress]
        if done:
            self.queue.ack(self.worker, done)  # first: if Redis fails, the next call retries
            for token in done:
                del self.held[token]

    # -- timers and idleness ----------------------------------------------------------

    def _tick(self) -> None:
        try:
            self._settle()
            now = time.monotonic()
            if now - self._last_beat >= self.heartbeat:
                self._last_beat = now
                self.queue.heartbeat(self.worker, self.ttl_ms)
                self._sweep()
        except redis.RedisError as error:  # keep the timer alive; the next tick retries
            logger.warning("Redis unavailable (%s); retrying", error)
        self.slot.nextcall.schedule()

    def _on_idle(self) -> None:
        """Keep the worker open while the crawl goes on elsewhere (see module doc)."""
        try:
            self._settle()
            swept = self._sweep()
        except redis.RedisError as error:  # cannot tell whether the crawl is over: wait
            logger.warning("Redis unavailable (%s); retrying", error)
            raise DontCloseSpider from None
        if not swept.idle:
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if self.idle_close <= 0 or now - self.idle_since < self.idle_close:
            raise DontCloseSpider

    def _sweep(self, reset: bool = False) -> Sweep:
        swept = self.queue.sweep(self.keys.filter_keys if reset else None)
        if swept.reclaimed:
            logger.warning("took back %d requests from workers that stopped answering", swept.reclaimed)
            self.stats.inc_value("newsarchive/redis/reclaimed", swept.reclaimed)
        if swept.reset:
            self.stats.inc_value("newsarchive/redis/filter_reset")
        return swept

    def _check_capacity(self, count: int) -> None:
        capacity = self.df.bloom.spec.capacity
        if count > capacity and not self._warned_full:
            self._warned_full = True
            logger.warning(
                "the duplicate filter holds more requests than the %d it was sized for; its "
                "false-positive rate rises from here: raise NEWSARCHIVE_BLOOM_CAPACITY", capacity,
            )
