"""Commands over an archive: migrate, search, export, stats, report, serve, reextract, unlock."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from newsarchive import exitcodes
from newsarchive.cli.options import db_option
from newsarchive.export import FORMATS
from newsarchive.store import ArchiveError, ArchiveLocked, open_archive

F = TypeVar("F", bound=Callable[..., Any])

_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?")


def _date(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not (_DATE.fullmatch(value) and _real_date(value)):
        raise click.BadParameter(f"{value!r}: use an ISO date: 2024, 2024-05, 2024-05-01 or 2024-05-01T08:00")
    return value


def _real_date(value: str) -> bool:
    """Whether the month, day and time given exist (2024-13-45 does not)."""
    try:
        if len(value) > 10:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif len(value) > 4:
            datetime.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        return False
    return True



portal_option = click.option("--portal", help="Only this portal.")
since_option = click.option(
    "--since", callback=_date, help="From this date (publication date; fetch time for WARC)."
)
until_option = click.option("--until", callback=_date, help="Up to and including this date.")


def archive_errors(func: F) -> F:
    """Store errors become a one-line message and an exit status, not a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from newsarchive.export import ExportError

        try:
            return func(*args, **kwargs)
        except ArchiveLocked as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exitcodes.BLOCKED)
        except (ArchiveError, ExportError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exitcodes.ERRORS)

    return wrapper  # type: ignore[return-value]


@contextmanager
def _opened(db: Path, readonly: bool = True) -> Iterator[Any]:
    archive = open_archive(db, readonly=readonly)
    try:
        yield archive
    finally:
        archive.close()


@click.command()
@db_option
@archive_errors
def migrate(db: Path) -> None:
    """Create the archive or bring its schema up to date."""
    from newsarchive.store import schema

    with _opened(db, readonly=False) as archive:
        for name in archive.migrated:
            click.echo(f"applied {name}")
        total = len(schema.applied(archive.conn))
        click.echo(f"{db}: schema up to date ({total} migrations)")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1)
@portal_option
@since_option
@until_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@db_option
@archive_errors
def search(
    words: tuple[str, ...],
    portal: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
    db: Path,
) -> None:
    """Full-text search of titles and bodies: any word from one character up.

    \b
    扶贫 产业            both words
    扶贫 OR 脱贫         either
    扶贫 -广告           the first without the second (or: 扶贫 NOT 广告)
    "乡村振兴 示范"      the words next to each other
    (扶贫 OR 脱贫) 产业  grouping
    振兴*                the same as 振兴: terms match inside words

    Quote a phrase for the shell too: newsarchive search '"乡村振兴 示范"'.
    """
    from newsarchive.store.query import QueryError
    from newsarchive.terminal import printable

    query = " ".join(words)
    color = sys.stdout.isatty() and not as_json
    marks = ("\x1b[1;31m", "\x1b[0m") if color else ("[", "]")
    with _opened(db) as archive:
        try:
            results = archive.search(
                query, portal=portal, since=since, until=until, limit=limit, marks=marks
            )
        except QueryError as exc:
            raise click.UsageError(f"cannot search {query!r}: {exc}") from exc
    shown = len(results.hits)
    summary = ("1 article matches" if results.total == 1 else f"{results.total} articles match") + (
        f" (showing {shown})" if shown < results.total else ""
    )
    if as_json:
        for hit in results.hits:
            click.echo(json.dumps(hit, ensure_ascii=False))
        click.echo(summary, err=True)
        return
    click.echo(summary)
    for number, hit in enumerate(results.hits, 1):
        day = (hit["published_at"] or "")[:10] or "----------"
        click.echo(
            f"{number:>3}. {day}  {printable(hit['portal'])}  "
            f"{hit['title_highlighted'] or '(no title)'}",
            color=color,
        )
        click.echo(f"     {printable(hit['url'])}")
        if hit["snippet"]:
            click.echo(f"     {hit['snippet']}", color=color)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: from the -o file name (.csv, .jsonl or .ndjson, .parquet, .warc, "
    ".warc.gz, .wacz).",
)
@portal_option
@click.option("--section", help="Only this section (the crawl's section name).")
@since_option
@until_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
@click.option(
    "--raw", is_flag=True, help="CSV: cells byte-exact (no ' before text Excel runs as a formula)."
)
@db_option
@archive_errors
def export(
    fmt: str | None,
    portal: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    output: Path | None,
    force: bool,
    raw: bool,
    db: Path,
) -> None:
    """Export articles (csv, jsonl, parquet) or the raw fetches (warc, wacz).

    A file is written beside its target and renamed into place once complete, so an
    interrupted export leaves the previous file (or none), never part of one.
    """
    from newsarchive.export import BINARY_FORMATS, PAGE_FORMATS, gzipped_warc
    from newsarchive.export import export as run_export

    fmt = _export_format(fmt, output)
    if output is None and fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is binary: give -o FILE or redirect stdout to a file")
    if output is not None:
        _check_target(output, db, force)
    options = {"portal": portal, "section": section, "since": since, "until": until, "raw": raw}
    options["compress"] = gzipped_warc(output)
    with _opened(db) as archive:
        if output is None:
            count = run_export(archive, fmt, sys.stdout.buffer, **options)
        else:
            count = _export_to_file(archive, fmt, output, force, options)
    what = "fetches" if fmt in PAGE_FORMATS else "articles"
    click.echo(f"exported {count} {what}" + (f" to {output}" if output else ""), err=True)


def _export_format(fmt: str | None, output: Path | None) -> str:
    """The --format given, else the one the file name asks for."""
    from newsarchive.export import format_for

    if fmt:
        return fmt
    if output is None:
        raise click.UsageError(f"give --format ({', '.join(FORMATS)}) to write to stdout")
    inferred = format_for(output)
    if inferred is None:
        raise click.UsageError(
            f"cannot tell the format from the name {output.name!r}: give --format "
            f"({', '.join(FORMATS)}) or name it .csv, .jsonl, .parquet, .warc(.gz) or .wacz"
        )
    return inferred


def _check_target(output: Path, db: Path, force: bool) -> None:
    """Refuse, before any work, to write over the archive or (without --force) a file."""
    own = {db.resolve().with_name(db.name + suffix) for suffix in ("", "-wal", "-shm")}
    if output.resolve() in own:
        raise click.UsageError(f"{output} is the archive itself; choose another file")
    if output.exists() and not force:
        raise click.UsageError(f"{output} exists; give --force to replace it")


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (timeout, systemd, kill) stops an export as Ctrl-C does, cleaning up."""

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _export_to_file(
    archive: Any, fmt: str, output: Path, force: bool, options: dict[str, Any]
) -> int:
    from newsarchive.export import export as run_export
    from newsarchive.export.atomic import atomic_file

    kept = f"the previous {output} is unchanged" if output.exists() else f"no {output} was made"
    try:
        with _sigterm_interrupts(), atomic_file(output, replace=force) as out:
            return run_export(archive, fmt, out, **options)
    except KeyboardInterrupt:
        click.echo(f"interrupted: {kept}", err=True)
        sys.exit(exitcodes.INTERRUPTED)
    except FileExistsError as exc:
        raise click.UsageError(f"{output} appeared while exporting and was left as it is; "
                               "give --force to replace it") from exc  # fmt: skip
    except OSError as exc:
        raise ArchiveError(f"cannot write export {output}: {exc.strerror or exc}; {kept}") from exc


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The numbers as JSON.")
@db_option
@archive_errors
def stats(as_json: bool, db: Path) -> None:
    """Articles per portal and section, dates, field coverage, last runs."""
    with _opened(db) as archive:
        numbers = archive.stats()
    if as_json:
        click.echo(json.dumps(numbers, ensure_ascii=False, indent=2))
        return
    totals = numbers["totals"]
    click.echo(
        f"{totals['articles']} articles, {totals['pages']} fetches, {totals['versions']} "
        f"earlier versions, {totals['aliases']} aliases, {totals['stories']} stories on "
        f"several pages, {totals['attachments']} attachments, {totals['runs']} runs"
    )
    header = ("portal / section", "articles", "published", "date", "source", "authors", "body")
    rows = []
    for portal in numbers["portals"]:
        rows.append(_stat_row(portal["portal"], portal))
        rows += [
            _stat_row("  " + (s["section"] or "(none)"), s)
            for s in numbers["sections"]
            if s["portal"] == portal["portal"]
        ]
    _table(header, rows)
    for portal in numbers["portals"]:
        run = portal["last_run"]
        if run:
            click.echo(
                f"{portal['portal']}: last run #{run['id']} ({run['command']}) "
                f"{run['started_at']} status {run['status']}"
            )
        for field, (before, after) in portal["coverage_drops"].items():
            click.secho(
                f"WARNING {portal['portal']}: {field} found on {_percent(after)} of articles in "
                f"the last run against {_percent(before)} before: has the page template changed?",
                fg="yellow",
            )


    for walk in numbers["unfinished_walks"]:
        unfinished = walk["status"] == "unfinished"
        what = f"{walk['pending']} requests pending" if unfinished else f"{walk['deferred']} requests deferred"
        advice = "run the crawl again to finish it" if unfinished else "a run without that bound goes on"
        click.secho(
            f"{walk['status'].upper()} {walk['portal']} / {walk['name']}: {what} ({walk['reason']}); {advice}",
            fg="yellow" if unfinished else None,
        )


def _stat_row(label: str, group: dict[str, Any]) -> list[str]:
    first = (group["first_published"] or "")[:10]
    last = (group["last_published"] or "")[:10]
    cover = group["coverage"]
    return [
        label,
        str(group["articles"]),
        f"{first}…{last}" if first else "-",
        *(_percent(cover[f]) for f in ("date", "source", "authors", "body")),
    ]


def _table(header: tuple[str, ...], rows: list[list[str]]) -> None:
    def width(text: str) -> int:  # CJK characters take two columns in a terminal
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(r[i]) for r in [list(header), *rows]) for i in range(len(header))]
    for row in [list(header), *rows]:
        click.echo(
            "  ".join(
                cell + " " * (w - width(cell)) if i == 0 else " " * (w - width(cell)) + cell
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


@click.command()
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--public",
    is_flag=True,
    help="Allow an address beyond loopback; turns arbitrary SQL off and hides the raw "
    "request and run tables.",
)
@click.option(
    "--immutable",
    is_flag=True,
    help="Open the archive as a file that never changes (read-only media); automatic "
    "when its folder cannot be written.",
)
@db_option
@archive_errors
def serve(port: int, host: str, public: bool, immutable: bool, db: Path) -> None:
    """Browse and search the archive in Datasette."""
    from newsarchive.cli.signals import stop_like_ctrl_c
    from newsarchive.store.serve import is_loopback, run_datasette

    if not public and not is_loopback(host):
        raise click.UsageError(
            f"--host {host} serves the archive beyond this machine: add --public, which "
            "turns arbitrary SQL off and hides the pages, page_bodies, crawl_runs and "
            "archive_lock tables"
        )
    if not immutable and db.exists() and not os.access(db.parent, os.W_OK):
        click.echo(f"{db.parent} is read-only: serving {db} as immutable", err=True)
        immutable = True
    archive = open_archive(db, readonly=True, immutable=immutable)  # fails clearly when unfit
    archive.close()
    try:
        with stop_like_ctrl_c():
            sys.exit(run_datasette(db, host=host, port=port, public=public, immutable=immutable))
    except ImportError:
        click.echo("error: serving needs Datasette: pip install 'newsarchive[serve]'", err=True)
        sys.exit(exitcodes.ERRORS)


@click.command()
@portal_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="HTML file to write.",
)  # fmt: skip
@db_option
@archive_errors
def report(portal: str | None, output: Path, db: Path) -> None:
    """One self-contained HTML page of charts: articles per month, field coverage, runs,
    unfinished walks (opens offline)."""
    try:
        from newsarchive.report import build_report
    except ImportError:  # pragma: no cover - the extra is in the test extra
        raise click.UsageError("the report needs plotly: pip install 'newsarchive[report]'") from None
    with _opened(db) as archive:
        portals = [r[0] for r in archive.conn.execute("SELECT DISTINCT portal FROM articles")]
        if portal is not None and portal not in portals:
            raise click.UsageError(
                f"the archive has no articles of portal {portal!r} (it has: "
                f"{', '.join(sorted(portals)) or 'none'})"
            )
        page = build_report(archive.conn, portal)
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_text(page, "utf-8")
        os.replace(partial, output)  # a reader never sees half a page
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write report {output}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {output} ({len(page.encode()) / 2**20:.1f} MiB)", err=True)


@click.command()
@portal_option
@db_option
@archive_errors
def reextract(portal: str | None, db: Path) -> None:
    """Re-run the extractor over stored pages (no network); edits become new versions."""
    from newsarchive.services.reextract import reextract as run_reextract

    selectors = _portal_selectors()
    with _opened(db, readonly=False) as archive, archive.lock(command="reextract"):
        counts = run_reextract(
            archive,
            portal=portal,
            selectors_for=selectors.get,
            progress=lambda c: click.echo(
                "  " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())), err=True
            ),
        )
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no articles")
    if counts.get("failed"):
        sys.exit(exitcodes.ERRORS)


def _portal_selectors() -> dict[str, dict[str, str] | None]:
    """Each portal definition's field selectors, passed to the extractor as the crawl does."""
    from newsarchive.portals import PortalError, load_portals

    try:
        portals = load_portals()
    except (PortalError, OSError) as exc:
        click.echo(f"warning: portal definitions not read ({exc}); using no selectors", err=True)
        return {}
    return {name: portal.fields or None for name, portal in portals.items()}


@click.command()
@db_option
@archive_errors
def unlock(db: Path) -> None:
    """Remove a lock left by a crawl on another host that is known to be gone."""
    with _opened(db, readonly=False) as archive:
        holder = archive.break_lock()
    if holder is None:
        click.echo(f"{db} was not locked")
    else:
        click.echo(
            f"removed the lock of pid {holder['pid']} on {holder['host']} "
            f"({holder['command']}, since {holder['acquired_at']})"
        )


commands: list[click.Command] = [migrate, search, export, stats, report, serve, reextract, unlock]
