"""Run a crawl the way the command line does: lock the archive, record the run, start
Scrapy with the portal's settings, then report per section and choose an exit status."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from newsarchive import exitcodes
from newsarchive.crawl.report import exit_status, render_table, section_rows, walk_labels
from newsarchive.portals import Portal


@dataclass
class CrawlOptions:
    db: Path = Path("data/archive.db")
    since: str | None = None
    max_pages: int = 0
    full: bool = False
    resume: bool = False
    recheck: int = 0
    download_attachments: bool = False
    progress: bool = False
    redis_url: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # plain Scrapy overrides


@dataclass
class CrawlResult:
    status: int
    rows: list[dict[str, Any]]
    stats: dict[str, Any]
    interrupted: bool = False
    walks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # portal → its sections' walks

    @property
    def table(self) -> str:
        if not self.walks:  # a worker: ingest keeps the walks
            return render_table(self.rows)
        return render_table(self.rows, walk_labels([w for walks in self.walks.values() for w in walks]))


def scrapy_settings(portals: list[Portal], options: CrawlOptions, run_id: int | None, wiring: dict[str, Any] | None = None) -> Any:
    from scrapy.settings import Settings

    import newsarchive.settings as defaults

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    contact = options.settings.get("NEWSARCHIVE_CONTACT") or settings.get("NEWSARCHIVE_CONTACT")
    if contact:
        settings.set("USER_AGENT", f"{settings.get('USER_AGENT')[:-1]}; +{contact})", priority="cmdline")
    settings.setdict(
        {
            "NEWSARCHIVE_DB": str(options.db),
            "NEWSARCHIVE_RUN_ID": run_id or 0,
            "NEWSARCHIVE_SINCE": options.since,
            "NEWSARCHIVE_MAX_PAGES": options.max_pages,
            "NEWSARCHIVE_FULL": options.full,
            "NEWSARCHIVE_RESUME": options.resume,
            "NEWSARCHIVE_RECHECK": options.recheck,
            "NEWSARCHIVE_DOWNLOAD_ATTACHMENTS": options.download_attachments,
            "NEWSARCHIVE_PROGRESS": options.progress,
        },
        priority="cmdline",
    )
    settings.setdict(wiring or {}, priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    return settings


def run_crawl(portals: list[Portal], options: CrawlOptions, command: str = "crawl") -> CrawlResult:
    """Crawl the portals into the archive; returns the per-section rows and exit status.

    Raises ArchiveLocked when another crawl holds the archive.
    """
    from newsarchive.store import ArchiveBusy, ArchiveError, open_archive

    archive = open_archive(options.db, lock_wait=lock_wait(options))
    try:
        with archive.lock(command=f"{command} {' '.join(p.name for p in portals)}"):
            run_id = archive.begin_run(command, [p.name for p in portals], _arguments(options))
            settings = scrapy_settings(portals, options, run_id)
            result = crawl_portals(portals, settings)
            from newsarchive.crawl.pipelines import _jsonable

            stopped_by = result.stats.get("newsarchive/archive_error")
            try:
                result.walks = {p.name: walk_rows(archive, p) for p in portals}
                counts = {"sections": result.rows, "interrupted": result.interrupted, "walks": result.walks}
                archive.finish_run(run_id, result.status, counts=counts, stats=_jsonable(result.stats))
            except ArchiveError:
                if not stopped_by:
                    raise
            if stopped_by:  # the disk filled up or turned read-only, or stayed locked, during the crawl
                error = ArchiveBusy if result.stats.get("newsarchive/archive_busy") else ArchiveError
                raise error(f"{stopped_by}; the crawl stopped, the archive keeps what was stored before")
            return result
    finally:
        archive.close()


def walk_rows(archive: Any, portal: Portal) -> list[dict[str, Any]]:
    """The portal's sections' walks as the archive records them after the crawl."""
    with archive.guard("reading the walks"):
        states = archive.walk_states(portal.name)
    wanted = {s.name for s in portal.sections}
    return [w for key, w in states.items() if key in wanted]


class SignalAwareProcess(CrawlerProcess):
    """Scrapy's process, remembering which signal stopped it: Ctrl-C and SIGTERM exit
    with their own statuses, so cron can tell them from a crawl that ran to its end."""

    stopped_by: int | None = None

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        if self.stopped_by is None:
            self.stopped_by = signum
        super()._signal_shutdown(signum, frame)


def crawl_portals(portals: list[Portal], settings: Any) -> CrawlResult:
    """One Scrapy process over the portals (a crawler each); their stats merged, the
    per-section rows and the exit status. No archive bookkeeping: that is the caller's."""
    from newsarchive.crawl.loader import spider_for

    process = SignalAwareProcess(settings)
    crawlers = []
    for portal in portals:
        crawler = process.create_crawler(spider_for(portal))
        crawlers.append(crawler)
        process.crawl(crawler)
    process.start()
    stats: dict[str, Any] = {}
    for crawler in crawlers:
        for key, value in (crawler.stats.get_stats() if crawler.stats else {}).items():
            stats[key] = stats.get(key, 0) + value if isinstance(value, (int, float)) and key in stats else value
    interrupted = process.stopped_by is not None or any(
        (c.stats.get_value("finish_reason") if c.stats else None) == "shutdown" for c in crawlers
    )
    rows = section_rows(stats)
    status = exit_status(rows)
    if interrupted:
        status = exitcodes.for_signal(process.stopped_by) or exitcodes.INTERRUPTED
    return CrawlResult(status, rows, stats, interrupted)


def lock_wait(options: CrawlOptions) -> float:
    """NEWSARCHIVE_LOCK_WAIT from ``-s``, else the project's (validated by the command line)."""
    import newsarchive.settings as defaults

    return float(options.settings.get("NEWSARCHIVE_LOCK_WAIT", defaults.NEWSARCHIVE_LOCK_WAIT))



def _arguments(options: CrawlOptions) -> dict[str, Any]:
    return {
        "db": str(options.db),
        "since": options.since,
        "max_pages": options.max_pages,
        "full": options.full,
        "resume": options.resume,
        "recheck": options.recheck,
        "download_attachments": options.download_attachments,
        "redis": bool(options.redis_url),
        "argv": sys.argv[1:],
    }
