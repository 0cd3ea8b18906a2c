"""Spider middleware: requests stay on the portal's hosts and on http(s)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newsarchive.store.canonical import canonical_url


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


class StayOnHosts:
    """Drops requests for other hosts or other schemes, and counts them."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StayOnHosts:
        return cls(crawler)

    def _keep(self, item: Any) -> bool:
        if not isinstance(item, Request):
            return True
        hosts = getattr(self.crawler.spider, "allowed_hosts", ())
        if not hosts or host_allowed(item.url, hosts):
            return True
        self.stats.inc_value("newsarchive/offsite_dropped")
        return False

    def process_spider_output(self, response: Any, result: Iterable[Any], spider: Spider | None = None) -> Iterable[Any]:
        return (item for item in result if self._keep(item))

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        async for item in result:
            if self._keep(item):
                yield item


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already visited in the same chain."""


class RedirectLoopGuard:
    """Stops a redirect chain that returns to a URL it passed through (A → B → A).

    Without it the loop ends silently in the duplicate filter; with it the fetch fails
    as ``redirect_loop`` and is counted.
    """

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        target = canonical_url(urljoin(request.url, response.headers[b"Location"].decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonical_url(url) for url in chain}:
            raise RedirectLoop(f"redirect loop: {request.url} → {target}")
        return response
