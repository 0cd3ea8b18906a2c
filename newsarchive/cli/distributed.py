"""Commands: ``newsarchive ingest`` and ``newsarchive enqueue``, the two halves of a
distributed crawl that are not workers (workers are ``newsarchive crawl … --redis URL``)."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

import click

from newsarchive import exitcodes
from newsarchive.cli.crawl import echo_lines, parse_overrides, resolve_targets
from newsarchive.cli.options import db_option

REDIS_OPTION = click.option(
    "--redis", "redis_url", metavar="URL",
    help="The crawl's Redis (redis://HOST:6379/0); default: NEWSARCHIVE_REDIS_URL from the settings.",
)
SET_OPTION = click.option(
    "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
    help="A setting, the same as the workers' (e.g. NEWSARCHIVE_REDIS_PREFIX).",
)


def _settings(redis_url: str | None, overrides: tuple[str, ...]) -> Any:
    """The workers' settings for this Redis; exits with a usage error without a URL."""
    from newsarchive.crawl.runner import CrawlOptions
    from newsarchive.distributed import redis_url_for, worker_settings

    values = parse_overrides(overrides)
    url = redis_url_for(CrawlOptions(redis_url=redis_url, settings=values))
    if not url:
        click.echo("error: no Redis given: use --redis URL (or set NEWSARCHIVE_REDIS_URL)", err=True)
        sys.exit(exitcodes.USAGE)
    return worker_settings(url, values)


def _stop_on_signals() -> threading.Event:
    """Ctrl-C or SIGTERM finish the batch in hand and the run record, then stop."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _redis_failed(settings: Any, error: Exception) -> NoReturn:
    """One line naming the Redis (password redacted), exit status 4: cron sees it failed."""
    from newsarchive.distributed import RedisUnavailable, unavailable

    message = error if isinstance(error, RedisUnavailable) else unavailable(settings, error)
    click.echo(f"error: {message}", err=True)
    sys.exit(exitcodes.UNAVAILABLE)


class _Progress:
    def __init__(self, every: float = 2.0) -> None:
        self.every, self.last = every, 0.0

    def __call__(self, counts: Counter) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            click.echo(f"ingested {_summary(counts)}", err=True)


def _summary(counts: Counter) -> str:
    verdicts = ", ".join(f"{k} {counts[k]}" for k in ("new", "updated", "unchanged", "alias") if counts[k])
    return f"{counts['items']} items: {counts['articles']} articles ({verdicts or 'none'}), {counts['pages']} pages, {counts['failed']} set aside"


@click.command("ingest")
@REDIS_OPTION
@db_option
@click.option("--until-idle", type=click.FloatRange(min=0), metavar="SECONDS", help="Stop once no item has arrived for this long (default: run until Ctrl-C or SIGTERM).")
@click.option("--batch", type=click.IntRange(min=1), default=200, show_default=True, help="Items per archive transaction.")
@SET_OPTION
@click.option("--quiet", is_flag=True, help="No progress lines, only the end-of-run table.")
def ingest_command(redis_url: str | None, db: Path, until_idle: float | None, batch: int, overrides: tuple[str, ...], quiet: bool) -> None:
    """Write the items of a distributed crawl's workers into the archive.

    Run one, next to the archive, for as long as the workers run: it holds the archive's
    lock, stores every article as a local crawl would (same dedup and versions), and
    tells the workers what is archived, so their crawls stay incremental.

    \b
    Exit status: 0 ok, 1 items set aside, 2 usage error, 3 archive locked or another ingest
    running, 4 Redis down or refusing the password.
    """
    from redis.exceptions import RedisError

    from newsarchive.distributed import RedisUnavailable
    from newsarchive.distributed.ingest import IngestBusy, ingest
    from newsarchive.store import ArchiveError, ArchiveLocked

    settings = _settings(redis_url, overrides)
    stop = _stop_on_signals()
    try:
        result = ingest(db, settings, until_idle=until_idle, batch=batch, should_stop=stop.is_set, progress=None if quiet else _Progress())
    except (ArchiveLocked, IngestBusy) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(exitcodes.BLOCKED)
    except ArchiveError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(exitcodes.USAGE)
    except (RedisUnavailable, RedisError) as error:  # down at the start, or gone while ingesting
        _redis_failed(settings, error)
    click.echo(result.table)
    click.echo(f"\ningested {_summary(result.counts)}")
    click.echo(f"archive: {db}")
    sys.exit(result.status)


@click.command("enqueue")
@click.argument("targets", nargs=-1, required=True)
@REDIS_OPTION
@click.option("--sections", help="Only these sections of a portal, by name, comma-separated.")
@SET_OPTION
def enqueue_command(targets: tuple[str, ...], redis_url: str | None, sections: str | None, overrides: tuple[str, ...]) -> None:
    """Seed a distributed crawl: queue the portals' section pages for the workers.

    Workers started with the same names seed themselves, so this is for workers that are
    already waiting (NEWSARCHIVE_REDIS_IDLE_CLOSE=0) or for seeding from another host.
    A crawl in progress is not seeded twice: its start pages passed the shared duplicate
    filter already.

    \b
    Exit status: 0 ok, 2 usage error, 4 Redis down or refusing the password.
    """
    from redis.exceptions import RedisError

    from newsarchive.distributed import RedisUnavailable, seed
    from newsarchive.portals import PortalError

    try:
        portals = resolve_targets(targets, sections)
    except PortalError as error:
        echo_lines("error", str(error))
        sys.exit(exitcodes.USAGE)
    settings = _settings(redis_url, overrides)
    try:
        queued = seed(portals, settings)
    except (RedisUnavailable, RedisError) as error:
        _redis_failed(settings, error)
    for name, count in queued.items():
        if count:
            click.echo(f"{name}: {count} start pages queued")
        else:
            click.echo(f"{name}: already seeded (a crawl of it is in progress)")


commands: list[click.Command] = [ingest_command, enqueue_command]
