"""Bulk loading of articles known to be new: a benchmark corpus, or rows carried over from
another archive. It skips the per-article dedup lookups of ``Archive.store_article``
(URLs must be unique and not archived yet) but writes the same rows: fingerprints, band
keys and the full-text index, each article its own story."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

from newsarchive.store.articles import INSERT, prepare
from newsarchive.store.fields import utc_iso
from newsarchive.store.simhash import band_keys
from newsarchive.urls import canonical_url

if TYPE_CHECKING:
    from newsarchive.store.archive import Archive


def load_new(
    archive: Archive,
    items: Iterable[tuple[dict[str, Any], dict[str, Any]]],
    batch: int = 10_000,
) -> int:
    """Insert ``(article, context)`` pairs; context holds ``portal`` and optionally
    ``section``, ``final_url``, ``requested_url``, ``fetched_at``, ``page_id``, ``run_id``.
    Returns the number of rows written."""
    iterator = iter(items)
    written = 0
    while chunk := list(islice(iterator, batch)):
        with archive.guard("bulk loading articles"), archive.transaction():
            conn = archive.conn
            next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
            rows, bands = [], []
            for offset, (article, context) in enumerate(chunk):
                url = context.get("final_url") or article.get("url") or context["requested_url"]
                fields = prepare(
                    article,
                    portal=context["portal"],
                    section=context.get("section"),
                    requested_url=context.get("requested_url"),
                    final_url=context.get("final_url"),
                    page_id=context.get("page_id"),
                    run_id=context.get("run_id"),
                    seen=utc_iso(context.get("fetched_at")),
                )
                row_id = next_id + offset
                rows.append({**fields, "canonical_url": canonical_url(url), "story_id": row_id})
                if fields["simhash"] is not None:
                    bands += [(key, row_id) for key in band_keys(fields["simhash"])]
            # ids are assigned in order inside the write transaction, so story_id = id holds
            conn.executemany(INSERT, rows)
            conn.executemany(
                "INSERT OR IGNORE INTO simhash_bands (key, article_id) VALUES (?, ?)", bands
            )
        written += len(chunk)
    return written
