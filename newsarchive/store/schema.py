"""The archive's schema, made and upgraded only by migrations (sqlite-utils' ``Migrations``,
formerly the sqlite-migrate plugin).

Each migration is frozen once released: a new column or table is a new migration at the
end, so an archive written by any older version opens in a newer one. Migrations run in
one ``BEGIN IMMEDIATE`` transaction, so two processes opening a fresh archive at once do
not race, and a failed upgrade leaves the archive at its previous version.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

try:  # sqlite-utils >= 4 ships migrations; older installs use the sqlite-migrate plugin
    from sqlite_utils import Migrations
except ImportError:  # pragma: no cover
    from sqlite_migrate import Migrations

from newsarchive.store import grams
from newsarchive.store.simhash import band_keys
from newsarchive.urls import canonical_url

MIGRATION_SET = "newsarchive"
migrations = Migrations(MIGRATION_SET)


def _script(db: Database, sql: str) -> None:
    # executescript() would COMMIT the surrounding transaction; run statement by statement.
    statement = ""
    for line in sql.strip().splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    _script(
        db,
        """
CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    targets TEXT NOT NULL DEFAULT '[]',
    arguments TEXT NOT NULL DEFAULT '{}',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    exit_status INTEGER,
    counts TEXT,
    stats TEXT,
    pid INTEGER,
    host TEXT
);
CREATE TABLE page_bodies (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    portal TEXT,
    method TEXT NOT NULL DEFAULT 'GET',
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    protocol TEXT,
    headers TEXT NOT NULL DEFAULT '[]',
    request_headers TEXT,
    request_body BLOB,
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES page_bodies(sha256),
    size INTEGER NOT NULL,
    article_id INTEGER REFERENCES articles(id)
);
CREATE INDEX pages_url ON pages(url);
CREATE INDEX pages_article ON pages(article_id);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    portal TEXT NOT NULL,
    section TEXT,
    canonical_url TEXT NOT NULL,
    url TEXT,
    requested_url TEXT,
    final_url TEXT,
    title TEXT,
    subtitle TEXT,
    published_at TEXT,
    published_at_from TEXT,
    source TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    editor TEXT,
    body TEXT,
    body_html TEXT,
    breadcrumb TEXT NOT NULL DEFAULT '[]',
    prev_url TEXT,
    next_url TEXT,
    images TEXT NOT NULL DEFAULT '[]',
    attachments TEXT NOT NULL DEFAULT '[]',
    read_count INTEGER,
    extra TEXT,
    content_hash TEXT NOT NULL,
    title_key TEXT,
    simhash INTEGER,
    story_id INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    version_since TEXT NOT NULL,
    page_id INTEGER REFERENCES pages(id),
    run_id INTEGER REFERENCES crawl_runs(id),
    published_month TEXT GENERATED ALWAYS AS (substr(coalesce(published_at, first_seen), 1, 7)) VIRTUAL
);
CREATE UNIQUE INDEX articles_portal_url ON articles(portal, canonical_url);
CREATE INDEX articles_portal_title ON articles(portal, title_key);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_run ON articles(run_id);
CREATE INDEX articles_published ON articles(published_at);
CREATE TABLE article_aliases (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (article_id, url)
);
CREATE INDEX article_aliases_canonical ON article_aliases(canonical_url);
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT,
    subtitle TEXT,
    published_at TEXT,
    source TEXT,
    authors TEXT,
    editor TEXT,
    body TEXT,
    images TEXT,
    attachments TEXT,
    url TEXT,
    published_at_from TEXT,
    body_html TEXT,
    breadcrumb TEXT,
    prev_url TEXT,
    next_url TEXT,
    read_count INTEGER,
    content_hash TEXT NOT NULL,
    page_id INTEGER REFERENCES pages(id),
    run_id INTEGER REFERENCES crawl_runs(id),
    seen_from TEXT NOT NULL,
    seen_until TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    UNIQUE (article_id, version)
);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    article_url TEXT,
    url TEXT NOT NULL,
    content_type TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    body BLOB NOT NULL,
    fetched_at TEXT NOT NULL,
    UNIQUE (url, sha256)
);
CREATE INDEX attachments_article ON attachments(article_id);
CREATE TABLE archive_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    proc_start TEXT,
    command TEXT,
    acquired_at TEXT NOT NULL
)
""",
    )


@migrations()
def m002_fulltext(db: Database) -> None:
    # External-content FTS5 over articles: the text is stored once, the index is kept in
    # sync by triggers, and the trigram tokenizer finds any Chinese substring of 3+ chars.
    # The update trigger fires only when title or body really changed, so refreshing
    # last_seen costs no index work.
    _script(
        db,
        """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, content="articles", content_rowid="id", tokenize="trigram"
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles
WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')
""",
    )


@migrations()
def m003_story_index(db: Database) -> None:
    # Band keys of each article's SimHash, so near-duplicates are found by index lookups.
    db.execute(
        """CREATE TABLE simhash_bands (
    key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID"""
    )
    rows = db.execute("SELECT id, simhash FROM articles WHERE simhash IS NOT NULL").fetchall()
    db.conn.executemany(
        "INSERT OR IGNORE INTO simhash_bands (key, article_id) VALUES (?, ?)",
        [(key, article_id) for article_id, value in rows for key in band_keys(value)],
    )


@migrations()
def m004_run_coverage(db: Database) -> None:
    # Per run and portal, how many stored articles had each field: a drop against the
    # previous run flags a changed page template.
    db.execute(
        """CREATE TABLE run_coverage (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    portal TEXT NOT NULL,
    articles INTEGER NOT NULL,
    with_title INTEGER NOT NULL,
    with_date INTEGER NOT NULL,
    with_source INTEGER NOT NULL,
    with_authors INTEGER NOT NULL,
    with_body INTEGER NOT NULL,
    PRIMARY KEY (run_id, portal)
)"""
    )


@migrations()
def m005_search_bigrams(db: Database) -> None:
    # Contentless FTS5 over the character grams of title and body (see
    # newsarchive.store.grams), so 1- and 2-character words are looked up in an index
    # rather than by a scan. Triggers keep it in step with articles on every write path;
    # they call newsarchive_grams(), which each archive connection registers. A delete
    # re-cuts the old text, which the deterministic function reproduces exactly.
    _script(
        db,
        """
CREATE VIRTUAL TABLE articles_grams USING fts5(
    title, body, content='', tokenize='ascii'
);
CREATE TRIGGER articles_grams_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_grams(rowid, title, body)
    VALUES (new.id, newsarchive_grams(new.title), newsarchive_grams(new.body));
END;
CREATE TRIGGER articles_grams_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_grams(articles_grams, rowid, title, body)
    VALUES ('delete', old.id, newsarchive_grams(old.title), newsarchive_grams(old.body));
END;
CREATE TRIGGER articles_grams_update AFTER UPDATE OF title, body ON articles
WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
    INSERT INTO articles_grams(articles_grams, rowid, title, body)
    VALUES ('delete', old.id, newsarchive_grams(old.title), newsarchive_grams(old.body));
    INSERT INTO articles_grams(rowid, title, body)
    VALUES (new.id, newsarchive_grams(new.title), newsarchive_grams(new.body));
END;
INSERT INTO articles_grams(rowid, title, body)
SELECT id, newsarchive_grams(title), newsarchive_grams(body) FROM articles
""",
    )


@migrations()
def m006_walk_state(db: Database) -> None:
    # The crawl frontier: every request a crawl has decided to make, with what became of
    # it. A page's outcome and the requests it led to are written in the transaction that
    # stores the page, so after a kill at any instant the pending rows are exactly the
    # work left, and the next run (plain or --resume) takes it up. List pages belong to
    # a walk (a token per pass over a section): a new walk reads them again, articles
    # are fetched once. A walk's status is derived from its rows (the ``walks`` view),
    # so it cannot disagree with them.
    _script(
        db,
        """
CREATE TABLE frontier (
    portal TEXT NOT NULL,
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    body BLOB,
    role TEXT NOT NULL,
    section TEXT NOT NULL,
    walk INTEGER NOT NULL DEFAULT 0,
    page_no INTEGER,
    depth INTEGER NOT NULL DEFAULT 0,
    incremental INTEGER NOT NULL DEFAULT 0,
    context TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'deferred')),
    outcome TEXT,
    reason TEXT,
    bound TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    found_run INTEGER,
    done_run INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (portal, key)
) WITHOUT ROWID;
CREATE INDEX frontier_open ON frontier(portal, section, state) WHERE state != 'done';
CREATE INDEX frontier_walk ON frontier(portal, section, walk);
CREATE TABLE walk_sections (
    portal TEXT NOT NULL,
    section TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (portal, section)
) WITHOUT ROWID;
CREATE VIEW walks AS
SELECT f.portal AS portal,
       f.section AS section,
       coalesce(n.name, f.section) AS name,
       CASE WHEN sum(f.state = 'pending') > 0 THEN 'unfinished'
            WHEN sum(f.state = 'deferred') > 0 THEN 'bounded'
            ELSE 'complete' END AS status,
       CASE WHEN sum(f.state = 'pending') > 0 THEN
                CASE WHEN sum(f.state = 'pending' AND f.attempts > 0) > 0 THEN 'retrying failed fetches'
                     ELSE 'interrupted' END
            ELSE group_concat(DISTINCT CASE WHEN f.state = 'deferred' THEN f.reason END) END AS reason,
       sum(f.state = 'pending') AS pending,
       sum(f.state = 'deferred') AS deferred,
       max(CASE WHEN f.role = 'list' THEN f.walk END) AS walk,
       max(f.updated_at) AS updated_at
FROM frontier f LEFT JOIN walk_sections n ON n.portal = f.portal AND n.section = f.section
GROUP BY f.portal, f.section;
ALTER TABLE pages ADD COLUMN part_of INTEGER REFERENCES pages(id);
ALTER TABLE pages ADD COLUMN part INTEGER;
CREATE INDEX pages_part_of ON pages(part_of) WHERE part_of IS NOT NULL
""",
    )
    # Pages that answered "gone" or a challenge before the frontier existed stay settled,
    # as they were for incremental crawls until now.
    dead = db.execute(
        "SELECT portal, url, final_url, status, max(fetched_at) FROM pages "
        "WHERE article_id IS NULL AND portal IS NOT NULL AND status IN (404, 410, 202, 412, 521) "
        "GROUP BY portal, url"
    ).fetchall()
    rows = {
        (portal, canonical_url(url)): (portal, canonical_url(url), url, f"http_{status}", seen)
        for portal, first, final, status, seen in dead
        for url in (first, final)
        if url
    }
    db.conn.executemany(
        "INSERT OR IGNORE INTO frontier (portal, key, url, role, section, state, outcome, updated_at) "
        "VALUES (?, ?, ?, 'article', '', 'done', ?, ?)",
        list(rows.values()),
    )


def _database(conn: sqlite3.Connection) -> Database:
    return Database(conn, recursive_triggers=False, execute_plugins=False)


def pending(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations this archive still needs (read-only)."""
    return [m.name for m in migrations.pending(_database(conn))]


def applied(conn: sqlite3.Connection) -> list[str]:
    return [m.name for m in migrations.applied(_database(conn))]


def apply(conn: sqlite3.Connection, stop_before: str | None = None) -> list[str]:
    """Apply pending migrations in one write transaction; return the names applied."""
    grams.register(conn)  # m005's index triggers and backfill call it
    db = _database(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        todo = [m.name for m in migrations.pending(db)]
        if stop_before in todo:
            todo = todo[: todo.index(stop_before)]
        migrations.apply(db, stop_before=stop_before)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return todo
