"""The archive in Datasette: facets, full-text search and a sensible default order.

Datasette is an optional extra; it runs as its own process on a metadata file made
here, so nothing of it is imported unless ``newsarchive serve`` is used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def metadata(db: Path) -> dict[str, Any]:
    """Datasette metadata for an archive file."""
    hidden = {"hidden": True}
    return {
        "title": "newsarchive",
        "description": (
            "Articles crawled from government news portals. Search finds any substring of "
            "3 or more characters (trigram index); use `newsarchive search` for shorter terms."
        ),
        "databases": {
            db.stem: {
                "tables": {
                    "articles": {
                        "facets": ["portal", "section", "source", "published_month"],
                        "sort_desc": "published_at",
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "label_column": "title",
                        "size": 50,
                    },
                    "article_versions": {"sort_desc": "replaced_at", "facets": ["article_id"]},
                    "article_aliases": {"facets": ["reason"]},
                    "pages": {"sort_desc": "fetched_at", "facets": ["portal", "status", "run_id"]},
                    "attachments": {"facets": ["content_type"]},
                    "crawl_runs": {"sort_desc": "started_at", "facets": ["command", "exit_status"]},
                    "run_coverage": {"sort_desc": "run_id", "facets": ["portal"]},
                    "page_bodies": hidden,
                    "simhash_bands": hidden,
                    "archive_lock": hidden,
                    "_sqlite_migrations": hidden,
                }
            }
        },
    }


def run_datasette(db: Path, *, host: str, port: int) -> int:
    """Serve ``db`` until interrupted; raises ImportError when Datasette is missing."""
    import datasette  # noqa: F401  (fail early, with the caller's message)

    handle, meta_path = tempfile.mkstemp(suffix=".json", prefix="newsarchive-datasette-")
    with os.fdopen(handle, "w", encoding="utf-8") as meta:
        json.dump(metadata(db), meta, ensure_ascii=False)
    command = [
        sys.executable, "-m", "datasette", "serve", str(db),
        "--metadata", meta_path, "--host", host, "--port", str(port),
        "--setting", "facet_time_limit_ms", "2000",
        "--setting", "sql_time_limit_ms", "5000",
    ]  # fmt: skip
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
    finally:
        os.unlink(meta_path)
