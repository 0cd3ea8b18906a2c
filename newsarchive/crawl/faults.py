"""Names for the ways a fetch fails, as counted in the end-of-run table and crawl_runs."""

from __future__ import annotations

from twisted.python.failure import Failure

# Exception class names (Twisted's and Scrapy's) → the kind a user reads in the table.
_KINDS = {
    "DownloadTimeoutError": "timeout",
    "DownloadConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns",
    "UnsupportedURLSchemeError": "unsupported_scheme",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DNSLookupError": "dns",
    "DownloadCancelledError": "too_large",  # cut at DOWNLOAD_MAXSIZE
    "CancelledError": "too_large",
    "ResponseDataLossError": "truncated",  # body shorter than its Content-Length
    "PotentialDataLoss": "truncated",
    "_DataLoss": "truncated",
    "DownloadFailedError": "connection_reset",
    "ConnectionLost": "connection_reset",
    "ConnectionDone": "connection_reset",
    "ResponseNeverReceived": "connection_reset",
    "ResponseFailed": "connection_reset",
    "ConnectionRefusedError": "connection_refused",
    "ConnectError": "connection_refused",
    "RedirectLoop": "redirect_loop",
    "OffsiteRedirect": "offsite_redirect",
    "IgnoreRequest": "ignored",
}


# Failures of the network rather than of the crawler: reported in one line, by kind.
NETWORK_ERRORS = frozenset(name for name, kind in _KINDS.items() if kind not in ("redirect_loop", "ignored"))


def failure_kind(failure: Failure) -> str:
    """A short stable name: ``http_404``, ``timeout``, ``truncated``, ``too_large`` …"""
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None and getattr(response, "status", None):
        return f"http_{response.status}"
    name = type(value).__name__
    if name in _KINDS:
        return _KINDS[name]
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if "Connection" in name:
        return "connection_reset"
    return name.lower()


def unreadable_kind(reason: str) -> str:
    """The kind of a page that arrived but is not a page we can read."""
    text = reason.lower()
    if text.startswith("the extractor failed"):
        return "extractor_error"
    if "nested deeper" in text:
        return "too_deep"
    if "empty" in text:
        return "empty_page"
    if "binary" in text:
        return "binary_junk"
    if "decode" in text:
        return "undecodable"
    return "not_an_article"
