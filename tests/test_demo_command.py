"""The README's main command: ``newsarchive demo`` serves the portal and crawls it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.demo_support import run_cli


def test_demo_serves_crawls_and_reports(tmp_path: Path) -> None:
    db = tmp_path / "data" / "archive.db"
    result = run_cli("demo", "--db", str(db), "--articles", "40", "--port", "0")
    # The demo's deliberate 404 is an error: the command says so as its run log does.
    assert result.returncode == 1, result.stderr[-2000:]
    assert "total" in result.stdout and f"archive: {db}" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 40
        assert conn.execute("SELECT exit_status FROM crawl_runs").fetchone()[0] == result.returncode
        assert conn.execute("SELECT count(*) FROM walks WHERE status != 'complete'").fetchone()[0] == 0


def test_demo_default_location_is_data_archive_db(tmp_path: Path) -> None:
    result = run_cli("demo", "--articles", "20", "--port", "0", cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert (tmp_path / "data" / "archive.db").exists()
