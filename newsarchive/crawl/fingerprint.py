"""Request fingerprints over request keys (canonical URL, and method and body for a
POST), so ``a.html?from=list`` and ``a.html`` are one request, an article reached from a
list and from a neighbour is fetched once, and "seen" means what the crawl frontier
means by it."""

from __future__ import annotations

import hashlib

from scrapy import Request

from newsarchive.urls import request_key


class CanonicalFingerprinter:
    """Scrapy's request fingerprinter interface, over ``request_key``."""

    def fingerprint(self, request: Request) -> bytes:
        return hashlib.sha1(request_key(request.url, request.method, request.body or None).encode("utf-8")).digest()
