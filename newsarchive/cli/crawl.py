"""Commands: ``newsarchive crawl`` and ``newsarchive portals``."""

from __future__ import annotations

import difflib
import re
import shlex
import sys
from pathlib import Path

import click

from newsarchive import exitcodes
from newsarchive.cli.options import db_option


def resolve_targets(targets: tuple[str, ...], sections: str | None):
    """Portal names from spiders/ and bare URLs (one zero-configuration portal). Broken
    definitions of other portals are reported as warnings and block nothing."""
    from newsarchive.portals import PortalError, load_catalogue, zero_config_portal

    urls = [t for t in targets if re.match(r"^https?://", t, re.I)]
    names = [t for t in targets if t not in urls]
    portals = []
    if names:
        catalogue = load_catalogue()
        for name in names:
            if name in catalogue.broken:
                raise catalogue.broken[name]
            if name not in catalogue.portals:
                raise PortalError("command line", name, _unknown_target(name, [*catalogue.portals, *catalogue.broken]))
            portals.append(catalogue.portals[name])
        for error in catalogue.broken.values():
            echo_lines("warning", f"{error}", "(that portal is skipped)")
    if urls:
        portals.append(zero_config_portal(urls))
    wanted = [s.strip() for s in sections.split(",") if s.strip()] if sections else None
    return [p.select_sections(wanted) for p in portals] if wanted else portals


# host.name.tld, optionally :port and a path: a URL given without its scheme
_SCHEMELESS_URL = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?([/?#].*)?$")


def _unknown_target(name: str, known: list[str]) -> str:
    """What to say about a target that is neither a portal nor a URL: the likely intent."""
    if _SCHEMELESS_URL.match(name):
        return f"not a portal name, and a URL needs its scheme: did you mean http://{name}?"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"no portal named {name!r}; did you mean {close[0]}?"
    return f"no portal named {name!r} (known: {', '.join(sorted(known)) or 'none'}); give a URL for a zero-configuration crawl"


def echo_lines(level: str, text: str, suffix: str = "") -> None:
    """Each line of a (multi-problem) message on stderr with its level in front."""
    for line in text.splitlines():
        click.echo(f"{level}: {line} {suffix}".rstrip(), err=True)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``-s NAME=VALUE`` options as a dict of Scrapy settings."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s")
        settings[name] = value
    return settings


def _since(value: str | None, hint: str = "--since") -> str | None:
    if value is None:
        return None
    from newsarchive.extract.dates import calendar_day

    try:
        return calendar_day(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD", param_hint=hint) from None


def check_settings(settings: dict[str, str]) -> dict[str, str]:
    """The ``-s`` settings of newsarchive's own that have a form, checked (a usage error
    here, not a crawl that misreads them)."""
    if settings.get("NEWSARCHIVE_SINCE"):
        settings["NEWSARCHIVE_SINCE"] = _since(settings["NEWSARCHIVE_SINCE"], "-s NEWSARCHIVE_SINCE") or ""
    if "NEWSARCHIVE_LOCK_WAIT" in settings:
        try:
            if float(settings["NEWSARCHIVE_LOCK_WAIT"]) < 0:
                raise ValueError
        except ValueError:
            raise click.BadParameter("seconds, 0 or more", param_hint="-s NEWSARCHIVE_LOCK_WAIT") from None
    return settings


@click.command("crawl")
@click.argument("targets", nargs=-1, required=True)
@db_option
@click.option("--since", help="Stop paging a section once its list is older than this date (YYYY-MM-DD).")
@click.option("--max-pages", type=click.IntRange(min=0), default=0, help="List pages per section (0: no limit).")
@click.option("--sections", help="Only these sections of a portal, by name, comma-separated.")
@click.option("--full", is_flag=True, help="Crawl everything again, not only what is new.")
@click.option("--resume", is_flag=True, help="Only finish what an interrupted crawl left (no fresh look at finished sections).")
@click.option("--recheck", type=click.IntRange(min=0), default=0, help="Re-fetch the newest N archived articles to catch edits.")
@click.option("--download-attachments", is_flag=True, help="Store linked files (pdf, doc, xls …) in the archive too.")
@click.option("--redis", "redis_url", metavar="URL", help="Share the queue with other workers (redis://HOST:6379/0).")
@click.option("--contact", help="A URL or e-mail address for the User-Agent, so site owners can reach you.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting, as with scrapy -s.")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE", help="Also write the articles to FILE, appending (a Scrapy feed: .jsonl, .json, .csv, .xml; FILE:FORMAT).")
@click.option("-O", "--overwrite-output", "overwrites", multiple=True, metavar="FILE", help="As -o, replacing FILE.")
@click.option("--quiet", is_flag=True, help="No progress line and no log, only the end-of-run table.")
def crawl_command(
    targets: tuple[str, ...],
    db: Path,
    since: str | None,
    max_pages: int,
    sections: str | None,
    full: bool,
    resume: bool,
    recheck: int,
    download_attachments: bool,
    redis_url: str | None,
    contact: str | None,
    overrides: tuple[str, ...],
    outputs: tuple[str, ...],
    overwrites: tuple[str, ...],
    quiet: bool,
) -> None:
    """Crawl portals (names from spiders/) or section/article URLs into the archive.

    \b
    Exit status: 0 ok, 1 finished with errors, 2 usage error, 3 blocked or locked,
    130 stopped by Ctrl-C, 143 stopped by SIGTERM (a plain rerun continues),
    4 the Redis of --redis is down or refused the password.
    """
    from newsarchive.crawl.runner import CrawlOptions
    from newsarchive.portals import PortalError

    try:
        portals = resolve_targets(targets, sections)
    except PortalError as error:
        echo_lines("error", str(error))
        sys.exit(exitcodes.USAGE)
    settings = {"LOG_LEVEL": "ERROR" if quiet else "WARNING", **check_settings(parse_overrides(overrides))}
    if contact:
        settings["NEWSARCHIVE_CONTACT"] = contact
    if outputs or overwrites:
        settings["FEEDS"] = _feeds(list(outputs), list(overwrites), len(portals))
    options = CrawlOptions(
        db=db,
        since=_since(since),
        max_pages=max_pages,
        full=full,
        resume=resume,
        recheck=recheck,
        download_attachments=download_attachments,
        progress=not quiet,
        redis_url=redis_url,
        settings=settings,
    )
    sys.exit(run_and_report(portals, options, "crawl"))


def _feeds(outputs: list[str], overwrites: list[str], portals: int) -> dict[str, dict]:
    """FEEDS for -o/-O, read as ``scrapy crawl`` reads them; several portals crawl side by
    side, so each needs a file of its own (``%(name)s`` in the name)."""
    from scrapy.exceptions import UsageError
    from scrapy.settings import Settings
    from scrapy.utils.conf import feed_process_params_from_cli

    if portals > 1 and any("%(name)s" not in uri for uri in outputs + overwrites):
        echo_lines("error", "several portals write several feeds: put %(name)s in the file name (-o items-%(name)s.jsonl)")
        sys.exit(exitcodes.USAGE)
    scrapy_settings = Settings()
    scrapy_settings.setmodule("newsarchive.settings")
    try:
        return feed_process_params_from_cli(scrapy_settings, outputs or None, overwrite_output=overwrites or None)
    except UsageError as error:  # a format Scrapy has no exporter for, -o and -O together
        echo_lines("error", str(error))
        sys.exit(exitcodes.USAGE)


def run_and_report(portals, options, command: str, rerun: str | None = None) -> int:
    """Run a crawl, print the table and where the archive is; return the exit status.
    ``rerun``: the command that continues an interrupted run (default: the crawl's own)."""
    from dataclasses import replace

    from newsarchive.crawl.runner import run_crawl
    from newsarchive.distributed import RedisUnavailable, redis_url_for, run_worker
    from newsarchive.store import ArchiveError, ArchiveLocked

    shared = redis_url_for(options)
    try:
        if shared:  # a worker of a shared crawl: `newsarchive ingest` owns the archive
            result = run_worker(portals, replace(options, redis_url=shared))
        else:
            result = run_crawl(portals, options, command=command)
    except RedisUnavailable as error:  # a worker whose Redis is down or refused it
        click.echo(f"error: {error}", err=True)
        return exitcodes.UNAVAILABLE
    except ArchiveLocked as error:  # another crawl, or a write lock held too long (ArchiveBusy)
        click.echo(f"error: {error}", err=True)
        return exitcodes.BLOCKED
    except ArchiveError as error:  # an unusable --db (read-only, full disk, not an archive)
        click.echo(f"error: {error}", err=True)
        return exitcodes.USAGE
    click.echo(result.table)
    from newsarchive.distributed import redacted

    if shared:  # a worker: its "new" articles went to Redis, for `newsarchive ingest`
        click.echo(f"\narticles sent to `newsarchive ingest` through {redacted(shared)}")
        if result.interrupted:
            click.echo("interrupted: its unfinished requests are queued again; run it again to continue", err=True)
        return result.status
    click.echo(f"\narchive: {options.db}")
    if result.interrupted:
        targets = [s.url for p in portals if p.zero_config for s in p.sections] + [p.name for p in portals if not p.zero_config]
        again = rerun or shlex.join(["newsarchive", "crawl", *targets, "--db", str(options.db)])
        click.echo(f"interrupted: the archive records what is left; run `{again}` again to continue", err=True)
    return result.status


@click.command("portals")
@click.option("--check", is_flag=True, help="Only validate the definitions.")
def portals_command(check: bool) -> None:
    """List the portals defined in spiders/*.toml (validating each).

    Every problem of every broken file is reported, with its file and key; the exit
    status is then 2, and the valid portals are listed all the same.
    """
    from newsarchive.portals import load_catalogue, portals_dir

    catalogue = load_catalogue()
    for error in catalogue.broken.values():
        echo_lines("error", f"{error}")
    if check:
        if not catalogue.broken:
            click.echo(f"{len(catalogue.portals)} portal definitions in {portals_dir()} are valid")
    else:
        for portal in catalogue.portals.values():
            click.echo(f"{portal.name}\t{portal.title}\t{len(portal.sections)} sections\t{', '.join(portal.allowed_hosts)}")
    if catalogue.broken:
        sys.exit(exitcodes.USAGE)


commands: list[click.Command] = [crawl_command, portals_command]
