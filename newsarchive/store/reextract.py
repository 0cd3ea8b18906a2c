"""Re-extraction: run today's extractor over the raw pages already archived.

No network: when the extractor improves (or a template change was fixed), the archive is
brought up to date from what it stored, and edits show up as new versions as usual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsarchive.store.archive import Archive

BATCH = 200  # articles per transaction: fast, and an interruption loses little


def reextract(
    archive: Archive,
    *,
    portal: str | None = None,
    extract: Callable[..., Any] | None = None,
    selectors_for: Callable[[str], dict[str, Any] | None] | None = None,
    progress: Callable[[dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Re-extract every article (of ``portal``) from its stored page; returns counts of
    outcomes ("updated", "unchanged", ...), "failed" extractions and "no_page"."""
    if extract is None:
        from newsarchive.extract import extract_article as extract

    conn = archive.conn
    with archive.guard("listing articles to re-extract"):
        sql = "SELECT id FROM articles" + (" WHERE portal = ?" if portal else "") + " ORDER BY id"
        ids = [row[0] for row in conn.execute(sql, (portal,) if portal else ())]
    run_id = archive.begin_run("reextract", targets=[portal] if portal else [], arguments={})
    counts: Counter[str] = Counter()
    finished = False
    try:
        for start in range(0, len(ids), BATCH):
            with archive.transaction():
                for article_id in ids[start : start + BATCH]:
                    outcome = _one(archive, article_id, run_id, extract, selectors_for)
                    counts[outcome] += 1
            if progress:
                progress(dict(counts))
        finished = True
    finally:
        status = 0 if finished and not counts["failed"] else 1
        try:
            archive.finish_run(run_id, status=status, counts=dict(counts))
        except Exception:
            if finished:
                raise
    return dict(counts)


def _one(
    archive: Archive,
    article_id: int,
    run_id: int,
    extract: Callable[..., Any],
    selectors_for: Callable[[str], dict[str, Any] | None] | None,
) -> str:
    from newsarchive.extract.model import ExtractionError

    row = archive.conn.execute(
        "SELECT a.portal, a.section, p.id AS page_id, p.url, p.final_url, p.fetched_at "
        "FROM articles a JOIN pages p ON p.id = a.page_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    body = archive.page_body(row["page_id"]) if row else None
    if row is None or body is None:
        return "no_page"
    page = dict(row)
    url = page["final_url"] or page["url"]
    selectors = selectors_for(page["portal"]) if selectors_for else None
    try:
        # the raw bytes, as the spider passes them: the extractor finds the charset itself
        article = extract(body, url=url, selectors=selectors)
    except ExtractionError:
        return "failed"
    data = article.to_dict() if hasattr(article, "to_dict") else dict(article)
    return archive.store_article(
        data,
        portal=page["portal"],
        section=page["section"],
        requested_url=page["url"],
        final_url=page["final_url"],
        page_id=page["page_id"],
        fetched_at=page["fetched_at"],
        run_id=run_id,
    )
