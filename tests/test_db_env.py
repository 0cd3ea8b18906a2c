"""``NEWSARCHIVE_DB`` names the archive for every command that takes ``--db``: crawl,
demo and ingest included, and for ``scrapy crawl`` through the settings."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click

from newsarchive.cli import main
from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import FAST, ROOT, run_cli, section_urls


def test_every_db_option_reads_the_variable() -> None:
    with_db = {
        name: param
        for name, command in main.commands.items()
        for param in command.params
        if isinstance(param, click.Option) and "--db" in param.opts
    }
    assert {"crawl", "demo", "ingest", "export", "search", "stats", "migrate", "serve"} <= set(with_db)
    assert {name for name, param in with_db.items() if param.envvar != "NEWSARCHIVE_DB"} == set()


def test_crawl_demo_and_the_archive_commands_use_it(tmp_path: Path) -> None:
    crawled, demoed = tmp_path / "crawled.db", tmp_path / "demo.db"
    with DemoServer(DemoPortal(articles=12), in_process=True) as server:
        crawl = run_cli("crawl", section_urls(server)[0], "--max-pages", "1", "--quiet", *FAST, env={"NEWSARCHIVE_DB": str(crawled)}, cwd=tmp_path)
    assert crawl.returncode in (0, 1), crawl.stderr[-2000:]
    demo = run_cli("demo", "--articles", "5", "--port", "0", env={"NEWSARCHIVE_DB": str(demoed)}, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-2000:]
    for db in (crawled, demoed):
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
    stats = run_cli("stats", env={"NEWSARCHIVE_DB": str(demoed)}, cwd=tmp_path)
    assert stats.returncode == 0 and "5 articles" in stats.stdout
    assert not (tmp_path / "data").exists()  # the default archive was never made


def test_scrapy_settings_read_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSARCHIVE_DB": str(tmp_path / "s.db")}
    shown = subprocess.run([sys.executable, "-m", "scrapy", "settings", "--get", "NEWSARCHIVE_DB"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert shown.stdout.strip() == str(tmp_path / "s.db")
