"""One line per network failure in the log, never a traceback.

A refused connection or a timeout is an everyday event of a crawl, counted by kind in the
end-of-run table; Scrapy's robots.txt and retry middlewares log such failures with the
whole Twisted/Scrapy traceback. This filter keeps their message and drops the traceback
for network errors only: a traceback from anything else (a bug) stays.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from newsarchive.crawl.faults import NETWORK_ERRORS

# Loggers of the Scrapy components that report download failures.
_LOGGERS = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.core.scraper",
    "scrapy.core.engine",
)


class _OneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and type(error).__name__ in NETWORK_ERRORS:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        failure = getattr(record, "failure", None)
        if failure is not None and type(getattr(failure, "value", None)).__name__ in NETWORK_ERRORS:
            record.failure = None  # type: ignore[attr-defined]
        return True


class OneLineNetworkErrors:
    """Installs the filter for the crawl's lifetime (an extension, so ``scrapy crawl``
    gets it too)."""

    filter = _OneLine()

    def __init__(self) -> None:
        for name in _LOGGERS:
            logger = logging.getLogger(name)
            if self.filter not in logger.filters:
                logger.addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls()
