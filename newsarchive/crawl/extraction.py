"""Article extraction off the crawl's event loop, in worker processes.

Extraction is pure CPU work (a few milliseconds a page); done on the reactor it holds up
fetching and storing. With ``NEWSARCHIVE_EXTRACT_WORKERS`` > 0 it runs in that many
worker processes while the crawl process keeps downloading and writing; 0 keeps it in
the crawl process (also the fallback without Scrapy's asyncio reactor).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from newsarchive.extract import ExtractionError, extract_article

ArticleResult = tuple[dict[str, Any] | None, list[str], str | None, list[str]]


EXTRACTOR_FAILED = "the extractor failed"


def read_article(body: bytes | str, url: str, selectors: Mapping[str, str] | None, content_type: str | None) -> ArticleResult:
    """(article as a dict, URLs of the pages that continue it, or the reason it is
    unreadable, and what could not be read on the page: ``too_deep``)."""
    try:
        article = extract_article(body, url, selectors=selectors, content_type=content_type)
    except ExtractionError as error:
        return None, [], error.reason, []
    except Exception as error:  # a fault of the extractor, not of the page: the page is kept
        return None, [], f"{EXTRACTOR_FAILED}: {error.__class__.__name__}: {error}", []
    return article.to_dict(), article.more_pages, None, article.notices


def _quiet_worker(parent: int) -> None:
    """Set up a worker: Ctrl-C and SIGTERM are for the crawl process, which stops the
    workers itself once it has drained; and a worker whose crawl process died (SIGKILL)
    ends too.

    SIGTERM is ignored, not left to kill: ``timeout``, systemd and ``kill -TERM -PGID``
    signal the whole process group at once, and a worker dying then fails every article
    in flight (BrokenProcessPool) while the crawl process is stopping gracefully.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _exit_with_parent(parent: int) -> None:
    # The workers share the task queue's pipe, so they would not see their parent go.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


class Extractor:
    """Runs :func:`read_article` in worker processes, or inline when there are none."""

    def __init__(self, workers: int) -> None:
        self.workers = max(workers, 0)
        self.pool: ProcessPoolExecutor | None = None

    async def article(self, body: bytes | str, url: str, selectors: Mapping[str, str] | None, content_type: str | None) -> ArticleResult:
        loop = _running_loop()
        if not self.workers or loop is None:
            return read_article(body, url, selectors, content_type)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_quiet_worker,
                initargs=(os.getpid(),),
            )
        return await loop.run_in_executor(self.pool, read_article, body, url, dict(selectors) if selectors else None, content_type)

    def close(self) -> None:
        """Let the workers finish what they hold and go; any still there after
        ``STOP_GRACE`` seconds is killed (it ignores SIGTERM, which is what a broken pool
        would use, so without this a stuck worker would hold up the crawl's exit)."""
        if self.pool is not None:
            processes = list(getattr(self.pool, "_processes", {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            threading.Thread(target=_reap, args=(processes,), daemon=True, name="extractor-reaper").start()


STOP_GRACE = 30.0


def _reap(processes: list[Any]) -> None:
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop Scrapy's asyncio reactor runs on; None under another reactor."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
