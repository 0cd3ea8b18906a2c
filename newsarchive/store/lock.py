"""One writer per archive, as a row in the archive itself.

Why a row and not a lock file: taking over a stale lock must be a compare-and-swap (two
crawls starting together must not both decide the old holder is dead and both proceed).
Inside SQLite's own write transaction (``BEGIN IMMEDIATE``) the read-check-replace is
atomic with no extra machinery, and the lock travels with the file and can never be left
on a different disk than the archive. A holder is stale when it ran on this host and its
process is gone (or is a zombie, or its pid was reused by a later process); a holder on
another host cannot be checked and is respected until ``newsarchive unlock``.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
from pathlib import Path
from typing import Any

from newsarchive.store.errors import ArchiveLocked
from newsarchive.store.fields import utc_iso

_COLUMNS = ("token", "pid", "host", "proc_start", "command", "acquired_at")


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name, or None where there is no /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[-1].split()


def process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (Linux), which tells a reused pid apart."""
    fields = _proc_stat(pid)
    return fields[19] if fields and len(fields) > 19 else None


def holder_alive(holder: dict[str, Any]) -> bool:
    """Whether the process named in a lock row may still be running."""
    if holder["host"] != socket.gethostname():
        return True  # cannot look at another host's processes
    pid = int(holder["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    fields = _proc_stat(pid)
    if fields is None:
        return not Path("/proc/self/stat").exists()  # no /proc at all: trust kill()
    if fields[0] == "Z":
        return False  # killed, waiting to be reaped
    recorded = holder.get("proc_start")
    return not (recorded and fields[19] != recorded)


def read_holder(conn: sqlite3.Connection) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM archive_lock WHERE id = 1").fetchone()
    return dict(zip(_COLUMNS, row, strict=True)) if row else None


def describe(holder: dict[str, Any], path: Path | str) -> str:
    return (
        f"archive {path} is locked by another process: pid {holder['pid']} on host "
        f"{holder['host']} ({holder['command'] or 'unknown command'}) since "
        f"{holder['acquired_at']}. Wait for it to finish; if that process is gone, "
        f"run `newsarchive unlock --db {path}`."
    )


def take(conn: sqlite3.Connection, command: str | None, path: Path | str) -> dict[str, Any]:
    """Claim the lock; the caller holds a write transaction. Raises ArchiveLocked."""
    holder = read_holder(conn)
    if holder is not None and holder_alive(holder):
        raise ArchiveLocked(describe(holder, path), holder)
    pid = os.getpid()
    mine = {
        "token": secrets.token_hex(16),
        "pid": pid,
        "host": socket.gethostname(),
        "proc_start": process_start(pid),
        "command": command,
        "acquired_at": utc_iso(),
    }
    conn.execute(
        f"INSERT OR REPLACE INTO archive_lock (id, {', '.join(_COLUMNS)}) "
        f"VALUES (1, {', '.join('?' * len(_COLUMNS))})",
        [mine[c] for c in _COLUMNS],
    )
    mine["taken_over"] = holder
    return mine


def give_back(conn: sqlite3.Connection, token: str | None = None) -> bool:
    """Drop the lock row: ours (by token), or any with ``token=None`` (``unlock``)."""
    if token is None:
        cursor = conn.execute("DELETE FROM archive_lock")
    else:
        cursor = conn.execute("DELETE FROM archive_lock WHERE token = ?", (token,))
    return cursor.rowcount > 0
