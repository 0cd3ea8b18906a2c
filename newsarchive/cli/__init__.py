"""The ``newsarchive`` command: a thin door into the library; each command lives in the
module of its topic and exposes ``commands``."""

from __future__ import annotations

import click

from newsarchive import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
def main() -> None:
    """Crawl government news portals into a clean, deduplicated, searchable archive."""


def _register() -> None:
    from newsarchive.cli import archive, crawl, demo, distributed, extract

    for module in (extract, crawl, demo, archive, distributed):
        for command in module.commands:
            main.add_command(command)


_register()
