"""How an extracted article (``Article.to_dict()``) maps onto archive columns.

One list of columns here drives inserts, version copies and exports, so adding a field
means a migration plus one line in this module.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from newsarchive.store.simhash import normalize_text

# The extractor's ``breadcrumb`` (a list) is stored as it is; the ``section`` column is
# the crawl's section (栏目) name, which no page field gives.
JSON_COLUMNS = frozenset({"authors", "breadcrumb", "images", "attachments"})

# What makes an edit: a change here keeps the old version in article_versions.
CONTENT_COLUMNS = (
    "title",
    "subtitle",
    "published_at",
    "source",
    "authors",
    "editor",
    "body",
    "images",
    "attachments",
)
# Refreshed on every fetch without making a version: counters, navigation links that
# appear when the next story is published, markup noise and extraction bookkeeping.
VOLATILE_COLUMNS = (
    "url",
    "published_at_from",
    "body_html",
    "breadcrumb",
    "prev_url",
    "next_url",
    "read_count",
)
EXTRACTED_COLUMNS = CONTENT_COLUMNS + VOLATILE_COLUMNS

# Every column an export carries, in order.
EXPORT_COLUMNS = (
    "id",
    "portal",
    "section",
    "canonical_url",
    "url",
    "requested_url",
    "final_url",
    "title",
    "subtitle",
    "published_at",
    "published_at_from",
    "source",
    "authors",
    "editor",
    "body",
    "body_html",
    "breadcrumb",
    "prev_url",
    "next_url",
    "images",
    "attachments",
    "read_count",
    "story_id",
    "version",
    "content_hash",
    "first_seen",
    "last_seen",
    "aliases",
)


def article_columns(article: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split an article dict into (column values ready for SQL, unknown extra fields)."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in article.items():
        if key in EXTRACTED_COLUMNS:
            values[key] = value
        else:
            extra[key] = value
    for column in EXTRACTED_COLUMNS:
        if column in JSON_COLUMNS:
            values[column] = dumps(values.get(column) or [])
        else:
            values.setdefault(column, None)
    return values, extra


def dumps(value: Any) -> str:
    """Compact JSON that keeps Chinese readable in Datasette and exports."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def content_hash(values: dict[str, Any]) -> str:
    """Hash of the content columns, with whitespace differences ignored."""
    digest = hashlib.sha256()
    for column in CONTENT_COLUMNS:
        value = values.get(column)
        text = "" if value is None else " ".join(str(value).split())
        digest.update(column.encode() + b"\x00" + text.encode() + b"\x01")
    return digest.hexdigest()


def title_key(title: str | None) -> str | None:
    """A title as a reader compares it: NFKC, lower-case, letters and digits only."""
    return normalize_text(title) or None


def utc_iso(moment: datetime | str | None = None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: fixed width so text order is time order. A naive
    datetime is taken as UTC; an ISO string is parsed and normalized the same way."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return moment  # not ISO: kept as given rather than lost
    if moment is None:
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
