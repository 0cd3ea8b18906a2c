"""Commands: ``newsarchive demo`` — serve the bundled demo portal on loopback and crawl it."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from newsarchive import exitcodes
from newsarchive.cli.crawl import DB_OPTION, run_and_report

DEMO_PORT = 8712  # the port spiders/demo.toml names


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
@DB_OPTION
@click.option("--articles", type=click.IntRange(min=1), default=60, show_default=True, help="How many articles the demo portal has.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=DEMO_PORT, show_default=True, help="Loopback port to serve on (0: any free port).")
@click.option("--faults", is_flag=True, help="Add the fault section (timeouts, resets, loops, junk …).")
@click.option("--serve-only", is_flag=True, help="Only serve the portal (for `scrapy crawl demo`), until Ctrl-C.")
def demo_command(db: Path, articles: int, port: int, faults: bool, serve_only: bool) -> None:
    """Serve the bundled demo county portal on 127.0.0.1 and crawl it into the archive.

    The demo portal serves deliberate hazards (a 404, an anti-bot 412, a flaky 500, a
    redirect): the table shows them as errors and blocked pages, as a real crawl would.
    """
    from newsarchive.crawl.runner import CrawlOptions
    from newsarchive.demo import DemoPortal, DemoServer

    site = DemoPortal(articles=articles, faults=faults)
    try:
        server = DemoServer(site, host="127.0.0.1", port=port, in_process=False)
        server.__enter__()
    except OSError as error:
        if port == 0:
            raise
        click.echo(f"port {port} is busy ({error}); serving on a free port instead", err=True)
        server = DemoServer(site, host="127.0.0.1", port=0, in_process=False)
        server.__enter__()
    try:
        click.echo(f"demo portal: {server.base_url}/  ({articles} articles)", err=True)
        if serve_only:
            click.echo("serving until Ctrl-C", err=True)
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()
            return
        _, portal = demo_portal_definition(server.base_url, articles, faults)
        options = CrawlOptions(db=db, progress=sys.stderr.isatty(), settings={"LOG_LEVEL": "ERROR"})
        status = run_and_report([portal], options, "demo")
    finally:
        server.__exit__(None, None, None)
    # Errors here are the demo's deliberate hazards; only a lock or a broken crawl fails.
    sys.exit(status if status in (exitcodes.USAGE, exitcodes.BLOCKED) else exitcodes.OK)


commands: list[click.Command] = [demo_command]
