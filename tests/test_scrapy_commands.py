"""The two doors into the same crawl: Scrapy's own commands and ``newsarchive crawl NAME``."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.cli.demo import DEMO_PORT
from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import FAST, ROOT, run_cli


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def demo_on_its_port():
    """The demo portal where spiders/demo.toml expects it."""
    if not _port_free(DEMO_PORT):
        pytest.skip(f"port {DEMO_PORT} (spiders/demo.toml) is in use by another program")
    with DemoServer(DemoPortal(articles=60), port=DEMO_PORT, in_process=True) as server:
        yield server


def scrapy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def count_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_scrapy_list_shows_every_portal() -> None:
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert {"chaotian", "demo"} <= set(result.stdout.split())


def test_scrapy_crawl_demo(demo_on_its_port, tmp_path: Path) -> None:
    db = tmp_path / "scrapy.db"
    result = scrapy("crawl", "demo", "-s", f"NEWSARCHIVE_DB={db}", "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 0, result.stderr[-2000:]
    assert count_articles(db) == 60


def test_newsarchive_crawl_demo_then_a_second_crawl_is_refused_while_locked(demo_on_its_port, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = run_cli("crawl", "demo", "--db", str(db), "--quiet", *FAST)
    assert result.returncode == 1, result.stderr[-2000:]  # the demo's 404 and challenges
    assert count_articles(db) == 60
    assert "政务要闻" in result.stdout

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from newsarchive.store import open_archive; a=open_archive(sys.argv[1]); l=a.lock(command='test'); l.__enter__(); print('locked', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = run_cli("crawl", "demo", "--db", str(db), "--quiet", timeout=60)
        assert refused.returncode == 3
        assert "lock" in refused.stderr.lower()
    finally:
        holder.kill()
        holder.wait()
    # The holder died without releasing: its stale lock is taken over.
    again = run_cli("crawl", "demo", "--db", str(db), "--quiet", *FAST)
    assert again.returncode in (0, 1), again.stderr[-2000:]
