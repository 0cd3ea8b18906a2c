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
    from newsarchive.extract.parts import join_part

    row = archive.conn.execute(
        "SELECT a.portal, a.section, p.id AS page_id, p.url, p.final_url, p.fetched_at, p.headers "
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
        # the raw bytes and the served Content-Type, as the crawl passed them, so that an
        # unchanged extractor reads the page exactly as the crawl did
        article = extract(body, url=url, selectors=selectors, content_type=content_type(page["headers"]))
    except ExtractionError:
        return "failed"
    data = article.to_dict() if hasattr(article, "to_dict") else dict(article)
    for part in _parts(archive, int(page["page_id"]), extract, selectors):
        join_part(data, part)
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


def _parts(archive: Archive, page_id: int, extract: Callable[..., Any], selectors: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The later pages of a split article, as stored with its first page, extracted."""
    from newsarchive.extract.model import ExtractionError

    rows = archive.conn.execute(
        "SELECT id, url, final_url, headers FROM pages WHERE part_of = ? ORDER BY part", (page_id,)
    ).fetchall()
    parts = []
    for row in rows:
        body = archive.page_body(row["id"])
        try:
            part = extract(body, url=row["final_url"] or row["url"], selectors=selectors, content_type=content_type(row["headers"]))
        except ExtractionError:
            continue
        parts.append(part.to_dict() if hasattr(part, "to_dict") else dict(part))
    return parts


def content_type(headers: str | None) -> str | None:
    """The Content-Type a stored fetch was served with (its headers are JSON pairs)."""
    import json

    for name, value in json.loads(headers or "[]"):
        if name.lower() == "content-type":
            return str(value)
    return None
