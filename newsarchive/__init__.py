"""newsarchive: crawl government news portals into a clean, deduplicated, searchable archive.

The public API is three functions: ``extract_article`` and ``extract_listing`` (pure
functions of a page) and ``open_archive`` (the SQLite archive).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "extract_article", "extract_listing", "open_archive"]

if TYPE_CHECKING:
    from newsarchive.extract import extract_article, extract_listing
    from newsarchive.store import open_archive


def __getattr__(name: str) -> Any:
    # Imported lazily so that ``import newsarchive`` stays cheap for the CLI and workers.
    if name in ("extract_article", "extract_listing"):
        from newsarchive import extract

        return getattr(extract, name)
    if name == "open_archive":
        from newsarchive.store import open_archive

        return open_archive
    raise AttributeError(name)
