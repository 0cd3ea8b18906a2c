"""The archive's walk state, for workers that cannot read the archive.

A local crawl reads, once at start, how each section's last walk ended, the requests an
earlier run left pending or deferred, and the list pages an unfinished walk already read
(``Archive.crawl_state``). ``newsarchive ingest`` publishes the same for every portal
when it starts, one Redis string per portal, and workers read it when they open: so a
distributed crawl finishes an interrupted one and stops paging where a local one would.
Archived URLs travel separately, as digests (redis_known).
"""

from __future__ import annotations

from typing import Any

from newsarchive.distributed import codec as redis_codec
from newsarchive.distributed.keys import Keys


def publish(server: Any, keys: Keys, archive: Any) -> list[str]:
    """Publish each archived portal's walk state; returns the portals published."""
    portals = [row[0] for row in archive.conn.execute("SELECT DISTINCT portal FROM frontier")]
    for portal in portals:
        state = archive.crawl_state(portal)
        state.pop("known")  # the digests in the known set say the same, smaller
        state["lists_read"] = sorted(state["lists_read"])
        server.set(keys.portal(portal).state, redis_codec.dumps(state))
    return portals


def load(server: Any, keys: Keys, portal: str) -> dict[str, Any] | None:
    """A portal's published walk state, or None when no ingest has published one."""
    data = server.get(keys.portal(portal).state)
    if data is None:
        return None
    state = redis_codec.loads(data)
    state["lists_read"] = set(state.get("lists_read", ()))
    return state
