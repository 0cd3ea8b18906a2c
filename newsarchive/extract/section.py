"""The human name of a section (栏目) page: what a zero-configuration crawl calls the
section it was given only as a URL."""

from __future__ import annotations

from newsarchive.extract.decode import decode_html
from newsarchive.extract.dom import parse_html, strip_furniture
from newsarchive.extract.links import breadcrumb
from newsarchive.extract.model import ExtractionError
from newsarchive.extract.title import title_tag_parts

_MAX_NAME = 20


def section_name(html: bytes | str) -> str | None:
    """The last crumb of the page's breadcrumb, else the first part of its ``<title>``.

    >>> section_name("<html><head><title>政务要闻_某县人民政府</title></head><body>"
    ...              "<div>当前位置: <a href='/'>首页</a> &gt; <a href='./'>政务要闻</a></div></body></html>")
    '政务要闻'
    >>> section_name("<html><head><title>媒体聚焦 - 示范县</title></head><body><p>x</p></body></html>")
    '媒体聚焦'
    """
    try:
        root = parse_html(decode_html(html))
    except ExtractionError:
        return None
    parts = title_tag_parts(root)
    strip_furniture(root)
    crumbs = [c for c in breadcrumb(root) if c not in ("首页", "网站首页", "主页")]
    for name in (crumbs[-1] if crumbs else None, parts[0] if len(parts) > 1 else None):
        if name and len(name) <= _MAX_NAME:
            return name
    return None
