"""Frontier entries on the Scrapy side: the request a crawl decided to make, as data.

Every request of a walk carries its entry in ``meta["entry"]`` (what it is: a section's
list page, an article, a linked file; which section and walk; how deep along a
上一条/下一条 chain; whether the walk may stop at known articles). Its callback reports
what became of it as a *visit* (see ``newsarchive.store.frontier``), written with the
page, so nothing a crawl set out to fetch is forgotten by a kill.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.http import Request

from newsarchive.urls import request_key

# A fetch that failed this way may succeed on another day: it stays pending.
TRANSIENT_KINDS = frozenset(
    {"timeout", "dns", "truncated", "connection_reset", "connection_refused", "http_408", "http_429"}
)


def transient(kind: str) -> bool:
    return kind in TRANSIENT_KINDS or (kind.startswith("http_5") and kind[5:].isdigit())


ENTRY_FIELDS = ("key", "url", "method", "body", "role", "section", "walk", "page_no", "depth", "incremental", "context")


def new_walk() -> int:
    """A walk token: later walks have larger ones (milliseconds since the epoch)."""
    return int(time.time() * 1000)


def make_entry(
    url: str,
    *,
    role: str,
    section: str,
    walk: int = 0,
    page_no: int | None = None,
    depth: int = 0,
    incremental: bool = False,
    method: str = "GET",
    body: bytes | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "key": request_key(url, method, body),
        "url": url,
        "method": method,
        "body": body or None,
        "role": role,
        "section": section,
        "walk": walk,
        "page_no": page_no,
        "depth": depth,
        "incremental": incremental,
        "context": context,
    }


def entry_of(request: Request, **fields: Any) -> dict[str, Any]:
    """The entry for a request built by Scrapy (a FormRequest's body included)."""
    return make_entry(request.url, method=request.method, body=request.body or None, **fields)


def request_for(entry: dict[str, Any], callback: Any, errback: Any, **kwargs: Any) -> Request:
    """The request an entry stands for, carrying it."""
    meta = {**kwargs.pop("meta", {}), "entry": entry, "section": entry["section"]}
    if entry.get("page_no") is not None:
        meta["page_no"] = entry["page_no"]
    if entry["method"] != "GET" or entry.get("body"):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request(entry["url"], method=entry["method"], body=entry.get("body") or b"", headers=headers, callback=callback, errback=errback, meta=meta, **kwargs)
    return Request(entry["url"], callback=callback, errback=errback, meta=meta, **kwargs)


def lifted(entry: dict[str, Any], bounds: dict[str, Any]) -> bool:
    """Whether a deferred entry's bound no longer holds for this run's ``bounds``
    (``since``, ``max_pages``, ``page_cap``, ``chain_cap``)."""
    reason, bound = entry.get("reason"), entry.get("bound")
    if reason == "since":
        return bounds.get("since") is None or (bound is not None and bounds["since"] < bound)
    if reason == "max_pages":
        limit = bounds.get("max_pages") or 0
        return limit == 0 or (entry.get("page_no") or 0) <= limit
    if reason == "page_cap":
        return (entry.get("page_no") or 0) <= bounds.get("page_cap", 0)
    if reason == "chain_cap":
        return (entry.get("depth") or 0) <= bounds.get("chain_cap", 0)
    return True  # a per-run budget (section_cap): the next run has a new one
