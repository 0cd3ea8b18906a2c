"""Commands: ``newsarchive extract`` — run the article extractor over saved pages, standard
input or one fetched URL."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from newsarchive import exitcodes

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
STDIN = "-"
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One page to extract: where it came from (a path, ``-`` or None for a URL) and how
    to read it."""

    label: str | None
    path: Path | None = None
    url: str | None = None

    def read(self) -> tuple[bytes, str | None, str | None]:
        """(bytes, Content-Type, the page's URL when fetched)."""
        if self.url is not None:
            from newsarchive.fetch import fetch_page

            fetched = fetch_page(self.url)
            return fetched.body, fetched.content_type, fetched.url
        if self.path is None:
            return sys.stdin.buffer.read(), None, None
        return self.path.read_bytes(), None, None


def _sources(targets: tuple[str, ...]) -> Iterator[Source]:
    for target in targets:
        if target == STDIN:
            yield Source(STDIN)
        elif _URL.match(target):
            yield Source(None, url=target)
        elif (path := Path(target)).is_dir():
            pages = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)
            yield from (Source(str(p), path=p) for p in pages)
        elif path.exists():
            yield Source(target, path=path)
        else:
            raise click.BadParameter(f"{target!r}: no such file or folder (a URL starts with http://)", param_hint="PATHS")


@click.command("extract")
@click.argument("targets", metavar="PATHS", nargs=-1, required=True)
@click.option("--url", help="The page's original URL (resolves relative links, dates in URLs). One saved page only.")
@click.option("--pretty", is_flag=True, help="Indent the JSON (one object per page still).")
def extract_command(targets: tuple[str, ...], url: str | None, pretty: bool) -> None:
    """Extract articles from saved pages (files or folders), standard input (-) or a URL
    fetched once, politely; one JSON object per line.

    A page that cannot be read (not HTML, not an article, not fetched) prints an error
    line on stderr; the exit status is 1 if any page failed.
    """
    from newsarchive.extract import ExtractionError, extract_article
    from newsarchive.fetch import FetchError
    from newsarchive.sniff import not_html

    sources = list(_sources(targets))
    if url and (len(sources) > 1 or sources[0].url is not None):
        raise click.UsageError("--url applies to a single saved page (a fetched page has its own URL)")
    failed = 0
    for source in sources:
        try:
            body, content_type, fetched_url = source.read()
            problem = not_html(body, content_type)
            if problem:
                raise ExtractionError(problem)
            article = extract_article(body, fetched_url or url, content_type=content_type)
        except (ExtractionError, FetchError, OSError) as error:
            failed += 1
            reason = getattr(error, "reason", None) or str(error)
            record = {"file": source.label, **({"url": source.url} if source.url else {}), "error": reason}
            click.echo(json.dumps(record, ensure_ascii=False), err=True)
            continue
        record = {"file": source.label, **article.to_dict()}
        click.echo(json.dumps(record, ensure_ascii=False, indent=1 if pretty else None))
    sys.exit(exitcodes.ERRORS if failed else exitcodes.OK)


commands: list[click.Command] = [extract_command]
