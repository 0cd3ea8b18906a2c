"""The store's exceptions: every SQLite or file-system failure reaches callers as one of these."""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive cannot do what was asked; the message says what and where."""


class ArchiveLocked(ArchiveError):
    """Another live process holds the archive's lock (the CLI exits with status 3)."""

    def __init__(self, message: str, holder: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}


class ArchiveBusy(ArchiveLocked):
    """Another process held SQLite's write lock for longer than the wait allows (a
    user's ``sqlite3`` session in a transaction): exit status 3, like a held lock."""


def explain(exc: BaseException, doing: str, path: object) -> str:
    """A message for a SQLite failure that says what failed, where, and what to do."""
    text = str(exc)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return (
            f"cannot write to archive {path} while {doing}: it is read-only "
            "(check the permissions of the file and its folder); nothing was changed"
        )
    if "full" in lowered or "no space" in lowered:
        return (
            f"archive {path} is full while {doing}: no space left on the device; "
            "the unfinished write was rolled back"
        )
    if "locked" in lowered or "busy" in lowered:
        return f"archive {path} is busy (another process holds a write) while {doing}"
    if "unable to open" in lowered:
        return (
            f"cannot open archive {path} while {doing}: the file or its folder is missing "
            "or not accessible (SQLite also needs to create -wal/-shm files beside it)"
        )
    if "not a database" in lowered or "malformed" in lowered:
        return f"{path} is not a readable archive ({text}) while {doing}"
    return f"archive {path}: {doing} failed: {text}"
