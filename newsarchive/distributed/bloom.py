"""The shared duplicate filter: a Bloom filter on a plain Redis bitmap.

Why not scrapy-redis' own filter: it keeps every fingerprint (40 hex characters) in a Redis
set, about 100 bytes a request, and never shrinks while the crawl lasts; ten million
requests are a gigabyte. A Bloom filter of ``m`` bits answers "seen?" with no false
negatives and a chosen false-positive rate, in memory fixed in advance: for ``n`` expected
requests and error rate ``p``, ``m = -n·ln p / (ln 2)²`` bits and ``k = m/n·ln 2`` hash
positions. The defaults (5 million requests per portal and crawl, p = 1e-6) take 17 MiB and
20 positions. A false positive skips one unseen page for this crawl only: the filter is
emptied when a crawl ends (see redis_queue), and the next crawl finds the page again since
it is not archived.

Debian's Redis has no RedisBloom module, so the filter is SETBIT/GETBIT on one string. The
``k`` positions come from the request fingerprint by double hashing (Kirsch–Mitzenmacher:
``h1 + i·h2``), computed on the worker; the set-and-test runs in one Lua script, so two
workers adding the same request at once cannot both see it as new.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.dupefilters import BaseDupeFilter

from newsarchive.distributed.keys import Keys, PortalKeys

logger = logging.getLogger(__name__)

MAX_BITS = 2**32  # a Redis string holds at most 512 MiB

# Set the positions ARGV[first..last] in bitmap KEYS[bits]; count the insert in the info
# hash when any bit was new. Shared by BloomFilter.add and the queue's filtered push.
BLOOM_ADD_LUA = """
local function bloom_add(bits, info, first, last)
  local new = false
  for i = first, last do
    if redis.call('SETBIT', bits, ARGV[i], 1) == 0 then new = true end
  end
  if new then return redis.call('HINCRBY', info, 'count', 1) end
  return 0
end
"""


@dataclass(frozen=True)
class BloomSpec:
    """A filter's size: what it was made for, and the bits and hash count that follow."""

    capacity: int
    error_rate: float

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError("the Bloom filter's capacity must be at least 1")
        if not 0 < self.error_rate < 1:
            raise ValueError("the Bloom filter's error rate must be between 0 and 1")
        if self.bits > MAX_BITS:
            raise ValueError(
                f"a Bloom filter for {self.capacity} requests at error rate {self.error_rate} "
                f"needs {self.bits // 8 // 2**20} MiB, more than a Redis string holds (512 MiB)"
            )

    @property
    def bits(self) -> int:
        return math.ceil(-self.capacity * math.log(self.error_rate) / math.log(2) ** 2)

    @property
    def hashes(self) -> int:
        return max(1, round(self.bits / self.capacity * math.log(2)))

    @property
    def megabytes(self) -> float:
        return self.bits / 8 / 2**20

    def positions(self, fingerprint: bytes) -> list[int]:
        """The ``k`` bit offsets of one fingerprint (any length; it is hashed again)."""
        digest = hashlib.blake2b(fingerprint, digest_size=16).digest()
        h1 = int.from_bytes(digest[:8], "big")
        h2 = int.from_bytes(digest[8:], "big") | 1
        m = self.bits
        return [(h1 + i * h2) % m for i in range(self.hashes)]


class BloomFilter:
    """A Bloom filter in Redis: ``add`` tells whether the fingerprint was new."""

    def __init__(self, server: Any, keys: PortalKeys, spec: BloomSpec) -> None:
        self.server = server
        self.keys = keys
        self.spec = spec
        self._add = server.register_script(BLOOM_ADD_LUA + "return bloom_add(KEYS[1], KEYS[2], 1, #ARGV)")

    @classmethod
    def open(cls, server: Any, keys: PortalKeys, wanted: BloomSpec) -> BloomFilter:
        """The portal's filter, sized as the first worker of this crawl sized it.

        Every worker must hash into the same bitmap alike, so the size is stored beside the
        bitmap and a worker configured differently follows it (with a warning).
        """
        server.hsetnx(keys.seen_info, "capacity", wanted.capacity)
        server.hsetnx(keys.seen_info, "error_rate", repr(wanted.error_rate))
        capacity, error_rate = server.hmget(keys.seen_info, "capacity", "error_rate")
        stored = BloomSpec(int(capacity), float(error_rate))
        if stored != wanted:
            logger.warning(
                "the duplicate filter of this crawl was sized for %s requests at error rate %s "
                "by another worker; using that, not %s at %s",
                stored.capacity, stored.error_rate, wanted.capacity, wanted.error_rate,
            )
        return cls(server, keys, stored)

    def add(self, fingerprint: bytes) -> bool:
        return bool(self._add(keys=self.filter_keys, args=self.spec.positions(fingerprint)))

    def __contains__(self, fingerprint: bytes) -> bool:
        pipe = self.server.pipeline(transaction=False)
        for position in self.spec.positions(fingerprint):
            pipe.getbit(self.keys.seen, position)
        return all(pipe.execute())

    @property
    def filter_keys(self) -> list[str]:
        """The keys that make up the filter (the bitmap, then its info hash)."""
        return self.keys.filter_keys

    def count(self) -> int:
        """How many fingerprints were added (as far as the filter could tell them apart)."""
        return int(self.server.hget(self.keys.seen_info, "count") or 0)

    def clear(self) -> None:
        self.server.delete(*self.filter_keys)


class BloomDupeFilter(BaseDupeFilter):
    """Scrapy's dupefilter interface over a BloomFilter, on the project's fingerprints
    (canonical URLs, so ``a.html?from=list`` and ``a.html`` are one request)."""

    def __init__(self, bloom: BloomFilter, fingerprinter: Any, debug: bool = False) -> None:
        self.bloom = bloom
        self.fingerprinter = fingerprinter
        self.debug = debug
        self._logged = False

    @classmethod
    def from_spider(cls, spider: Any) -> BloomDupeFilter:
        """Built by the scheduler when the spider opens (the key names the portal)."""
        from scrapy_redis.connection import get_redis_from_settings

        settings = spider.crawler.settings
        bloom = open_filter(get_redis_from_settings(settings), settings, spider.name)
        return cls(bloom, spider.crawler.request_fingerprinter, settings.getbool("DUPEFILTER_DEBUG"))

    def fingerprint(self, request: Request) -> bytes:
        return self.fingerprinter.fingerprint(request)

    def positions(self, request: Request) -> list[int]:
        return self.bloom.spec.positions(self.fingerprint(request))

    def request_seen(self, request: Request) -> bool:
        return not self.bloom.add(self.fingerprint(request))

    def clear(self) -> None:
        self.bloom.clear()

    def log(self, request: Request, spider: Any) -> None:
        if self.debug:
            logger.debug("Filtered duplicate request: %s", request, extra={"spider": spider})
        elif not self._logged:
            logger.debug(
                "Filtered duplicate request %s - no more duplicates will be shown "
                "(see DUPEFILTER_DEBUG to show all duplicates)", request, extra={"spider": spider},
            )
            self._logged = True


def open_filter(server: Any, settings: Any, portal: str) -> BloomFilter:
    """The portal's filter, sized by NEWSARCHIVE_BLOOM_CAPACITY and _ERROR_RATE."""
    wanted = BloomSpec(
        settings.getint("NEWSARCHIVE_BLOOM_CAPACITY"),
        settings.getfloat("NEWSARCHIVE_BLOOM_ERROR_RATE"),
    )
    return BloomFilter.open(server, Keys.from_settings(settings).portal(portal), wanted)
