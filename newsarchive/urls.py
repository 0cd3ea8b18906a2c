"""One spelling per page: the canonical URL that keys an article row.

Portals link the same page as ``…/index.html`` and ``…/``, with sharing parameters
(``?from=timeline``, ``utm_*``), fragments and session ids (``;jsessionid=…``,
``?PHPSESSID=…``); all of those must land on one row. A session id matters most: a portal
that puts a fresh one in every link would otherwise make every link a new page, and a
crawl of thirty articles would never end.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Parameters added by sharing buttons, apps and analytics; they never select content.
TRACKING_PARAMS = frozenset(
    {
        "from",
        "spm",
        "share",
        "share_from",
        "sharefrom",
        "share_token",
        "isappinstalled",
        "scene",
        "wfr",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Session ids of Java, PHP, ASP and ColdFusion servers and home-made ones, in the query or
# as path parameters (compared case-insensitively).
SESSION_PARAMS = frozenset({"jsessionid", "sid", "sessionid", "session_id", "phpsessid", "cfid", "cftoken"})
SESSION_PREFIXES = ("aspsessionid",)

# Directory index documents: ``/news/index.html`` is served as ``/news/``.
_INDEX_DOC = re.compile(r"/(?:index|default)\.(?:html?|shtml)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _is_tracking(pair: str) -> bool:
    key = pair.split("=", 1)[0].lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES) or _is_session(key)


def _is_session(key: str) -> bool:
    return key in SESSION_PARAMS or key.startswith(SESSION_PREFIXES)


def _without_session(path: str) -> str:
    """The path without session path parameters (``/a.jsp;jsessionid=…``), others kept."""
    if ";" not in path:
        return path
    segments = []
    for segment in path.split("/"):
        name, *params = segment.split(";")
        kept = [p for p in params if not _is_session(p.split("=", 1)[0].lower())]
        segments.append(";".join([name, *kept]))
    return "/".join(segments)


def canonical_url(url: str) -> str:
    """The canonical form of ``url``: sorted query without tracking parameters and
    session ids, no session path parameters, no fragment, no index document, lower-case
    scheme and host, no default port. Never raises: a link on a page can be anything.

    >>> canonical_url("http://www.example.gov.cn:.com.cn/a.html#top")
    'http://www.example.gov.cn:.com.cn/a.html'
    """
    url = url.strip()
    try:
        canon = canonicalize_url(url, keep_fragments=False)
    except ValueError:  # a port that is no number (":.com.cn"): the URL stays as written
        canon = url.split("#", 1)[0]
    scheme, netloc, path, query, _ = urlsplit(canon)
    scheme = scheme.lower()
    netloc = netloc.lower()
    default_port = _DEFAULT_PORTS.get(scheme)
    if default_port and netloc.endswith(default_port):
        netloc = netloc[: -len(default_port)]
    netloc = netloc.rstrip(".")
    path = _INDEX_DOC.sub("/", _without_session(path)) or "/"
    query = "&".join(p for p in query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, netloc, path, query, ""))


def request_key(url: str, method: str = "GET", body: bytes | None = None) -> str:
    """What tells two requests apart: the canonical URL of a GET, and the method and a
    digest of the body besides for anything else (a data proxy's POST windows share one
    URL and differ only in their form). The crawl frontier is keyed by it, and request
    fingerprints are taken over it, so "fetched" means the same thing in both."""
    canon = canonical_url(url)
    method = method.upper()
    if method == "GET" and not body:
        return canon
    return f"{method} {canon} {hashlib.sha1(body or b'').hexdigest()[:20]}"
