"""One generic spider for every portal: section pages, their pagination, the articles
they list, and the 上一条/下一条 chains between articles.

The spider only routes: what a page is and what it holds comes from the pure
extractors; what is already archived comes from the archive (read once at start).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from newsarchive.crawl.antibot import is_challenge
from newsarchive.crawl.extraction import Extractor
from newsarchive.crawl.faults import failure_kind, unreadable_kind
from newsarchive.crawl.middlewares import OffsiteRedirect, OutOfScope
from newsarchive.extract import ExtractionError
from newsarchive.extract.dates import calendar_day
from newsarchive.extract.dom import NOTICES
from newsarchive.extract.listing import extract_listing, page_kind
from newsarchive.extract.model import PageRequest
from newsarchive.extract.patterns import ATTACHMENT_RE
from newsarchive.extract.section import section_name
from newsarchive.portals import Portal
from newsarchive.scope import Scope
from newsarchive.store.canonical import canonical_url

# Hard cap of list pages per section, whatever the site says (endless pagination).
PAGE_CAP = 5000


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def _keep_form(page: PageRequest, previous: Request | None) -> PageRequest:
    """A data-proxy answer names its next page without the form it was posted with
    (Hanweb's ``dataproxy.jsp``): the next page is posted with the same form."""
    if previous is None or previous.method != "POST" or page.data:
        return page
    if urlsplit(page.url).path != urlsplit(previous.url).path:
        return page
    return PageRequest(page.url, "POST", dict(parse_qsl(previous.body.decode("utf-8", "replace"))))


class PortalSpider(scrapy.Spider):
    name = "portal"
    portal: Portal

    def __init__(self, portal: Portal | None = None, *args: Any, **kwargs: Any) -> None:
        portal = portal or getattr(type(self), "portal", None)
        if portal is None:
            raise ValueError("a PortalSpider needs a portal")
        super().__init__(portal.name, *args, **kwargs)
        self.portal = portal
        self.scope = Scope(portal.allowed_hosts, [s.url for s in portal.sections])  # read by the scope middlewares
        self.known: set[str] = set()
        self.dead: set[str] = set()  # 404s and challenges of earlier runs
        self.chains: dict[str, tuple[str | None, str | None]] = {}  # stored neighbour links
        self.recheck_urls: list[str] = []
        self.section_seen: dict[str, set[str]] = {}
        self.not_articles = {canonical_url(s.url) for s in portal.sections}
        self.extractor = Extractor(0)  # replaced by from_crawler with the configured one
        self.section_names: dict[str, str] = {}  # zero-configuration section URL name → page name

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = settings.getbool("NEWSARCHIVE_FULL")
        spider.resume = settings.getbool("NEWSARCHIVE_RESUME")
        spider.since = settings.get("NEWSARCHIVE_SINCE") or None
        if spider.since:
            try:
                spider.since = calendar_day(spider.since)
            except ValueError:
                raise ValueError(f"NEWSARCHIVE_SINCE={spider.since!r} is not a date: use YYYY-MM-DD") from None
        spider.max_pages = settings.getint("NEWSARCHIVE_MAX_PAGES") or PAGE_CAP
        spider.max_article_pages = settings.getint("NEWSARCHIVE_MAX_ARTICLE_PAGES", 20)
        spider.download_attachments = settings.getbool("NEWSARCHIVE_DOWNLOAD_ATTACHMENTS")
        spider.extractor = Extractor(settings.getint("NEWSARCHIVE_EXTRACT_WORKERS", 0))
        crawler.signals.connect(spider.extractor.close, signal=signals.spider_closed)
        recheck = settings.getint("NEWSARCHIVE_RECHECK")
        db = Path(settings.get("NEWSARCHIVE_DB"))
        if not spider.full and db.exists():
            from newsarchive.store import open_archive
            from newsarchive.store.chains import dead_urls, neighbour_links

            archive = open_archive(db, readonly=True)
            try:
                spider.known = archive.known_urls(spider.portal.name)
                spider.dead = dead_urls(archive, spider.portal.name)
                spider.chains = neighbour_links(archive, spider.portal.name) if spider.resume else {}
                spider.recheck_urls = archive.newest_urls(spider.portal.name, recheck) if recheck else []
            finally:
                archive.close()
        return spider

    # -- counting -------------------------------------------------------------------

    def count(self, section: str, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/section/{section}/{key}", n)
        self.crawler.stats.set_value("newsarchive/current_section", section)

    def is_known(self, url: str) -> bool:
        return not self.full and canonical_url(url) in self.known

    def is_dead(self, url: str) -> bool:
        return not self.full and canonical_url(url) in self.dead

    # -- requests ---------------------------------------------------------------------

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        for section in self.portal.sections:
            yield Request(
                section.url,
                callback=self.parse_start,
                errback=self.failed,
                meta={"section": section.name, "page_no": 1},
            )
        for url in self.recheck_urls:
            yield Request(url, callback=self.parse_article, errback=self.failed, meta={"section": "(recheck)", "recheck": True}, dont_filter=True)

    def _page_request(self, page: PageRequest, section: str, page_no: int) -> Request:
        meta = {"section": section, "page_no": page_no, "kind": "list"}
        if page.method == "POST":
            return FormRequest(page.url, formdata=page.data or {}, callback=self.parse_list, errback=self.failed, meta=meta)
        return Request(page.url, callback=self.parse_list, errback=self.failed, meta=meta)

    def _article_request(self, url: str, section: str, via: str, priority: int = 0) -> Request:
        return Request(url, callback=self.parse_article, errback=self.failed, meta={"section": section, "via": via}, priority=priority)

    # -- responses --------------------------------------------------------------------

    def _blocked(self, response: Response) -> bool:
        if is_challenge(response.status, response.body, _headers(response)):
            self.count(response.meta["section"], "blocked")
            self.logger.warning("blocked by an anti-bot challenge: %s (HTTP %s)", response.url, response.status)
            return True
        return False

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        """A section URL may be a list page or an article: tell them apart by structure."""
        if self._blocked(response):
            yield self.page_record(response, "blocked")
            return
        try:
            kind = page_kind(response.body, response.url)
        except ExtractionError as error:
            for record in self._unreadable(response, error):
                yield record
            return
        if kind == "article":
            async for output in self.parse_article(response):
                yield output
        else:
            for output in self.parse_list(response):
                yield output

    def parse_list(self, response: Response) -> Iterator[Any]:
        section = self._section_name(response)
        page_no = response.meta.get("page_no", 1)
        if self._blocked(response):
            yield self.page_record(response, "blocked")
            return
        yield self.page_record(response, "list")
        self.count(section, "list_pages")
        try:
            listing = extract_listing(
                response.body,
                response.url,
                item_selector=self.portal.list_item,
                next_selector=self.portal.next_page,
                article_url_pattern=self.portal.article_url_pattern,
            )
        except ExtractionError as error:
            yield from self._unreadable(response, error)
            return
        seen = self.section_seen.setdefault(section, set())
        fresh = older = new_here = 0
        for item in listing.items:
            canon = canonical_url(item.url)
            if canon not in seen:
                new_here += 1
                seen.add(canon)
            if self.since and item.date and item.date < self.since:
                older += 1
                continue
            if self.is_known(item.url):
                self.count(section, "known")
                if self.resume:  # the interrupted run may have walked only part of its chain
                    yield from self._neighbours(*self.chains.get(canon, (None, None)), section)
                continue
            if self.is_dead(item.url):
                self.count(section, "dead_skipped")
                continue
            if canon in self.not_articles or urlsplit(item.url).path in ("", "/"):
                continue  # a section page or the home page linked from the list's breadcrumb
            if ATTACHMENT_RE.search(urlsplit(item.url).path):
                self.count(section, "files_listed")  # a document in the list, not an article page
                continue
            fresh += 1
            yield self._article_request(item.url, section, "list", priority=1)
        if not listing.items and page_no == 1 and listing.next_page is None:
            self.count(section, "empty_lists")
        endless = page_no > 1 and new_here == 0  # the site repeats itself: endless pagination
        if endless and listing.next_page is not None:
            self.count(section, "errors/endless_pagination")
        stop = (
            page_no >= self.max_pages
            or endless
            or (listing.items and older == len(listing.items))  # all older than --since
            or (listing.items and fresh == 0 and not (self.full or self.resume))  # only known: incremental stop
        )
        if listing.next_page is not None and not stop:
            yield self._page_request(_keep_form(listing.next_page, response.request), section, page_no + 1)

    def _section_name(self, response: Response) -> str:
        """A zero-configuration section, known only by its URL, takes the name its first
        list page gives it (breadcrumb or ``<title>``), unless another section has it."""
        section = response.meta["section"]
        if not self.portal.zero_config or response.meta.get("page_no", 1) != 1 or section in self.section_names.values():
            return self.section_names.get(section, section)
        name = section_name(response.body)
        if name and name not in self.section_names.values():
            self.section_names[section] = name
        return self.section_names.get(section, section)

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        section = response.meta["section"]
        if self._blocked(response):
            yield self.page_record(response, "blocked")
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        article, more, unreadable, notices = await self.extractor.article(response.body, response.url, self.portal.fields or None, content_type)
        if article is None:
            for record in self._unreadable(response, ExtractionError(unreadable or "unreadable", response.url)):
                yield record
            return
        self._notices(response, notices)
        if self.since and article["published_at"] and article["published_at"][:10] < self.since:
            # Older than --since (reached along a 上一条/下一条 walk): the walk ends here.
            self.count(section, "older_than_since")
            return
        item = {
            "kind": "article",
            "portal": self.portal.name,
            "section": section,
            "requested_url": (response.meta.get("redirect_urls") or [response.url])[0],
            "final_url": response.url,
            "article": article,
            "pages": [self.page_record(response, "article")],
            "recheck": bool(response.meta.get("recheck")),
        }
        for request in self._neighbours(article["prev_url"], article["next_url"], section):
            yield request
        more = more[: self.max_article_pages]
        if more:
            yield Request(more[0], callback=self.parse_continuation, errback=self.continuation_failed, meta={"section": section, "item": item, "more": more[1:]}, dont_filter=True)
        else:
            for output in self._finish(item):
                yield output

    async def parse_continuation(self, response: Response) -> AsyncIterator[Any]:
        """A later page of a split article: its text, pictures and files join the first page's."""
        item = response.meta["item"]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        part, _, _, notices = await self.extractor.article(response.body, response.url, self.portal.fields or None, content_type)
        self._notices(response, notices)
        if part is not None and part["body"]:
            article = item["article"]
            article["body"] = "\n".join(x for x in (article["body"], part["body"]) if x)
            article["images"] += [i for i in part["images"] if i not in article["images"]]
            article["attachments"] += [a for a in part["attachments"] if a not in article["attachments"]]
            item["pages"].append(self.page_record(response, "article_part"))
        more = response.meta["more"]
        if more:
            yield Request(more[0], callback=self.parse_continuation, errback=self.continuation_failed, meta={**response.meta, "more": more[1:]}, dont_filter=True)
        else:
            for output in self._finish(item):
                yield output

    def continuation_failed(self, failure: Failure) -> Iterator[Any]:
        yield from self.failed(failure)
        yield from self._finish(failure.request.meta["item"])

    def _finish(self, item: dict[str, Any]) -> Iterator[Any]:
        yield item
        if not self.download_attachments:
            return
        article = item["article"]
        files = [a["url"] for a in article["attachments"]] + [i["src"] for i in article["images"]]
        for url in dict.fromkeys(files):
            meta = {"section": item["section"], "article_url": item["final_url"]}
            yield Request(url, callback=self.parse_file, errback=self.failed, meta=meta, priority=-1)

    def parse_file(self, response: Response) -> Iterator[dict[str, Any]]:
        """A linked file (--download-attachments), kept as received beside its article."""
        self.count(response.meta["section"], "files")
        yield {
            "kind": "attachment",
            "article_url": response.meta["article_url"],
            "url": response.url,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
            "body": response.body,
            "fetched_at": datetime.now(timezone.utc),
        }

    def _neighbours(self, prev_url: str | None, next_url: str | None, section: str) -> Iterator[Request]:
        """Walk on to the neighbours; an archived one ends the walk, except when resuming:
        then the walk passes through archived articles by their stored links (no fetch)
        to the first one the interrupted run did not reach."""
        pending = [url for url in (prev_url, next_url) if url]
        passed: set[str] = set()
        while pending:
            url = pending.pop()
            canon = canonical_url(url)
            if canon in passed:
                continue
            passed.add(canon)
            if self.is_dead(url):
                continue
            if not self.is_known(url):
                yield self._article_request(url, section, "neighbour")
            elif self.resume and canon in self.chains:
                pending.extend(link for link in self.chains[canon] if link)
            else:
                self.count(section, "known_neighbours")

    def _notices(self, response: Response, notices: list[str]) -> None:
        """Part of a page that was kept but could not be read whole (``too_deep``)."""
        for notice in notices:
            self.count(response.meta["section"], f"errors/{notice}")
            self.logger.warning("%s: %s", response.url, NOTICES.get(notice, notice))

    def _unreadable(self, response: Response, error: ExtractionError) -> Iterator[Any]:
        section = response.meta.get("section", "?")
        self.count(section, f"errors/{unreadable_kind(error.reason)}")
        self.logger.warning("unreadable page %s: %s", response.url, error.reason)
        yield self.page_record(response, "unreadable")

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        section = request.meta.get("section", "?")
        response = getattr(failure.value, "response", None)
        if response is not None and is_challenge(response.status, response.body, _headers(response)):
            self.count(section, "blocked")
            self.logger.warning("blocked by an anti-bot challenge: %s (HTTP %s)", request.url, response.status)
            yield self.page_record(response, "blocked", section=section)
            return
        if isinstance(failure.value, OutOfScope) and not isinstance(failure.value, OffsiteRedirect):
            self.count(section, f"out_of_scope/{failure.value.kind}")  # a link left alone, not an error
            self.logger.debug("not fetched, %s", failure.value)
            return
        kind = failure_kind(failure)
        self.count(section, f"errors/{kind}")
        self.logger.warning("failed %s: %s", request.url, failure.value if isinstance(failure.value, OffsiteRedirect) else kind)
        if response is not None:
            yield self.page_record(response, kind, section=section)

    def page_record(self, response: Response, role: str, section: str | None = None) -> dict[str, Any]:
        """The raw fetch as received, for the archive's ``pages`` table."""
        request = response.request
        return {
            "kind": "page",
            "role": role,
            "portal": self.portal.name,
            "section": section or response.meta.get("section"),
            "url": (response.meta.get("redirect_urls") or [response.url])[0],
            "final_url": response.url,
            "method": request.method if request is not None else "GET",
            "status": response.status,
            "headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items() for v in values],
            "request_headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, values in request.headers.items() for v in values] if request is not None else [],
            "body": response.body,
            "fetched_at": response.meta.get("fetched_at") or datetime.now(timezone.utc),
        }
