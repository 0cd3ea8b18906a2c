"""One generic spider for every portal: section pages, their pagination, the articles
they list, and the 上一条/下一条 chains between articles.

The spider only routes: what a page is and what it holds comes from the pure
extractors; what is already archived, and what an earlier run left unfinished, comes
from the archive (read once at start: ``newsarchive.store.frontier``). Each response
ends in one item carrying its *visit* (the request's outcome and the requests it led
to), which the pipeline writes with the page in one transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
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
from newsarchive.crawl.walk import (
    ENTRY_FIELDS,
    entry_of,
    lifted,
    make_entry,
    new_walk,
    request_for,
    transient,
)
from newsarchive.extract import ExtractionError
from newsarchive.extract.dates import calendar_day
from newsarchive.extract.dom import NOTICES
from newsarchive.extract.listing import extract_listing, page_kind
from newsarchive.extract.model import PageRequest
from newsarchive.extract.patterns import ATTACHMENT_RE
from newsarchive.extract.section import section_name
from newsarchive.portals import Portal
from newsarchive.scope import Scope
from newsarchive.urls import canonical_url

# Bounds on every walk, whatever the site says; the bound that stops a walk is reported
# and the request it did not make is kept (deferred) for a run with a higher bound.
PAGE_CAP = 5000  # list pages per section walk
CHAIN_CAP = 10000  # steps along 上一条/下一条 from the nearest list page or start URL
SECTION_CAP = 200_000  # article requests per section and run


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
        self.full = self.resume = False
        self.since: str | None = None
        self.max_pages = 0
        self.page_cap, self.chain_cap, self.section_cap = PAGE_CAP, CHAIN_CAP, SECTION_CAP
        self.max_article_pages = 20
        self.download_attachments = False
        # What the archive says (see load_state).
        self.known: Any = set()  # canonical URLs of archived articles
        self.settled: dict[str, str] = {}  # request keys fetched before → outcome
        self.walks: dict[str, dict[str, Any]] = {}
        self.open_entries: list[dict[str, Any]] = []
        self.lists_read: set[str] = set()  # list pages the current walks have read
        self.recheck_urls: list[str] = []
        # This run.
        self.section_seen: dict[str, set[str]] = {}
        self.requested: dict[str, int] = {}  # article requests per section
        self.not_articles = {canonical_url(s.url) for s in portal.sections}
        self.extractor = Extractor(0)  # replaced by from_crawler with the configured one
        self.section_names: dict[str, str] = {}  # section key → the name its first page gives

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
        spider.max_pages = settings.getint("NEWSARCHIVE_MAX_PAGES")
        spider.page_cap = settings.getint("NEWSARCHIVE_PAGE_CAP", PAGE_CAP)
        spider.chain_cap = settings.getint("NEWSARCHIVE_CHAIN_CAP", CHAIN_CAP)
        spider.section_cap = settings.getint("NEWSARCHIVE_SECTION_CAP", SECTION_CAP)
        spider.max_article_pages = settings.getint("NEWSARCHIVE_MAX_ARTICLE_PAGES", 20)
        spider.download_attachments = settings.getbool("NEWSARCHIVE_DOWNLOAD_ATTACHMENTS")
        spider.extractor = Extractor(settings.getint("NEWSARCHIVE_EXTRACT_WORKERS", 0))
        crawler.signals.connect(spider.extractor.close, signal=signals.spider_closed)
        db = Path(settings.get("NEWSARCHIVE_DB") or "")
        if settings.get("NEWSARCHIVE_DB") and db.exists():
            from newsarchive.store import open_archive

            archive = open_archive(db, readonly=True)
            try:
                spider.load_state(archive.crawl_state(spider.portal.name, settings.getint("NEWSARCHIVE_RECHECK")))
            finally:
                archive.close()
        return spider

    def load_state(self, state: dict[str, Any]) -> None:
        """What the archive (or, for a worker, ingest through Redis) says of this portal:
        ``known``, ``settled``, ``walks``, ``open``, ``lists_read``, ``names``, ``recheck``."""
        self.walks = state.get("walks", {})
        self.open_entries = state.get("open", [])
        self.lists_read = set() if self.full else state.get("lists_read", set())
        self.section_names.update(state.get("names", {}))
        if not self.full:
            self.known = state.get("known", set())
            self.settled = state.get("settled", {})
            self.recheck_urls = state.get("recheck", [])

    @property
    def bounds(self) -> dict[str, Any]:
        return {"since": self.since, "max_pages": self.max_pages, "page_cap": self.page_cap, "chain_cap": self.chain_cap}

    # -- counting -------------------------------------------------------------------

    def count(self, section: str, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/section/{self.display(section)}/{key}", n)
        self.crawler.stats.set_value("newsarchive/current_section", self.display(section))

    def display(self, section: str) -> str:
        return self.section_names.get(section, section)

    def is_known(self, url: str) -> bool:
        return not self.full and canonical_url(url) in self.known

    def is_dead(self, url: str) -> bool:
        """Fetched before and not an article (a 404, a challenge, a page that is not an
        article): not asked for again by an incremental crawl."""
        return not self.full and self.settled.get(canonical_url(url), "article") != "article"

    # -- requests ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        """Each section's walk: a new one where the last walk ended (its list pages are
        read again, and it may stop at known articles), else the unfinished one goes on;
        then every request an earlier run left pending, and deferred ones whose bound no
        longer holds."""
        wanted = {s.name for s in self.portal.sections}
        token = new_walk()
        walk_of: dict[str, int] = {}
        for section in self.portal.sections:
            state = self.walks.get(section.name)
            unfinished = state is not None and state["status"] == "unfinished" and not self.full
            walk = int(state["walk"] or token) if unfinished and state and state["walk"] else token
            walk_of[section.name] = walk
            if unfinished and self.resume:
                continue  # --resume: only what was left, no fresh look at the first page
            incremental = state is not None and not unfinished and not self.full
            entry = make_entry(section.url, role="list", section=section.name, walk=walk, page_no=1, incremental=incremental)
            yield request_for(entry, self.parse_start, self.failed, dont_filter=True)
        for entry in self.open_entries:
            if entry["section"] not in wanted:
                continue
            if entry["state"] == "deferred" and not lifted(entry, self.bounds):
                self.count(entry["section"], f"bounded_{entry['reason']}")
                continue
            if entry["state"] == "deferred" and entry["role"] == "list":
                entry = {**entry, "walk": walk_of.get(entry["section"], entry["walk"])}
            clean = {k: entry.get(k) for k in ENTRY_FIELDS}
            callback = self.parse_list if clean["role"] == "list" and clean["page_no"] != 1 else self.parse_start
            if clean["role"] == "file":
                callback = self.parse_file
            elif clean["role"] == "article":
                callback = self.parse_article
            yield request_for(clean, callback, self.failed, priority=1 if clean["role"] == "article" else 0)
        for url in self.recheck_urls:
            entry = make_entry(url, role="article", section="(recheck)")
            yield request_for(entry, self.parse_article, self.failed, meta={"recheck": True}, dont_filter=True)

    def _child(self, page: PageRequest, parent: dict[str, Any], page_no: int, context: dict[str, Any] | None) -> tuple[dict[str, Any], Request]:
        """The next list page of a walk, as an entry and its request."""
        fields = {"role": "list", "section": parent["section"], "walk": parent["walk"], "page_no": page_no, "incremental": parent["incremental"], "context": context}
        if page.method == "POST":
            form = FormRequest(page.url, formdata=page.data or {}, callback=self.parse_list, errback=self.failed)
            entry = entry_of(form, **fields)
        else:
            entry = make_entry(page.url, **fields)
        return entry, request_for(entry, self.parse_list, self.failed)

    def _article(self, url: str, parent: dict[str, Any], via: str, depth: int) -> dict[str, Any]:
        return make_entry(url, role="article", section=parent["section"], walk=parent["walk"], depth=depth)

    # -- items ------------------------------------------------------------------------

    def visit(self, entry: dict[str, Any] | None, outcome: str, response: Response | None = None, **fields: Any) -> dict[str, Any]:
        """What became of ``entry`` (see ``newsarchive.store.frontier.record_visit``)."""
        visit = {"portal": self.portal.name, "entry": entry, "outcome": outcome, **fields}
        redirects = response.meta.get("redirect_urls") if response is not None else None
        if redirects and response is not None:
            visit["redirected_to"] = [*redirects[1:], response.url]
        return visit

    def visit_item(self, visit: dict[str, Any], page: dict[str, Any] | None = None) -> dict[str, Any]:
        """A page record carrying its visit, or the visit alone (a fetch without answer)."""
        if page is not None:
            return {**page, "visit": visit}
        return {"kind": "visit", "portal": self.portal.name, "visit": visit}

    # -- responses --------------------------------------------------------------------

    def page_text(self, response: Response) -> bytes | str:
        """The page for the extractors: its bytes, which they decode themselves, or, for a
        portal whose definition names its ``encoding``, the text in that encoding."""
        if not self.portal.encoding:
            return response.body
        return response.body.decode(self.portal.encoding, errors="replace")

    def _blocked(self, response: Response) -> dict[str, Any] | None:
        if not is_challenge(response.status, response.body, _headers(response)):
            return None
        self.count(response.meta["section"], "blocked")
        self.logger.warning("blocked by an anti-bot challenge: %s (HTTP %s)", response.url, response.status)
        return self.visit_item(self.visit(response.meta.get("entry"), "blocked", response), self.page_record(response, "blocked"))

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        """A section URL may be a list page or an article: tell them apart by structure."""
        blocked = self._blocked(response)
        if blocked:
            yield blocked
            return
        try:
            kind = page_kind(self.page_text(response), response.url)
        except ExtractionError as error:
            for record in self._unreadable(response, error):
                yield record
            return
        if kind == "article":  # a short list with intros can look like one: the extractor decides
            async for output in self.parse_article(response, or_else=self.parse_list):
                yield output
        else:
            for output in self.parse_list(response):
                yield output

    def parse_list(self, response: Response) -> Iterator[Any]:
        entry = response.meta["entry"]
        key = entry["section"]
        page_no = entry.get("page_no") or 1
        named = self._section_name(response)
        blocked = self._blocked(response)
        if blocked:
            yield blocked
            return
        self.count(key, "list_pages")
        try:
            listing = extract_listing(
                self.page_text(response),
                response.url,
                item_selector=self.portal.list_item,
                next_selector=self.portal.next_page,
                article_url_pattern=self.portal.article_url_pattern,
                total_records=(entry.get("context") or {}).get("total_records"),
            )
        except ExtractionError as error:
            yield from self._unreadable(response, error)
            return
        seen = self.section_seen.setdefault(key, set())
        requests: list[Request] = []
        children: list[dict[str, Any]] = []
        deferred: list[dict[str, Any]] = []
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
                self.count(key, "known")
                continue
            if self.is_dead(item.url):
                self.count(key, "dead_skipped")
                continue
            if canon in self.not_articles or urlsplit(item.url).path in ("", "/"):
                continue  # a section page or the home page linked from the list's breadcrumb
            if ATTACHMENT_RE.search(urlsplit(item.url).path):
                self.count(key, "files_listed")  # a document in the list, not an article page
                continue
            fresh += 1
            child = self._article(item.url, entry, "list", 0)
            if not self._within_section_cap(key):
                deferred.append({**child, "reason": "section_cap", "bound": str(self.section_cap)})
                continue
            children.append(child)
            requests.append(request_for(child, self.parse_article, self.failed, priority=1))
        if not listing.items and page_no == 1 and listing.next_page is None:
            self.count(key, "empty_lists")
        if listing.next_page is not None:
            context = {"total_records": listing.total_records} if listing.total_records is not None else None
            next_entry, next_request = self._child(_keep_form(listing.next_page, response.request), entry, page_no + 1, context)
            endless = page_no > 1 and new_here == 0  # the site repeats itself: endless pagination
            if next_entry["key"] in self.lists_read:
                pass  # this walk read it before an interruption
            elif endless:
                self.count(key, "errors/endless_pagination")
            elif listing.items and older == len(listing.items):  # all older than --since
                deferred.append({**next_entry, "reason": "since", "bound": self.since})
            elif listing.items and fresh == 0 and entry.get("incremental"):
                pass  # only known articles, and the last walk reached the end: done
            elif self.max_pages and page_no >= self.max_pages:
                deferred.append({**next_entry, "reason": "max_pages", "bound": str(self.max_pages)})
                self.count(key, "bounded_max_pages")
            elif page_no >= self.page_cap:
                deferred.append({**next_entry, "reason": "page_cap", "bound": str(self.page_cap)})
                self.count(key, "bounded_page_cap")
            else:
                children.append(next_entry)
                requests.append(next_request)
        visit = self.visit(entry, "list", response, children=children, deferred=deferred, section_name=named if page_no == 1 else None)
        yield self.visit_item(visit, self.page_record(response, "list"))
        yield from requests

    def _within_section_cap(self, key: str) -> bool:
        self.requested[key] = self.requested.get(key, 0) + 1
        if self.requested[key] > self.section_cap:
            if self.requested[key] == self.section_cap + 1:
                self.count(key, "bounded_section_cap")
            return False
        return True

    def _section_name(self, response: Response) -> str | None:
        """A zero-configuration section, known only by its URL, takes the name its first
        list page gives it (breadcrumb or ``<title>``), unless another section has it."""
        key = response.meta["entry"]["section"]
        if not self.portal.zero_config or response.meta["entry"].get("page_no") != 1:
            return None
        name = section_name(self.page_text(response))
        taken = {v for k, v in self.section_names.items() if k != key}
        if name and name not in taken:
            self.section_names[key] = name
            return name
        return None

    async def parse_article(self, response: Response, or_else: Callable[[Response], Iterator[Any]] | None = None) -> AsyncIterator[Any]:
        """An article page; ``or_else`` reads the page instead when it holds no article."""
        entry = response.meta["entry"]
        key = entry["section"]
        blocked = self._blocked(response)
        if blocked:
            yield blocked
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        article, more, unreadable, notices = await self.extractor.article(self.page_text(response), response.url, self.portal.fields or None, content_type)
        if article is None and or_else is not None and unreadable_kind(unreadable or "") == "not_an_article":
            for record in or_else(response):
                yield record
            return
        if article is None:
            for record in self._unreadable(response, ExtractionError(unreadable or "unreadable", response.url)):
                yield record
            return
        self._notices(response, notices)
        if self.since and article["published_at"] and article["published_at"][:10] < self.since:
            # Older than --since (reached along a 上一条/下一条 walk): the walk ends here,
            # and a run without that bound takes it up again.
            self.count(key, "older_than_since")
            visit = self.visit(entry, "older_than_since", response, deferred_by={"reason": "since", "bound": self.since})
            yield self.visit_item(visit, self.page_record(response, "article"))
            return
        children, deferred, requests = self._neighbours(article["prev_url"], article["next_url"], entry)
        if self.is_known(response.url) and not response.meta.get("recheck"):
            # An archived article fetched again as a walk's start, for its neighbours: it
            # is not read again, nor are its later pages (--recheck and --full do that).
            self.count(key, "articles_unchanged")
            visit = self.visit(entry, "article", response, children=children, deferred=deferred)
            yield self.visit_item(visit, self.page_record(response, "article"))
            for request in requests:
                yield request
            return
        item = {
            "kind": "article",
            "portal": self.portal.name,
            "section": self.display(key),
            "requested_url": (response.meta.get("redirect_urls") or [response.url])[0],
            "final_url": response.url,
            "article": article,
            "pages": [self.page_record(response, "article")],
            "recheck": bool(response.meta.get("recheck")),
            "visit": self.visit(entry, "article", response, children=children, deferred=deferred),
        }
        for request in requests:
            yield request
        more = more[: self.max_article_pages]
        if more:
            yield Request(more[0], callback=self.parse_continuation, errback=self.continuation_failed, meta={"section": key, "item": item, "more": more[1:]}, dont_filter=True)
        else:
            for output in self._finish(item):
                yield output

    async def parse_continuation(self, response: Response) -> AsyncIterator[Any]:
        """A later page of a split article: its text, pictures and files join the first page's."""
        from newsarchive.extract.parts import join_part

        item = response.meta["item"]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        part, _, _, notices = await self.extractor.article(self.page_text(response), response.url, self.portal.fields or None, content_type)
        self._notices(response, notices)
        if part is not None and part["body"]:
            join_part(item["article"], part)
            item["pages"].append(self.page_record(response, "article_part"))
        more = response.meta["more"]
        if more:
            yield Request(more[0], callback=self.parse_continuation, errback=self.continuation_failed, meta={**response.meta, "more": more[1:]}, dont_filter=True)
        else:
            for output in self._finish(item):
                yield output

    def continuation_failed(self, failure: Failure) -> Iterator[Any]:
        """The article is kept with the pages it has; after a failure that may pass it
        stays pending, so a later run fetches it whole."""
        item = failure.request.meta["item"]
        kind = failure_kind(failure)
        self.count(failure.request.meta.get("section", "?"), f"errors/{kind}")
        self.logger.warning("failed %s: %s", failure.request.url, kind)
        if transient(kind):
            item["visit"] = {**item["visit"], "retry": True, "outcome": f"part_{kind}"}
        yield from self._finish(item)

    def _finish(self, item: dict[str, Any]) -> Iterator[Any]:
        files: list[Request] = []
        if self.download_attachments:
            article = item["article"]
            urls = [a["url"] for a in article["attachments"]] + [i["src"] for i in article["images"]]
            parent = item["visit"]["entry"] or make_entry(item["final_url"], role="article", section=item["section"])
            for url in dict.fromkeys(urls):
                if self.is_dead(url) or (not self.full and canonical_url(url) in self.settled):
                    continue
                entry = make_entry(url, role="file", section=parent["section"], walk=parent["walk"])
                item["visit"].setdefault("children", []).append(entry)
                files.append(request_for(entry, self.parse_file, self.failed, meta={"article_url": item["final_url"]}, priority=-1))
        yield item
        yield from files

    def parse_file(self, response: Response) -> Iterator[dict[str, Any]]:
        """A linked file (--download-attachments), kept as received beside its article."""
        self.count(response.meta["section"], "files")
        yield {
            "kind": "attachment",
            "article_url": response.meta.get("article_url"),
            "url": response.url,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
            "body": response.body,
            "fetched_at": datetime.now(timezone.utc),
            "visit": self.visit(response.meta.get("entry"), "file", response),
        }

    def _neighbours(self, prev_url: str | None, next_url: str | None, parent: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Request]]:
        """Walk on to the neighbours; an archived one ends the walk (the chain beyond it
        was walked when it was archived, or is still pending in the frontier)."""
        children: list[dict[str, Any]] = []
        deferred: list[dict[str, Any]] = []
        requests: list[Request] = []
        key = parent["section"]
        depth = (parent.get("depth") or 0) + 1
        for url in dict.fromkeys(u for u in (prev_url, next_url) if u):
            if self.is_dead(url):
                continue
            if self.is_known(url):
                self.count(key, "known_neighbours")
                continue
            child = self._article(url, parent, "neighbour", depth)
            if depth > self.chain_cap:
                deferred.append({**child, "reason": "chain_cap", "bound": str(self.chain_cap)})
                self.count(key, "bounded_chain_cap")
                continue
            if not self._within_section_cap(key):
                deferred.append({**child, "reason": "section_cap", "bound": str(self.section_cap)})
                continue
            children.append(child)
            requests.append(request_for(child, self.parse_article, self.failed))
        return children, deferred, requests

    def _notices(self, response: Response, notices: list[str]) -> None:
        """Part of a page that was kept but could not be read whole (``too_deep``)."""
        for notice in notices:
            self.count(response.meta["section"], f"errors/{notice}")
            self.logger.warning("%s: %s", response.url, NOTICES.get(notice, notice))

    def _unreadable(self, response: Response, error: ExtractionError) -> Iterator[Any]:
        section = response.meta.get("section", "?")
        kind = unreadable_kind(error.reason)
        self.count(section, f"errors/{kind}")
        self.logger.warning("unreadable page %s: %s", response.url, error.reason)
        # An extractor fault stays pending: a run with a fixed extractor reads the page.
        visit = self.visit(response.meta.get("entry"), kind, response, retry=kind == "extractor_error")
        yield self.visit_item(visit, self.page_record(response, "unreadable"))

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        entry = request.meta.get("entry")
        section = request.meta.get("section", "?")
        response = getattr(failure.value, "response", None)
        if response is not None and is_challenge(response.status, response.body, _headers(response)):
            self.count(section, "blocked")
            self.logger.warning("blocked by an anti-bot challenge: %s (HTTP %s)", request.url, response.status)
            yield self.visit_item(self.visit(entry, "blocked"), self.page_record(response, "blocked", section=section))
            return
        if isinstance(failure.value, OutOfScope) and not isinstance(failure.value, OffsiteRedirect):
            self.count(section, f"out_of_scope/{failure.value.kind}")  # a link left alone, not an error
            self.logger.debug("not fetched, %s", failure.value)
            # Settled, not pending: a link out of scope stays out of scope on every run.
            yield self.visit_item(self.visit(entry, f"out_of_scope_{failure.value.kind}"))
            return
        kind = failure_kind(failure)
        self.count(section, f"errors/{kind}")
        self.logger.warning("failed %s: %s", request.url, failure.value if isinstance(failure.value, OffsiteRedirect) else kind)
        visit = self.visit(entry, kind, retry=transient(kind))
        yield self.visit_item(visit, self.page_record(response, kind, section=section) if response is not None else None)

    def page_record(self, response: Response, role: str, section: str | None = None) -> dict[str, Any]:
        """The raw fetch as received, for the archive's ``pages`` table."""
        request = response.request
        return {
            "kind": "page",
            "role": role,
            "portal": self.portal.name,
            "section": self.display(section or response.meta.get("section") or "?"),
            "url": (response.meta.get("redirect_urls") or [response.url])[0],
            "final_url": response.url,
            "method": request.method if request is not None else "GET",
            "status": response.status,
            "headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items() for v in values],
            "request_headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, values in request.headers.items() for v in values] if request is not None else [],
            "request_body": (request.body or None) if request is not None else None,
            "body": response.body,
            "fetched_at": response.meta.get("fetched_at") or datetime.now(timezone.utc),
        }
