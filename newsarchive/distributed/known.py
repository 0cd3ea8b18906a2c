"""What the archive already holds, for workers that cannot read the archive.

An incremental crawl skips archived articles and stops paging a section at the first list
page with nothing new. A local crawl reads the archive's canonical URLs once at start;
workers on other machines read the same thing from a Redis set that ``newsarchive ingest``
keeps: it publishes every archived URL when it starts and adds each article as it writes
it. The set holds 12-byte digests of the canonical URLs rather than the URLs (a third of
the memory; a collision among a billion URLs has odds of about 1 in 10^10), and a worker
reads it once when it opens, as the local crawl reads the archive once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

DIGEST_BYTES = 12
BATCH = 10_000


def digest(canonical: str) -> bytes:
    return hashlib.sha1(canonical.encode("utf-8")).digest()[:DIGEST_BYTES]


class KnownSet:
    """Answers ``canonical_url in known`` as the spider asks it, from digests."""

    def __init__(self, digests: Iterable[bytes] = ()) -> None:
        self._digests = set(digests)

    def __contains__(self, canonical: object) -> bool:
        return isinstance(canonical, str) and digest(canonical) in self._digests

    def __len__(self) -> int:
        return len(self._digests)


def load(server: Any, key: str) -> KnownSet:
    """Read the whole set, in SSCAN batches so a large set never blocks Redis."""
    return KnownSet(server.sscan_iter(key, count=BATCH))


def add(server: Any, key: str, canonical_urls: Iterable[str]) -> None:
    """Add archived URLs (already canonical), in batches."""
    batch: list[bytes] = []
    for url in canonical_urls:
        batch.append(digest(url))
        if len(batch) >= BATCH:
            server.sadd(key, *batch)
            batch = []
    if batch:
        server.sadd(key, *batch)


def replace(server: Any, key: str, canonical_urls: Iterable[str]) -> None:
    """Make the set exactly these URLs, swapping it in at once (RENAME), so workers never
    read a half-built set and URLs no longer archived disappear."""
    building = f"{key}:building"
    server.delete(building)
    add(server, building, canonical_urls)
    if server.exists(building):
        server.rename(building, key)
    else:
        server.delete(key)
