"""Downloader middlewares: the portal's scope on every request, redirect loops stopped.

Scope is checked in the downloader, not on the spider's output, because requests are also
made by Scrapy itself (redirects, meta refresh, robots.txt) and those never pass through
a spider middleware; every one of them passes ``process_request`` on its way out.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.response import get_meta_refresh
from w3lib.url import safe_url_string

from newsarchive.scope import Scope, resolve
from newsarchive.urls import canonical_url

REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))


class OutOfScope(IgnoreRequest):
    """A request the portal's scope does not allow; ``kind`` says why (see newsarchive.scope)."""

    def __init__(self, kind: str, url: str) -> None:
        super().__init__(f"out of scope ({kind}): {url}")
        self.kind, self.url = kind, url


class OffsiteRedirect(OutOfScope):
    """A fetched page that redirects (3xx or meta refresh) out of scope: the page asked for
    is not archived, so this one is an error of the section, not a link left alone."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__("offsite_redirect", url)
        self.reason = reason
        self.args = (f"redirects out of scope ({reason}) to {url}",)


def _scope(crawler: Crawler) -> Scope | None:
    return getattr(crawler.spider, "scope", None)


class ScopeGuard:
    """Refuses every request out of the portal's scope before anything is sent (even
    robots.txt), whatever made it: a link, a redirect, a form, a continuation, a file."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeGuard:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        scope = _scope(self.crawler)
        if scope is None:
            return None
        kind = await _verdict(scope, request.url)
        if kind is not None:
            raise OutOfScope(kind, request.url)
        return None


class ScopeRedirects:
    """Stops a 3xx or meta refresh that points out of scope before Scrapy's redirect
    middlewares follow it, so it is counted as ``offsite_redirect`` (the followed request
    would be refused by ScopeGuard anyway, but as a link, not as the page's failure)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.meta_refresh = settings.getbool("METAREFRESH_ENABLED", True)
        self.ignore_tags = settings.getlist("METAREFRESH_IGNORE_TAGS")
        self.max_delay = settings.getint("METAREFRESH_MAXDELAY", 100)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeRedirects:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        scope = _scope(self.crawler)
        if scope is None or request.meta.get("dont_redirect"):
            return response
        target = self._target(request, response)
        if target is None:
            return response
        kind = await _verdict(scope, target)
        if kind is not None:
            raise OffsiteRedirect(kind, target)
        return response

    def _target(self, request: Request, response: Response) -> str | None:
        """Where Scrapy's RedirectMiddleware or MetaRefreshMiddleware would go next."""
        target: str | None
        if response.status in REDIRECT_STATUSES and b"Location" in response.headers:
            target = urljoin(request.url, safe_url_string(response.headers[b"Location"]))
        elif self.meta_refresh and isinstance(response, HtmlResponse) and request.method != "HEAD":
            interval, url = get_meta_refresh(response, ignore_tags=self.ignore_tags)
            target = url if url and float(interval or 0) < self.max_delay else None
        else:
            target = None
        # Scrapy follows neither to another scheme: the answer then stays as it is.
        return target if target and target.split(":", 1)[0].lower() in ("http", "https") else None


async def _verdict(scope: Scope, url: str) -> str | None:
    """The scope's verdict, its one address lookup per host done off the event loop."""
    host = scope.unresolved(url)
    if host is not None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not under the asyncio reactor: a blocking lookup
            scope.learn(host, resolve(host))
        else:
            scope.learn(host, await loop.run_in_executor(None, resolve, host))
    return scope.verdict(url)


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already visited in the same chain."""


class RedirectLoopGuard:
    """Stops a redirect chain that returns to a URL it passed through (A → B → A).

    Without it the loop ends silently in the duplicate filter; with it the fetch fails
    as ``redirect_loop`` and is counted.
    """

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        target = canonical_url(urljoin(request.url, response.headers[b"Location"].decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonical_url(url) for url in chain}:
            raise RedirectLoop(f"redirect loop: {request.url} → {target}")
        return response
