"""A process killed mid-write leaves a sound archive: whole transactions or nothing."""

from __future__ import annotations

import signal
import time

import pytest

from newsarchive.store import open_archive
from tests import test_store_support as support
from tests.test_store_support import STORIES, run_child, start_child

# fixtures shared by the archive tests
db_path = support.db_path

WRITER = """
import os, signal, sys
from newsarchive.store import open_archive
from tests.test_store_support import STORIES, story, store

archive = open_archive(sys.argv[1])
how = sys.argv[2]

def batch(number):
    with archive.transaction():
        for i, name in enumerate(STORIES):
            page = archive.record_page(url=f"http://a.gov.cn/{number}/{i}.html", status=200,
                                       headers=[("Content-Type", "text/html")],
                                       body=os.urandom(5000), portal=f"p{number}")
            store(archive, story(name), f"http://a.gov.cn/{number}/{i}.html", page_id=page,
                  portal=f"p{number}")
            if how != "loop" and number == 1 and i == 2:
                print("half-way", flush=True)
                if how == "sigkill":
                    os.kill(os.getpid(), signal.SIGKILL)
                os._exit(1)

if how == "loop":
    number = 0
    while True:
        batch(number)
        number += 1
        if number == 3:
            print("writing", flush=True)
else:
    batch(0)
    batch(1)
"""


def check_sound(path, batches_at_least=1):
    archive = open_archive(path)
    try:
        conn = archive.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        linked = conn.execute("SELECT count(*) FROM pages WHERE article_id IS NOT NULL").fetchone()
        bands = conn.execute("SELECT count(*) FROM simhash_bands").fetchone()[0]
        fingerprinted = conn.execute(
            "SELECT count(*) FROM articles WHERE simhash IS NOT NULL"
        ).fetchone()[0]
        assert articles == pages == linked[0]  # no page without its article, or the reverse
        assert articles % len(STORIES) == 0  # whole batches only
        assert articles >= batches_at_least * len(STORIES)
        assert bands == 4 * fingerprinted
        return articles
    finally:
        archive.close()


@pytest.mark.parametrize("how", ["sigkill", "exit"])
def test_killed_inside_a_transaction_leaves_no_partial_rows(db_path, how):
    result = run_child(WRITER, str(db_path), how)
    assert "half-way" in result.stdout, result.stderr
    assert result.returncode == (-signal.SIGKILL if how == "sigkill" else 1)
    assert check_sound(db_path) == len(STORIES)  # batch 0 only


def test_killed_at_a_random_moment_while_writing(db_path):
    child = start_child(WRITER, str(db_path), "loop")
    try:
        assert child.stdout.readline().strip() == "writing", child.stderr.read()
        time.sleep(0.2)
    finally:
        child.kill()
        child.wait()
    check_sound(db_path, batches_at_least=3)
