"""``newsarchive ingest``: the one writer of a distributed crawl.

Workers push their items (raw pages and articles) to a Redis list; this takes them in
batches and stores each with ``write_item``, exactly as a local crawl's pipeline does, so
deduplication and versioning cannot differ. It holds the archive's lock and records a
``crawl_runs`` row like any crawl, and publishes the archived URLs for the workers'
incremental crawls (redis_known).

Nothing is lost if ingest dies: a batch is moved (LMOVE) to a holding list before it is
written and dropped from there only after the SQLite transaction commits; the next ingest
puts a leftover batch back in front. A batch written but not yet dropped is written again:
its articles come out "unchanged", its raw pages are recorded a second time. A lease key
with a TTL keeps two ingests from splitting one crawl's items between two archives.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive import exitcodes
from newsarchive.crawl.pipelines import _jsonable, count_outcome, write_item
from newsarchive.crawl.report import exit_status, render_table, section_rows
from newsarchive.distributed import codec as redis_codec
from newsarchive.distributed import connect, redacted
from newsarchive.distributed import known as redis_known
from newsarchive.distributed import state as redis_state
from newsarchive.distributed.keys import Keys
from newsarchive.distributed.scheduler import worker_id
from newsarchive.store import Archive, open_archive
from newsarchive.urls import canonical_url

logger = logging.getLogger(__name__)

LEASE_TTL = 60  # seconds; renewed at least every POLL seconds
POLL = 1.0  # longest wait for an item, so a stop request is seen within a second
REPUBLISH_AFTER = 3.0  # seconds without items after which the walk state is published again


class IngestBusy(RuntimeError):
    """Another ingest is consuming this Redis prefix's items."""


class _Stats(dict):
    """The little of Scrapy's stats collector that count_outcome needs."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] = self.get(key, 0) + count


@dataclass
class IngestResult:
    status: int
    rows: list[dict[str, Any]]
    counts: Counter = field(default_factory=Counter)  # items, articles, pages, failed, recovered
    run_id: int = 0

    @property
    def table(self) -> str:
        return render_table(self.rows)


class Lease:
    """A Redis key naming the ingest that holds it, expiring unless renewed."""

    _RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0"
    _RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

    def __init__(self, server: Any, key: str, ttl: int = LEASE_TTL) -> None:
        self.server, self.key, self.ttl = server, key, ttl
        self.token = worker_id()
        self._renew = server.register_script(self._RENEW)
        self._release = server.register_script(self._RELEASE)

    def __enter__(self) -> Lease:
        if not self.server.set(self.key, self.token, nx=True, ex=self.ttl):
            holder = (self.server.get(self.key) or b"?").decode("utf-8", "replace")
            raise IngestBusy(
                f"another ingest ({holder}) is taking this crawl's items; one ingest per "
                f"Redis prefix (if it is gone, its claim lapses within {self.ttl} s)"
            )
        return self

    def renew(self) -> None:
        if not self._renew(keys=[self.key], args=[self.token, self.ttl]):
            raise IngestBusy("this ingest stalled past its lease and another took over")

    def __exit__(self, *exc: object) -> None:
        self._release(keys=[self.key], args=[self.token])


def ingest(
    db: Path,
    settings: Any,
    *,
    until_idle: float | None = None,
    batch: int = 200,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[Counter], None] | None = None,
) -> IngestResult:
    """Write the workers' items into the archive until stopped, or until no item has
    arrived for ``until_idle`` seconds. Raises ArchiveLocked, ArchiveError, IngestBusy."""
    server = connect(settings)
    keys = Keys.from_settings(settings)
    archive = open_archive(db)
    try:
        with archive.lock(command="ingest"), Lease(server, keys.ingest_lease) as lease:
            arguments = {"db": str(db), "redis": redacted(settings.get("REDIS_URL")), "until_idle": until_idle, "prefix": keys.prefix}
            run_id = archive.begin_run("ingest", [], arguments)
            counts: Counter = Counter(recovered=_recover(server, keys))
            redis_known.replace(server, keys.known, archive.known_urls())
            redis_state.publish(server, keys, archive)
            stats = _Stats()
            idle_since = time.monotonic()
            stale = False  # walk state changed since it was published
            while not should_stop():
                lease.renew()
                taken = _take(server, keys, batch)
                if taken:
                    _write(archive, server, keys, taken, run_id, stats, counts)
                    idle_since, stale = time.monotonic(), True
                    if progress:
                        progress(counts)
                    continue
                if stale and time.monotonic() - idle_since >= REPUBLISH_AFTER:
                    # Between crawls: the next workers start from the walks as they ended.
                    redis_state.publish(server, keys, archive)
                    stale = False
                if until_idle is not None and time.monotonic() - idle_since >= until_idle:
                    break
            rows = section_rows(stats)
            status = exitcodes.ERRORS if counts["failed"] else exit_status(rows)
            archive.finish_run(run_id, status, counts={"sections": rows, **counts}, stats=_jsonable(stats))
            return IngestResult(status, rows, counts, run_id)
    finally:
        archive.close()


def _recover(server: Any, keys: Keys) -> int:
    """Put a batch a stopped ingest had taken back in front of the queue, in order."""
    moved = 0
    while server.lmove(keys.ingesting, keys.items, "RIGHT", "LEFT") is not None:
        moved += 1
    if moved:
        logger.warning("%d items taken by an ingest that stopped are queued again", moved)
    return moved


def _take(server: Any, keys: Keys, batch: int) -> list[bytes]:
    """Up to ``batch`` items, oldest first, moved to the holding list; waits up to POLL
    seconds for the first."""
    first = server.blmove(keys.items, keys.ingesting, POLL, "LEFT", "RIGHT")
    if first is None:
        return []
    pipe = server.pipeline(transaction=False)
    for _ in range(batch - 1):
        pipe.lmove(keys.items, keys.ingesting, "LEFT", "RIGHT")
    return [first, *(data for data in pipe.execute() if data is not None)]


def _write(archive: Archive, server: Any, keys: Keys, taken: list[bytes], run_id: int, stats: _Stats, counts: Counter) -> None:
    """One SQLite transaction for the batch; an unreadable item is set aside, not fatal.
    Archive errors (a full disk) propagate and leave the batch in the holding list."""
    urls: list[str] = []
    with archive.transaction():
        for data in taken:
            counts["items"] += 1
            try:
                item = redis_codec.loads(data)
                outcome = write_item(archive, item, run_id)
            except (KeyError, TypeError, ValueError) as error:
                logger.warning("set aside an unreadable item (%s): see %s", error, keys.failed_items)
                server.rpush(keys.failed_items, data)
                counts["failed"] += 1
                continue
            count_outcome(stats, item, outcome)
            counts["articles" if item.get("kind") == "article" else "pages"] += 1
            if item.get("kind") == "article":
                counts[outcome] += 1
                urls += [canonical_url(u) for u in (item["final_url"], item["requested_url"], item["article"].get("url")) if u]
    redis_known.add(server, keys.known, urls)
    server.delete(keys.ingesting)
