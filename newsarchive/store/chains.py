"""What the archive remembers of 上一条/下一条 chains and of pages that were not articles,
so a resumed or incremental crawl can go on from where the last one got to."""

from __future__ import annotations

from newsarchive.store.archive import Archive
from newsarchive.store.canonical import canonical_url


def neighbour_links(archive: Archive, portal: str) -> dict[str, tuple[str | None, str | None]]:
    """Canonical URL of each archived article (and its aliases) → its (prev, next) URLs."""
    with archive.guard("reading neighbour links"):
        rows = archive.conn.execute(
            "SELECT a.canonical_url, a.prev_url, a.next_url FROM articles a WHERE a.portal = ? "
            "UNION ALL SELECT al.canonical_url, a.prev_url, a.next_url FROM article_aliases al "
            "JOIN articles a ON a.id = al.article_id WHERE a.portal = ?",
            (portal, portal),
        ).fetchall()
    return {url: (prev, nxt) for url, prev, nxt in rows}


# Answers that will not turn into an article by asking again tomorrow: gone, or a challenge.
DEAD_STATUSES = (404, 410, 202, 412, 521)


def dead_urls(archive: Archive, portal: str) -> set[str]:
    """Canonical URLs whose last fetch was a 404/410 or an anti-bot challenge and that
    never became an article: an incremental crawl does not ask for them again
    (``--full`` does)."""
    placeholders = ",".join("?" * len(DEAD_STATUSES))
    with archive.guard("reading failed URLs"):
        rows = archive.conn.execute(
            f"SELECT url, final_url FROM pages WHERE portal = ? AND status IN ({placeholders})",
            (portal, *DEAD_STATUSES),
        ).fetchall()
    return {canonical_url(url) for row in rows for url in row if url}
