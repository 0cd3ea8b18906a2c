"""Commands over an archive: migrate, search, export, stats, serve, reextract, unlock."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from newsarchive import exitcodes
from newsarchive.store import DEFAULT_PATH, ArchiveError, ArchiveLocked, open_archive

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


db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_PATH,
    show_default=True,
    envvar="NEWSARCHIVE_DB",
    help="Archive file.",
)
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


@click.command()
@click.argument("query")
@portal_option
@since_option
@until_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@db_option
@archive_errors
def search(
    query: str,
    portal: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
    db: Path,
) -> None:
    """Full-text search of titles and bodies (any Chinese substring)."""
    from newsarchive.store.search import MIN_INDEXED, short_terms

    short = short_terms(query)
    if short and not as_json:
        click.echo(
            f"note: {', '.join(short)} has fewer than {MIN_INDEXED} characters, which the "
            "index cannot look up; matching it by scanning every article (slower).",
            err=True,
        )
    color = sys.stdout.isatty() and not as_json
    marks = ("\x1b[1;31m", "\x1b[0m") if color else ("[", "]")
    with _opened(db) as archive:
        hits = archive.search(
            query, portal=portal, since=since, until=until, limit=limit, marks=marks
        )
    if as_json:
        for hit in hits:
            click.echo(json.dumps(hit, ensure_ascii=False))
        return
    if not hits:
        click.echo("no matches", err=True)
        return
    for number, hit in enumerate(hits, 1):
        day = (hit["published_at"] or "")[:10] or "----------"
        click.echo(
            f"{number:>3}. {day}  {hit['portal']}  {hit['title_highlighted'] or '(no title)'}",
            color=color,
        )
        click.echo(f"     {hit['url']}")
        if hit["snippet"]:
            click.echo(f"     {hit['snippet']}", color=color)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "warc"]), required=True
)
@portal_option
@click.option("--section", help="Only this section (the crawl's section name).")
@since_option
@until_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
@db_option
@archive_errors
def export(
    fmt: str,
    portal: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    output: Path | None,
    db: Path,
) -> None:
    """Export articles (csv, jsonl, parquet) or the raw fetches (warc)."""
    from newsarchive.export import BINARY_FORMATS
    from newsarchive.export import export as run_export

    if output is None and fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is binary: give -o FILE or redirect stdout to a file")
    filters = {"portal": portal, "section": section, "since": since, "until": until}
    with _opened(db) as archive:
        if output is None:
            count = run_export(archive, fmt, sys.stdout.buffer, **filters)
        else:
            count = _export_to_file(archive, fmt, output, filters)
    what = "fetches" if fmt == "warc" else "articles"
    click.echo(f"exported {count} {what}" + (f" to {output}" if output else ""), err=True)


def _export_to_file(archive: Any, fmt: str, output: Path, filters: dict[str, Any]) -> int:
    from newsarchive.export import export as run_export

    own = {archive.path.resolve().with_name(archive.path.name + s) for s in ("", "-wal", "-shm")}
    if output.resolve() in own:
        raise click.UsageError(f"{output} is the archive itself; choose another file")
    try:
        with output.open("wb") as out:
            return run_export(archive, fmt, out, **filters)
    except OSError as exc:
        raise ArchiveError(f"cannot write export {output}: {exc.strerror or exc}") from exc
    except BaseException:
        output.unlink(missing_ok=True)  # no half-written export left behind
        raise


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
@click.option("--host", default="127.0.0.1", show_default=True)
@db_option
@archive_errors
def serve(port: int, host: str, db: Path) -> None:
    """Browse and search the archive in Datasette."""
    from newsarchive.store.serve import run_datasette

    with _opened(db):  # fails clearly on a missing or outdated archive
        pass
    try:
        sys.exit(run_datasette(db, host=host, port=port))
    except ImportError:
        click.echo("error: serving needs Datasette: pip install 'newsarchive[serve]'", err=True)
        sys.exit(exitcodes.ERRORS)


@click.command()
@portal_option
@db_option
@archive_errors
def reextract(portal: str | None, db: Path) -> None:
    """Re-run the extractor over stored pages (no network); edits become new versions."""
    selectors = _portal_selectors()
    with _opened(db, readonly=False) as archive, archive.lock(command="reextract"):
        counts = archive.reextract(
            portal,
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


commands: list[click.Command] = [migrate, search, export, stats, serve, reextract, unlock]
