"""One page fetched politely, for ``newsarchive extract URL``: the crawl's User-Agent,
timeout and size limit (``newsarchive.settings``), and the site's robots.txt read with
Protego, the parser Scrapy's crawls use, so one URL is allowed here exactly when a
crawl would fetch it. Only http(s), redirects included.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from http.client import HTTPResponse
from urllib.parse import urlsplit

from protego import Protego

from newsarchive import settings

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


class FetchError(Exception):
    """A page that could not be fetched, or may not be: says which and why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str | None


def _opener() -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only: no file:, ftp: or data: handlers a redirect could steer to
    (the standard redirect handler refuses file: itself)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
    ):
        opener.add_handler(handler)
    return opener


def _read(response: HTTPResponse, url: str, max_bytes: int) -> bytes:
    """The body, decompressed if the server compressed it anyway, within ``max_bytes``."""
    data = response.read(max_bytes + 1)
    encoding = (response.headers.get("Content-Encoding") or "").lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(47 if "gzip" in encoding else zlib.MAX_WBITS)
        try:
            data = inflater.decompress(data, max_bytes + 1)
        except zlib.error as error:
            raise FetchError(f"{url}: broken {encoding} body: {error}") from error
    if len(data) > max_bytes:
        raise FetchError(f"{url}: larger than {max_bytes // (1024 * 1024)} MiB, the size limit")
    return data


def _get(url: str, user_agent: str, timeout: float, max_bytes: int) -> Fetched:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": ACCEPT})
    try:
        with _opener().open(request, timeout=timeout) as response:
            return Fetched(response.geturl(), _read(response, url, max_bytes), response.headers.get("Content-Type"))
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            target = error.headers.get("Location")
            raise FetchError(f"{url}: redirected to {target}, which is not an http(s) URL") from error
        raise FetchError(f"{url}: HTTP {error.code} {error.reason}") from error
    except TimeoutError as error:
        raise FetchError(f"{url}: no answer within {timeout:g} s") from error
    except urllib.error.URLError as error:
        raise FetchError(f"{url}: cannot connect: {error.reason}") from error
    except OSError as error:
        raise FetchError(f"{url}: {error}") from error


def allowed_by_robots(url: str, user_agent: str, timeout: float) -> bool:
    """What the site's robots.txt says about ``url``; a missing or unreadable robots.txt
    allows everything, as in a crawl."""
    parts = urlsplit(url)
    robots = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        fetched = _get(robots, user_agent, timeout, 512 * 1024)
    except FetchError:
        return True
    rules = Protego.parse(fetched.body.decode("utf-8", errors="replace"))
    return rules.can_fetch(url, user_agent)


def fetch_page(
    url: str,
    *,
    user_agent: str = settings.USER_AGENT,
    timeout: float = settings.DOWNLOAD_TIMEOUT,
    max_bytes: int = settings.DOWNLOAD_MAXSIZE,
    obey_robots: bool = settings.ROBOTSTXT_OBEY,
) -> Fetched:
    """GET one http(s) page as a crawl would; raises FetchError with the reason."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise FetchError(f"{url}: not an http(s) URL")
    if obey_robots and not allowed_by_robots(url, user_agent, timeout):
        raise FetchError(f"{url}: robots.txt of {urlsplit(url).netloc} does not allow fetching it")
    return _get(url, user_agent, timeout, max_bytes)
