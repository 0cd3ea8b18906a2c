"""Scrapy's feed exports (``scrapy crawl PORTAL -O items.jsonl``, ``-o``, ``FEEDS``)
write the articles a crawl archived, with the fields and order of ``newsarchive
export``: the pipeline hands those on as ``ArticleRecord``s, and this filter keeps the
crawl's other items (raw pages, frontier visits) out of every feed."""

from __future__ import annotations

from typing import Any

from scrapy.extensions.feedexport import FeedExporter, ItemFilter

from newsarchive.crawl.pipelines import ArticleRecord


class ArticlesOnly(ItemFilter):
    """A feed item filter that accepts archived articles only."""

    def accepts(self, item: Any) -> bool:
        return isinstance(item, ArticleRecord) and super().accepts(item)


class ArticleFeeds(FeedExporter):
    """Scrapy's FeedExporter, with ``ArticlesOnly`` for every feed that names no
    ``item_filter`` of its own."""

    def _load_filter(self, feed_options: dict[str, Any]) -> ItemFilter:
        return super()._load_filter({"item_filter": ArticlesOnly, **feed_options})
