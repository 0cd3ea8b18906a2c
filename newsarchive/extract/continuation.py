"""Articles split over several pages (``a.html``, ``a_2.html``, … with 下一页 inside the
body): the URLs of the pages that continue this one."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_HREF_RE = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)


def continuation_urls(text: str, url: str) -> list[str]:
    """Later pages of the same article, in page order.

    >>> continuation_urls('<a href="t1_2.html">2</a><a href="t1_3.html">下一页</a>', "http://x.cn/a/t1.html")
    ['http://x.cn/a/t1_2.html', 'http://x.cn/a/t1_3.html']
    >>> continuation_urls('<a href="t1_3.html">3</a>', "http://x.cn/a/t1_2.html")
    ['http://x.cn/a/t1_3.html']
    """
    path = urlsplit(url).path
    match = re.match(r"^(?P<stem>.*?)(?:_(?P<n>\d{1,3}))?(?P<ext>\.[a-z]{2,6})$", path, re.I)
    if not match:
        return []
    stem, ext = match["stem"], match["ext"]
    current = int(match["n"] or 1)
    page_re = re.compile(rf"^{re.escape(stem)}_(\d{{1,3}}){re.escape(ext)}$")
    found: dict[int, str] = {}
    for href in _HREF_RE.findall(text):
        absolute = urljoin(url, href)
        parts = urlsplit(absolute)
        if parts.netloc != urlsplit(url).netloc:
            continue
        number = page_re.match(parts.path)
        if number and int(number.group(1)) > current:
            found.setdefault(int(number.group(1)), absolute.split("#")[0])
    return [found[n] for n in sorted(found)]
