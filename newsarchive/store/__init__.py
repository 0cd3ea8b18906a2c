"""The archive: a clean, deduplicated, searchable SQLite file of everything crawled.

``open_archive`` is the door; see ``Archive`` for what the crawler calls.
"""

from __future__ import annotations

from newsarchive.store.archive import DEFAULT_PATH, Archive, ArchiveLock, open_archive
from newsarchive.store.errors import ArchiveBusy, ArchiveError, ArchiveLocked

__all__ = [
    "DEFAULT_PATH",
    "Archive",
    "ArchiveBusy",
    "ArchiveError",
    "ArchiveLock",
    "ArchiveLocked",
    "open_archive",
]
