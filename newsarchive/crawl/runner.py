"""Run a crawl the way the command line does: lock the archive, record the run, start
Scrapy with the portal's settings, then report per section and choose an exit status."""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsarchive import exitcodes
from newsarchive.crawl.report import exit_status, render_table, section_rows
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

    @property
    def table(self) -> str:
        return render_table(self.rows)


def job_dir(db: Path, portals: list[Portal]) -> Path:
    """Scrapy's JOBDIR for these portals on this archive, under the archive's folder."""
    key = hashlib.sha1(("|".join(sorted(p.name for p in portals)) + str(db.resolve())).encode()).hexdigest()[:10]
    return db.parent / "jobs" / f"{'-'.join(sorted(p.name for p in portals))[:40]}-{key}"


def scrapy_settings(portals: list[Portal], options: CrawlOptions, run_id: int | None) -> Any:
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
    if options.redis_url:
        from newsarchive.crawl.distributed import redis_settings

        settings.setdict(redis_settings(options.redis_url), priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    return settings


def run_crawl(portals: list[Portal], options: CrawlOptions, command: str = "crawl") -> CrawlResult:
    """Crawl the portals into the archive; returns the per-section rows and exit status.

    Raises ArchiveLocked when another crawl holds the archive.
    """
    from newsarchive.crawl.distributed import redis_url_for, run_worker
    from newsarchive.store import ArchiveBusy, ArchiveError, open_archive

    redis_url = redis_url_for(options)
    if redis_url:  # a worker of a shared crawl: `newsarchive ingest` owns the archive
        return run_worker(portals, replace(options, redis_url=redis_url))
    archive = open_archive(options.db, lock_wait=lock_wait(options))
    try:
        with archive.lock(command=f"{command} {' '.join(p.name for p in portals)}"):
            jobs = job_dir(options.db, portals)
            _prepare_job_dir(archive, jobs, options)
            run_id = archive.begin_run(command, [p.name for p in portals], _arguments(options))
            settings = scrapy_settings(portals, options, run_id)
            if options.resume or not options.redis_url:
                settings.set("JOBDIR", str(jobs), priority="cmdline")
            result = crawl_portals(portals, settings)
            if not result.interrupted and jobs.exists():
                shutil.rmtree(jobs, ignore_errors=True)  # finished: nothing to resume
            from newsarchive.pipelines import _jsonable

            stopped_by = result.stats.get("newsarchive/archive_error")
            try:
                archive.finish_run(run_id, result.status, counts={"sections": result.rows, "interrupted": result.interrupted}, stats=_jsonable(result.stats))
            except ArchiveError:
                if not stopped_by:
                    raise
            if stopped_by:  # the disk filled up or turned read-only, or stayed locked, during the crawl
                error = ArchiveBusy if result.stats.get("newsarchive/archive_busy") else ArchiveError
                raise error(f"{stopped_by}; the crawl stopped, the archive keeps what was stored before")
            return result
    finally:
        archive.close()


def crawl_portals(portals: list[Portal], settings: Any) -> CrawlResult:
    """One Scrapy process over the portals (a crawler each); their stats merged, the
    per-section rows and the exit status. No archive bookkeeping: that is the caller's."""
    from scrapy.crawler import CrawlerProcess

    from newsarchive.crawl.loader import spider_for

    process = CrawlerProcess(settings)
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
    interrupted = any((c.stats.get_value("finish_reason") if c.stats else None) == "shutdown" for c in crawlers)
    rows = section_rows(stats)
    status = exit_status(rows)
    if interrupted:
        status = max(status, exitcodes.ERRORS)
    return CrawlResult(status, rows, stats, interrupted)


def lock_wait(options: CrawlOptions) -> float:
    """NEWSARCHIVE_LOCK_WAIT from ``-s``, else the project's (validated by the command line)."""
    import newsarchive.settings as defaults

    return float(options.settings.get("NEWSARCHIVE_LOCK_WAIT", defaults.NEWSARCHIVE_LOCK_WAIT))


def _prepare_job_dir(archive: Any, jobs: Path, options: CrawlOptions) -> None:
    """Keep Scrapy's saved state only for ``--resume`` after a clean stop.

    A run stopped by SIGTERM/Ctrl-C leaves a consistent JOBDIR; one killed outright may
    not, so then the state is dropped and the resume walks every list page instead,
    skipping what the archive already holds.
    """
    if not jobs.exists():
        return
    row = archive.conn.execute("SELECT finished_at FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    clean_stop = bool(row and row[0])
    if not options.resume or not clean_stop:
        shutil.rmtree(jobs, ignore_errors=True)


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
