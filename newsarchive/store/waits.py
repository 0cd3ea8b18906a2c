"""Waiting for another process's write lock on the archive, saying so.

A user's ``sqlite3`` session left in a transaction holds SQLite's write lock; the crawl
used to wait 30 s in silence and then stop as if its arguments were wrong. Now every
write transaction waits in short tries (so it can tell the operator, on stderr, which
archive it waits for and for how long it will), up to a bound; past it, ArchiveBusy.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from newsarchive.store.errors import ArchiveBusy

DEFAULT_LOCK_WAIT = 600.0  # seconds: generous, a cron job is better late than failed
TRY = 2.0  # seconds SQLite itself waits per try (its busy timeout)
TELL_EVERY = 60.0

T = TypeVar("T")


def is_busy(error: sqlite3.Error) -> bool:
    """Whether an error means another connection holds the lock (worth waiting for)."""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def tell(message: str) -> None:
    """Waits go to stderr whatever the log level: the operator may be the one holding the lock."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def waiting(
    attempt: Callable[[], T],
    path: Path | str,
    doing: str,
    limit: float = DEFAULT_LOCK_WAIT,
    say: Callable[[str], None] = tell,
) -> T:
    """``attempt()`` (which takes the write lock, e.g. BEGIN IMMEDIATE), tried again while
    another process holds the lock, for up to ``limit`` seconds in all."""
    started = time.monotonic()
    told = 0.0
    while True:
        try:
            result = attempt()
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            waited = time.monotonic() - started
            if waited >= limit:
                raise ArchiveBusy(
                    f"archive {path} is busy: another process held its write lock for {waited:.0f} s, "
                    f"longer than the wait allows (NEWSARCHIVE_LOCK_WAIT={limit:g}), so this could not "
                    f"{doing}. Finish that process's transaction (a sqlite3 session?) and run the command again."
                ) from error
            if not told or time.monotonic() - told >= TELL_EVERY:
                say(
                    f"archive {path} is busy: another process holds its write lock (a sqlite3 "
                    f"session in a transaction?); waiting to {doing}, for up to {limit:g} s in all"
                )
                told = time.monotonic()
            continue
        if told:
            say(f"archive {path} is free again after {time.monotonic() - started:.0f} s; continuing")
        return result
