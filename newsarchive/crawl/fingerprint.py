"""Request fingerprints on canonical URLs, so ``a.html?from=list`` and ``a.html`` are one
request and an article reached from a list and from a neighbour is fetched once."""

from __future__ import annotations

import hashlib

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from newsarchive.store.canonical import canonical_url


class CanonicalFingerprinter(RequestFingerprinter):
    """Scrapy's fingerprint of the request, taken over its canonical URL."""

    def fingerprint(self, request: Request) -> bytes:
        if request.method == "GET" and not request.body:
            return hashlib.sha1(canonical_url(request.url).encode("utf-8")).digest()
        return super().fingerprint(request)
