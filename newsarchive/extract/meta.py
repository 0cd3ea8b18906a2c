"""``<meta>`` tags: the government CMS set (ArticleTitle, PubDate, ContentSource …),
Open Graph and the common publishing-time names, read once into a lower-cased dict."""

from __future__ import annotations

from newsarchive.extract.dom import Element, squash

DATE_KEYS = (
    "pubdate", "publishdate", "publish_date", "published_time", "article:published_time",
    "og:release_date", "datepublished", "publication_date", "firstpublishedtime",
    "release_date", "weibo:article:create_at", "dc.date", "dc.date.issued", "date",
)
SOURCE_KEYS = ("contentsource", "source", "article:source", "og:article:source")


def read_meta(root: Element) -> dict[str, str]:
    """Every named ``<meta>`` of the page; the first one of a name wins."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = el.get("name") or el.get("property") or el.get("itemprop") or el.get("http-equiv")
        content = squash(el.get("content"))
        if key and content:
            found.setdefault(key.strip().lower(), content)
    return found


def first_of(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key]
    return None
