"""Values made fit for the archive at its door, whoever produced them (a local crawl,
``ingest`` from workers, ``reextract``, a library caller).

A value that does not fit must cost the value, never the article: ``阅读：`` followed by
25 digits made SQLite raise OverflowError and the whole article, with its raw page, was
lost. So numbers outside SQLite's 64-bit integers are dropped (with a warning), text loses
control characters and escape sequences (the extractors strip them too, but not every
article comes from them), and over-long values and lists are cut to a bound.
"""

from __future__ import annotations

import logging
from typing import Any

from newsarchive.controls import strip_controls

logger = logging.getLogger(__name__)

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Characters per text field: generous for real articles (the longest government reports
# run to a few hundred thousand characters), small enough to keep one row sane.
TEXT_LIMITS = {
    "title": 1_000,
    "subtitle": 2_000,
    "source": 500,
    "editor": 500,
    "published_at": 64,
    "published_at_from": 16,
    "body": 2_000_000,
    "body_html": 8_000_000,
}
URL_LIMIT = 8_192  # every *url field, and src
TEXT_LIMIT = 10_000  # any other text: names, captions, crumbs, extra fields
ITEMS_LIMIT = 2_000  # entries of a list (authors, images, attachments, breadcrumb)


def bounded(value: Any, name: str, problems: list[str]) -> Any:
    """``value`` (an article field named ``name``, or a part of one) fit for the archive;
    what was dropped or cut is described in ``problems``."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            return value
        problems.append(f"{name} {value} does not fit a 64-bit integer: dropped")
        return None
    if isinstance(value, str):
        text = strip_controls(value, keep_cr=False)
        limit = _limit(name)
        if len(text) > limit:
            problems.append(f"{name} cut from {len(text)} to {limit} characters")
            text = text[:limit]
        return text
    if isinstance(value, (list, tuple)):
        if len(value) > ITEMS_LIMIT:
            problems.append(f"{name} cut from {len(value)} to {ITEMS_LIMIT} entries")
        return [bounded(item, name, problems) for item in list(value)[:ITEMS_LIMIT]]
    if isinstance(value, dict):
        return {bounded(str(key), "key", problems): bounded(item, str(key), problems) for key, item in value.items()}
    return value


def bounded_fields(fields: dict[str, Any], where: str) -> dict[str, Any]:
    """Every value of ``fields`` made fit; each problem is logged as a warning naming
    ``where`` (the article's URL)."""
    problems: list[str] = []
    clean = {key: bounded(value, key, problems) for key, value in fields.items()}
    for problem in problems:
        logger.warning("article %s: %s", where, problem)
    return clean


def _limit(name: str) -> int:
    if name in TEXT_LIMITS:
        return TEXT_LIMITS[name]
    return URL_LIMIT if name.endswith("url") or name == "src" else TEXT_LIMIT
