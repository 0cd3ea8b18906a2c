"""Commands: ``newsarchive demo`` — serve the bundled demo portal on loopback and crawl it."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive import exitcodes
from newsarchive.cli.crawl import run_and_report
from newsarchive.cli.options import db_option
from newsarchive.store import DEFAULT_PATH as DEFAULT_DB

if TYPE_CHECKING:
    from newsarchive.demo import DemoPortal, DemoServer

DEMO_PORT = 8712  # the port spiders/demo.toml names
DEFAULT_ARTICLES = 60


def demo_portal_definition(base_url: str, articles: int, faults: bool = False, seed: int = 0):
    """The demo portal as a Portal: its sections as the demo site lays them out."""
    from newsarchive.demo import DemoPortal
    from newsarchive.portals import Portal, Section

    site = DemoPortal(articles=articles, seed=seed, faults=faults)
    sections = tuple(Section(s["name"], s["url"]) for s in site.sections(base_url))
    from urllib.parse import urlsplit

    return site, Portal(
        name="demo",
        title="示范县融媒体中心 (demo)",
        allowed_hosts=(urlsplit(base_url).netloc,),
        sections=sections,
        politeness={"download_delay": 0.0, "autothrottle": False, "concurrent_requests_per_domain": 8},
        source="newsarchive demo",
    )


@click.command("demo")
@db_option
@click.option("--articles", type=click.IntRange(min=1), default=DEFAULT_ARTICLES, show_default=True, help="How many articles the demo portal has.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=DEMO_PORT, show_default=True, help="Loopback port to serve on (0: any free port).")
@click.option("--faults", is_flag=True, help="Add the fault section (timeouts, resets, loops, junk …).")
@click.option("--serve-only", is_flag=True, help="Only serve the portal (for `scrapy crawl demo`), until Ctrl-C.")
def demo_command(db: Path, articles: int, port: int, faults: bool, serve_only: bool) -> None:
    """Serve the bundled demo county portal on 127.0.0.1 and crawl it into the archive.

    The demo portal serves deliberate hazards (a 404, an anti-bot 412, a flaky 500, a
    redirect): the table shows them as errors and blocked pages, as a real crawl would.
    """
    from newsarchive.cli.signals import stop_like_ctrl_c
    from newsarchive.crawl.runner import CrawlOptions
    from newsarchive.demo import DemoPortal

    site = DemoPortal(articles=articles, faults=faults)
    if serve_only:  # SIGTERM stops the portal's process too (the crawl handles its own)
        with stop_like_ctrl_c(), contextlib.suppress(KeyboardInterrupt):
            server = _start(site, port)
            try:
                click.echo(f"demo portal: {server.base_url}/  ({articles} articles)", err=True)
                click.echo("serving until Ctrl-C", err=True)
                server.wait()
            finally:
                server.stop()
        return
    server = _start(site, port)
    try:
        click.echo(f"demo portal: {server.base_url}/  ({articles} articles)", err=True)
        _, portal = demo_portal_definition(server.base_url, articles, faults)
        options = CrawlOptions(db=db, progress=sys.stderr.isatty(), settings={"LOG_LEVEL": "ERROR"})
        again = " ".join(["newsarchive demo", *([f"--db {db}"] if db != DEFAULT_DB else []), *([f"--articles {articles}"] if articles != DEFAULT_ARTICLES else []), *(["--faults"] if faults else []), *([f"--port {port}"] if port != DEMO_PORT else [])])
        status = run_and_report([portal], options, "demo", rerun=again)
        if status == exitcodes.ERRORS:
            status = _judged_by_truth(site, server.base_url, portal.name, db)
    finally:
        server.__exit__(None, None, None)
    sys.exit(status)


def _judged_by_truth(site: DemoPortal, base_url: str, portal: str, db: Path) -> int:
    """The demo's status after a crawl that met errors: the portal serves deliberate ones
    (a 404, a 412), so what decides is whether every article it has is in the archive."""
    from newsarchive.store import open_archive
    from newsarchive.urls import canonical_url

    with open_archive(db, readonly=True) as archive:
        known = archive.known_urls(portal)
    missing = [r["url"] for r in site.truth(base_url) if canonical_url(r["url"]) not in known]
    if missing:
        click.echo(f"demo: {len(missing)} of the portal's articles are not archived, e.g. {missing[0]}", err=True)
        return exitcodes.ERRORS
    click.echo("demo: every article of the portal is archived; the errors above are its deliberate hazards", err=True)
    return exitcodes.OK


def _start(site: DemoPortal, port: int) -> DemoServer:
    """The demo portal's server process on ``port``, or on a free port when it is busy."""
    from newsarchive.demo import DemoServer

    try:
        server = DemoServer(site, host="127.0.0.1", port=port, in_process=False)
        server.__enter__()
    except OSError as error:
        if port == 0:
            raise
        click.echo(f"port {port} is busy ({error}); serving on a free port instead", err=True)
        server = DemoServer(site, host="127.0.0.1", port=0, in_process=False)
        server.__enter__()
    return server


commands: list[click.Command] = [demo_command]
