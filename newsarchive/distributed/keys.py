"""Where everything lives in Redis, named in one place.

Per portal (one Scrapy spider each): the request queue, the duplicate filter, the registry
of workers with their in-flight requests and heartbeats. Shared by all portals: the items
waiting for ``newsarchive ingest``, what ingest holds while writing, and the archived URLs.
Every key starts with ``NEWSARCHIVE_REDIS_PREFIX`` so that several independent crawls (or
other applications) can share one Redis server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_PREFIX = "newsarchive"


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    @classmethod
    def from_settings(cls, settings: Any) -> Keys:
        """The keys under NEWSARCHIVE_REDIS_PREFIX of these Scrapy settings."""
        return cls(settings.get("NEWSARCHIVE_REDIS_PREFIX") or DEFAULT_PREFIX)

    # -- shared by every portal -----------------------------------------------------

    @property
    def items(self) -> str:
        """List of serialized crawl items, oldest first (workers RPUSH, ingest pops left)."""
        return f"{self.prefix}:items"

    @property
    def ingesting(self) -> str:
        """Items ingest has taken but not yet committed to the archive."""
        return f"{self.prefix}:items:ingesting"

    @property
    def failed_items(self) -> str:
        """Items ingest could not decode, kept for inspection."""
        return f"{self.prefix}:items:failed"

    @property
    def ingest_lease(self) -> str:
        """Who is ingesting (expires when that process stops renewing it)."""
        return f"{self.prefix}:ingest"

    @property
    def known(self) -> str:
        """Digests of the archived articles' canonical URLs (see redis_known)."""
        return f"{self.prefix}:known"

    def portal(self, name: str) -> PortalKeys:
        return PortalKeys(f"{self.prefix}:{name}")


@dataclass(frozen=True)
class PortalKeys:
    base: str

    @property
    def queue(self) -> str:
        """Sorted set of serialized requests, scored by -priority (scrapy-redis' layout)."""
        return f"{self.base}:requests"

    @property
    def seen(self) -> str:
        """The Bloom filter's bitmap."""
        return f"{self.base}:seen"

    @property
    def seen_info(self) -> str:
        """The Bloom filter's sizing (so every worker hashes alike) and insert count."""
        return f"{self.base}:seen:info"

    @property
    def filter_keys(self) -> list[str]:
        """Everything the duplicate filter is made of, deleted together when a crawl ends."""
        return [self.seen, self.seen_info]

    @property
    def state(self) -> str:
        """The archive's walk state of the portal, as ingest published it (redis_state)."""
        return f"{self.base}:state"

    @property
    def workers(self) -> str:
        """Set of worker ids that may hold in-flight requests."""
        return f"{self.base}:workers"

    @property
    def inflight_prefix(self) -> str:
        return f"{self.base}:inflight:"

    @property
    def alive_prefix(self) -> str:
        return f"{self.base}:alive:"

    def inflight(self, worker: str) -> str:
        """Hash token -> "score|request" of the requests a worker has popped, not finished."""
        return self.inflight_prefix + worker

    def alive(self, worker: str) -> str:
        """The worker's heartbeat: exists while the worker is alive (renewed, with a TTL)."""
        return self.alive_prefix + worker
