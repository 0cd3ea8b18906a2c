"""The archive: one SQLite file (WAL) holding raw pages, deduplicated articles and runs.

Writes come synchronously from the crawler's reactor thread, so the hot paths use plain
``sqlite3`` statements (cached and prepared by the driver) inside explicit transactions;
every write that belongs together (a page body and its page row, an article, its old
version, its aliases and index keys) commits or vanishes as one.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive.store import articles, frontier, grams, raw, read, schema
from newsarchive.store import lock as lock_row
from newsarchive.store.errors import ArchiveError, explain
from newsarchive.store.fields import dumps, utc_iso
from newsarchive.store.waits import DEFAULT_LOCK_WAIT, TRY, waiting
from newsarchive.urls import canonical_url

if TYPE_CHECKING:
    from newsarchive.store.search import Results

DEFAULT_PATH = "data/archive.db"


class Archive:
    """An open archive. Not thread-safe: use it from one thread (the reactor's)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool, lock_wait: float = DEFAULT_LOCK_WAIT) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.lock_wait = lock_wait  # seconds a write waits for another process's lock
        self._depth = 0
        self._locks: list[ArchiveLock] = []
        self.migrated: list[str] = []  # migrations applied when this archive was opened
        self.walk_seconds = 0.0  # time spent keeping the crawl frontier (for the benchmarks)

    # -- plumbing ---------------------------------------------------------------------

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Turn SQLite failures into ArchiveError saying what was being done, and where."""
        try:
            yield
        except ArchiveError:
            raise
        except sqlite3.Error as exc:
            raise ArchiveError(explain(exc, doing, self.path)) from exc

    @contextmanager
    def transaction(self) -> Iterator[Archive]:
        """Batch writes: all of them or none. Nests (savepoints), so a failing article
        inside a batch rolls back alone when the caller catches the error."""
        if self.readonly:
            raise ArchiveError(f"archive {self.path} was opened read-only")
        savepoint = f"sp{self._depth}"
        with self.guard("starting a transaction"):
            if self._depth == 0:  # takes SQLite's write lock: wait while another process has it
                waiting(lambda: self.conn.execute("BEGIN IMMEDIATE"), self.path, "write", self.lock_wait)
            else:
                self.conn.execute(f"SAVEPOINT {savepoint}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            with self.guard("rolling back"):
                if self._depth == 0:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                elif self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO {savepoint}")
                    self.conn.execute(f"RELEASE {savepoint}")
            raise
        self._depth -= 1
        try:
            self.conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {savepoint}")
        except sqlite3.Error as exc:
            if self._depth == 0 and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise ArchiveError(explain(exc, "committing", self.path)) from exc

    def close(self) -> None:
        for held in list(self._locks):
            held.release()
        try:
            if not self.readonly:
                self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- lock -------------------------------------------------------------------------

    def lock(self, command: str | None = None) -> ArchiveLock:
        """Take the archive's writer lock now; release it with ``with`` or ``.release()``.
        Raises ArchiveLocked if another live process holds it (a dead holder's lock is
        taken over)."""
        with self.guard("taking the lock"), self.transaction():
            info = lock_row.take(self.conn, command, self.path)
        held = ArchiveLock(self, info)
        self._locks.append(held)
        return held

    def lock_holder(self) -> dict[str, Any] | None:
        """Who holds the writer lock now (pid, host, command, since), or None."""
        with self.guard("reading the lock"):
            return lock_row.read_holder(self.conn)

    def break_lock(self) -> dict[str, Any] | None:
        """Remove whatever lock row there is (``newsarchive unlock``); returns it."""
        with self.guard("removing the lock"), self.transaction():
            holder = lock_row.read_holder(self.conn)
            lock_row.give_back(self.conn)
        return holder

    # -- runs -------------------------------------------------------------------------

    def begin_run(
        self,
        command: str,
        targets: Iterable[str] = (),
        arguments: dict[str, Any] | None = None,
    ) -> int:
        """Record the start of a crawl (or reextract) run; returns its id."""
        with self.guard("starting a run"), self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO crawl_runs (command, targets, arguments, started_at, pid, host) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    command,
                    dumps(list(targets)),
                    dumps(arguments or {}),
                    utc_iso(),
                    os.getpid(),
                    socket.gethostname(),
                ),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(
        self,
        run_id: int,
        status: int = 0,
        counts: dict[str, Any] | None = None,
        stats: dict[str, Any] | None = None,
    ) -> None:
        """Close a run and record, per portal, how many of its articles had each field."""
        from newsarchive.store.stats import record_coverage

        with self.guard("finishing a run"), self.transaction():
            self.conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, exit_status = ?, counts = ?, stats = ? "
                "WHERE id = ?",
                (
                    utc_iso(),
                    status,
                    dumps(counts or {}),
                    dumps(stats or {}),
                    run_id,
                ),
            )
            record_coverage(self.conn, run_id)

    # -- pages and attachments --------------------------------------------------------

    def record_page(
        self,
        *,
        url: str,
        status: int | None,
        headers: raw.Headers,
        body: bytes | None,
        fetched_at: datetime | str | None = None,
        final_url: str | None = None,
        run_id: int | None = None,
        portal: str | None = None,
        method: str = "GET",
        request_headers: raw.Headers = None,
        request_body: bytes | None = None,
        protocol: str | None = None,
        part_of: int | None = None,
        part: int | None = None,
    ) -> int:
        """Keep one fetch as received (headers in order, raw body); returns its id.
        A later page of a split article names its first page (``part_of``) and its
        place (``part``: 2, 3, …), so re-extraction can put the article together again."""
        page = {
            "run_id": run_id,
            "portal": portal,
            "method": method.upper(),
            "url": url,
            "final_url": final_url or url,
            "status": status,
            "protocol": protocol,
            "headers": headers,
            "request_headers": request_headers,
            "request_body": request_body,
            "fetched_at": utc_iso(fetched_at),
            "part_of": part_of,
            "part": part,
        }
        with self.guard(f"recording page {url}"), self.transaction():
            return raw.insert_page(self.conn, page, body or b"")

    def page_body(self, page_id: int) -> bytes | None:
        """The raw body of a stored fetch, decompressed."""
        with self.guard(f"reading page {page_id}"):
            return raw.page_body(self.conn, page_id)

    def store_attachment(
        self,
        *,
        article_url: str | None,
        url: str,
        content_type: str | None,
        body: bytes,
        fetched_at: datetime | str | None = None,
    ) -> int:
        """Keep a downloaded file, linked to its article when that is archived; the same
        bytes at the same URL are stored once. Returns the attachment's id."""
        with self.guard(f"storing attachment {url}"), self.transaction():
            attachment = {
                "article_id": articles.article_id(self.conn, article_url) if article_url else None,
                "article_url": article_url,
                "url": url,
                "content_type": content_type,
                "fetched_at": utc_iso(fetched_at),
            }
            return raw.insert_attachment(self.conn, attachment, body)

    # -- articles ---------------------------------------------------------------------

    def store_article(
        self,
        article: dict[str, Any],
        *,
        portal: str,
        section: str | None = None,
        requested_url: str | None = None,
        final_url: str | None = None,
        page_id: int | None = None,
        fetched_at: datetime | str | None = None,
        run_id: int | None = None,
    ) -> str:
        """Store one extracted article (``Article.to_dict()``); returns "new", "updated",
        "unchanged" or "alias". How rows, aliases, versions and stories are decided is
        described in ``newsarchive.store.articles``."""
        urls = list(dict.fromkeys(u for u in (final_url, article.get("url"), requested_url) if u))
        if not urls:
            raise ArchiveError("cannot store an article without any URL")
        fields = articles.prepare(
            article,
            portal=portal,
            section=section,
            requested_url=requested_url,
            final_url=final_url,
            page_id=page_id,
            run_id=run_id,
            seen=utc_iso(fetched_at),
        )
        with self.guard(f"storing article {urls[0]}"), self.transaction():
            outcome, _ = articles.upsert(self.conn, fields, urls)
        return outcome

    # -- lookups for the crawler ------------------------------------------------------

    def known_urls(self, portal: str | None = None) -> set[str]:
        """Canonical URLs of archived articles, their aliases' canonical URLs included."""
        where = "WHERE a.portal = ?" if portal else ""
        args = (portal, portal) if portal else ()
        with self.guard("listing known URLs"):
            rows = self.conn.execute(
                f"SELECT a.canonical_url FROM articles a {where} UNION "
                "SELECT al.canonical_url FROM article_aliases al JOIN articles a "
                f"ON a.id = al.article_id {where}",
                args,
            )
            return {row[0] for row in rows}

    def record_visit(self, visit: dict[str, Any], run_id: int | None = None) -> None:
        """Write a fetch's outcome and the requests it led to into the crawl frontier
        (see ``newsarchive.store.frontier``); inside the caller's transaction."""
        started = time.perf_counter()
        with self.guard("recording the crawl's progress"), self.transaction():
            frontier.record_visit(self.conn, visit, run_id)
        self.walk_seconds += time.perf_counter() - started

    def walk_states(self, portal: str) -> dict[str, dict[str, Any]]:
        """Each section's walk: ``unfinished`` (work pending), ``bounded`` or ``complete``."""
        with self.guard("reading the walks"):
            return frontier.walk_states(self.conn, portal)

    def crawl_state(self, portal: str, recheck: int = 0) -> dict[str, Any]:
        """What a crawl of ``portal`` needs to know before it starts: archived articles,
        settled requests, each section's walk, the work left open, the list pages the
        unfinished walks already read, section names, and the articles to recheck."""
        with self.guard("reading the crawl's progress"):
            walks = frontier.walk_states(self.conn, portal)
            unfinished = {s: int(w["walk"] or 0) for s, w in walks.items() if w["status"] == "unfinished"}
            return {
                "known": self.known_urls(portal),
                "settled": frontier.settled(self.conn, portal),
                "walks": walks,
                "open": frontier.open_entries(self.conn, portal),
                "lists_read": frontier.lists_read(self.conn, portal, unfinished),
                "names": frontier.section_names(self.conn, portal),
                "recheck": self.newest_urls(portal, recheck) if recheck else [],
            }

    def newest_urls(self, portal: str, n: int) -> list[str]:
        """The fetchable URLs of the ``n`` newest articles of ``portal`` by publication."""
        with self.guard("listing newest articles"):
            rows = self.conn.execute(
                "SELECT coalesce(final_url, requested_url, url, canonical_url) FROM articles "
                "WHERE portal = ? ORDER BY published_at IS NULL, published_at DESC, id DESC "
                "LIMIT ?",
                (portal, n),
            )
            return [row[0] for row in rows]

    # -- reading ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        portal: str | None = None,
        since: str | None = None,
        limit: int = 20,
        *,
        until: str | None = None,
        marks: tuple[str, str] = ("[", "]"),
    ) -> Results:
        """Ranked full-text hits and their count (see ``newsarchive.store.search``);
        raises ``QueryError`` for a query that cannot be searched."""
        from newsarchive.store.search import search

        with self.guard(f"searching for {query!r}"):
            return search(
                self.conn, query, portal=portal, since=since, until=until, limit=limit, marks=marks
            )

    def iter_articles(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Articles one by one (streamed), filtered by portal, section, since, until."""
        with self.guard("reading articles"):
            yield from read.iter_articles(self.conn, **filters)

    def article_record(self, portal: str, url: str) -> dict[str, Any] | None:
        """One article's export fields, found by any of its URLs (as ``iter_articles``)."""
        with self.guard("reading an article"):
            return read.article_record(self.conn, portal, canonical_url(url))

    def iter_pages(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Stored fetches one by one (streamed), bodies decompressed."""
        with self.guard("reading pages"):
            yield from read.iter_pages(self.conn, **filters)

    def stats(self) -> dict[str, Any]:
        """Totals and per-portal/section numbers (see ``newsarchive.store.stats``)."""
        from newsarchive.store.stats import archive_stats

        with self.guard("computing statistics"):
            return archive_stats(self.conn)


class ArchiveLock:
    """A held writer lock: a context manager, or call ``release()`` (e.g. from a Scrapy
    ``spider_closed`` handler) when ``with`` does not fit."""

    def __init__(self, archive: Archive, info: dict[str, Any]) -> None:
        self.archive = archive
        self.info = info
        self.token: str | None = info["token"]

    @property
    def taken_over(self) -> dict[str, Any] | None:
        """The stale holder this lock replaced, if any."""
        return self.info.get("taken_over")

    def release(self) -> None:
        if self.token is None:
            return
        with self.archive.guard("releasing the lock"), self.archive.transaction():
            lock_row.give_back(self.archive.conn, self.token)
        self.token = None
        if self in self.archive._locks:
            self.archive._locks.remove(self)

    def __enter__(self) -> ArchiveLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def open_archive(
    path: str | os.PathLike[str] = DEFAULT_PATH,
    readonly: bool = False,
    immutable: bool = False,
    lock_wait: float | None = None,
) -> Archive:
    """Open (or create) an archive: makes the folder, applies pending migrations, WAL.

    ``readonly=True`` opens an existing archive for reading only and never writes to it;
    ``immutable=True`` also tells SQLite the file cannot change (read-only media, where
    WAL's shared-memory file cannot be made), so it takes no locks. ``lock_wait`` is how
    long, in seconds, a write waits while another process holds the archive's write lock
    (default ``DEFAULT_LOCK_WAIT``), telling stderr it waits.
    """
    lock_wait = DEFAULT_LOCK_WAIT if lock_wait is None else max(0.0, lock_wait)
    path = Path(path)
    if readonly or immutable:
        return _open_readonly(path, immutable)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            f"cannot create the folder {path.parent} for archive {path}: {exc}"
        ) from exc
    if path.exists() and not os.access(path, os.W_OK):
        raise ArchiveError(
            f"cannot write to archive {path}: the file is read-only; nothing was changed"
        )
    if not os.access(path.parent, os.W_OK):
        raise ArchiveError(
            f"cannot write beside archive {path}: the folder {path.parent} is read-only "
            "(SQLite keeps -wal and -shm files next to the archive); nothing was changed"
        )
    conn: sqlite3.Connection | None = None
    try:
        # SQLite waits one short try for a lock; ``waiting`` tries again, saying so.
        conn = sqlite3.connect(path, timeout=min(TRY, lock_wait), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlite3.OperationalError(f"journal mode is {mode}, WAL was refused")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across process crashes
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA journal_size_limit = 67108864")
        grams.register(conn)  # every write to articles feeds the grams index through it
        opened = conn
        migrated = waiting(lambda: schema.apply(opened), path, "upgrade its schema", lock_wait) if schema.pending(conn) else []
    except ArchiveError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise ArchiveError(explain(exc, "opening it", path)) from exc
    archive = Archive(conn, path, readonly=False, lock_wait=lock_wait)
    archive.migrated = migrated
    return archive


def _open_readonly(path: Path, immutable: bool = False) -> Archive:
    if not path.exists():
        raise ArchiveError(f"no archive at {path} (crawl something first, or check --db)")
    conn: sqlite3.Connection | None = None
    mode = "immutable=1" if immutable else "mode=ro"
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=30, isolation_level=None
        )
        conn.row_factory = sqlite3.Row
        done = schema.applied(conn)
        todo = schema.pending(conn)
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise ArchiveError(explain(exc, "opening it for reading", path)) from exc
    if todo:
        conn.close()
        if not done:
            raise ArchiveError(f"{path} is not a newsarchive archive (it has no archive schema)")
        raise ArchiveError(
            f"archive {path} was written by an older version; "
            f"run `newsarchive migrate --db {path}` first"
        )
    return Archive(conn, path, readonly=True)
