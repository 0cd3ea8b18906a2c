"""Pure extraction: functions of (page bytes, URL), with no Scrapy, SQLite or network."""

from newsarchive.extract.article import extract_article
from newsarchive.extract.model import (
    Article,
    Attachment,
    ExtractionError,
    Image,
    Listing,
    ListItem,
    PageRequest,
)

__all__ = [
    "Article",
    "Attachment",
    "ExtractionError",
    "Image",
    "ListItem",
    "Listing",
    "PageRequest",
    "extract_article",
    "extract_listing",
    "page_kind",
]


def __getattr__(name: str):
    if name in ("extract_listing", "page_kind"):
        from newsarchive.extract import listing

        return getattr(listing, name)
    raise AttributeError(name)
