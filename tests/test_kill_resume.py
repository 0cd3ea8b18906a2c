"""Kill and rerun: a crawl killed with SIGKILL (or stopped with SIGTERM) and run again,
plainly or with --resume, ends with every article exactly once, an intact archive, and
nothing lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import FAST, ROOT, articles, match_truth, run_cli, section_urls

ARTICLES = 600


def start_crawl(server: DemoServer, db: Path, *extra: str) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "newsarchive", "crawl", *section_urls(server), "--db", str(db), "--quiet", *FAST, *extra]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def archived_urls(db: Path) -> set[str]:
    if not db.exists():
        return set()
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return {row[0] for row in conn.execute("SELECT canonical_url FROM articles")}
    except sqlite3.OperationalError:
        return set()  # the schema is not there yet


def wait_for(db: Path, count: int, process: subprocess.Popen[str], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while len(archived_urls(db)) < count:
        assert process.poll() is None, "the crawl ended before the kill point"
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the crawl's extraction workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def gone(pids: list[int], limit: float = 10) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.2)
    return False


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def slow_portal():
    # A little latency per response, so a crawl lasts long enough to be killed mid-way.
    with DemoServer(DemoPortal(articles=ARTICLES, latency_ms=4), in_process=False) as server:
        yield server


@pytest.mark.slow
def test_sigkill_at_several_points_then_resume(slow_portal: DemoServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    before: set[str] = set()
    for number, kill_at in enumerate((40, 200, 420)):
        crawl = start_crawl(slow_portal, db, *(["--resume"] if number % 2 else []))
        wait_for(db, kill_at, crawl)
        workers = children(crawl.pid)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        assert gone(workers), "extraction workers outlived their killed crawl"
        after = archived_urls(db)
        assert before <= after, "an article stored before a kill was lost"
        assert integrity(db) == "ok"
        before = after
    finished = run_cli("crawl", *section_urls(slow_portal), "--db", str(db), "--quiet", *FAST)
    assert finished.returncode in (0, 1), finished.stderr[-2000:]
    truth = slow_portal.portal.truth(slow_portal.base_url)
    _, missing, extra = match_truth(articles(db), truth)
    assert not missing and not extra, ([m["url"] for m in missing[:5]], [e["canonical_url"] for e in extra[:5]])
    assert before <= archived_urls(db)
    assert integrity(db) == "ok"


@pytest.mark.slow
def test_sigterm_stops_gracefully_and_a_plain_rerun_finishes(slow_portal: DemoServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    crawl = start_crawl(slow_portal, db)
    wait_for(db, 100, crawl)
    crawl.send_signal(signal.SIGTERM)
    _, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 143  # 128 + SIGTERM: cron tells it from a finished run
    assert "again to continue" in err
    stored = archived_urls(db)
    assert 100 <= len(stored) < ARTICLES
    with sqlite3.connect(db) as conn:
        unfinished = conn.execute("SELECT count(*) FROM walks WHERE status = 'unfinished'").fetchone()[0]
    assert unfinished, "the archive says the crawl is not complete"
    resumed = run_cli("crawl", *section_urls(slow_portal), "--db", str(db), "--quiet", *FAST)
    assert resumed.returncode in (0, 1), resumed.stderr[-2000:]
    _, missing, extra = match_truth(articles(db), slow_portal.portal.truth(slow_portal.base_url))
    assert not missing and not extra
    assert integrity(db) == "ok"
