"""The store's exceptions: every SQLite or file-system failure reaches callers as one of these."""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive cannot do what was asked; the message says what and where."""


class ArchiveLocked(ArchiveError):
    """Another live process holds the archive's lock (the CLI exits with status 3)."""

    def __init__(self, message: str, holder: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}
