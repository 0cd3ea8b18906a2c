"""Commands: ``newsarchive extract`` — run the article extractor over saved pages."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from newsarchive import exitcodes

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")


def _pages(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
        else:
            yield path


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--url", help="The page's original URL (resolves relative links, dates in URLs). One page only.")
@click.option("--pretty", is_flag=True, help="Indent the JSON (one object per page still).")
def extract_command(paths: tuple[Path, ...], url: str | None, pretty: bool) -> None:
    """Extract articles from saved pages (files or folders), one JSON object per line.

    A page that cannot be read prints an error line on stderr; the exit status is 1
    if any page failed.
    """
    from newsarchive.extract import ExtractionError, extract_article

    pages = list(_pages(paths))
    if url and len(pages) > 1:
        raise click.UsageError("--url applies to a single page")
    failed = 0
    for page in pages:
        try:
            article = extract_article(page.read_bytes(), url)
        except (ExtractionError, OSError) as error:
            failed += 1
            reason = getattr(error, "reason", None) or str(error)
            click.echo(json.dumps({"file": str(page), "error": reason}, ensure_ascii=False), err=True)
            continue
        record = {"file": str(page), **article.to_dict()}
        click.echo(json.dumps(record, ensure_ascii=False, indent=1 if pretty else None))
    sys.exit(exitcodes.ERRORS if failed else exitcodes.OK)


commands: list[click.Command] = [extract_command]
