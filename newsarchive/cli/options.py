"""Options several commands share, defined once so that they behave alike everywhere."""

from __future__ import annotations

from pathlib import Path

import click

from newsarchive.store import DEFAULT_PATH

DB_ENV = "NEWSARCHIVE_DB"

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_PATH,
    show_default=True,
    envvar=DB_ENV,
    show_envvar=True,
    help="The archive file.",
)
