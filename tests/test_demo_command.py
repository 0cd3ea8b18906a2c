"""The README's main command: ``newsarchive demo`` serves the portal and crawls it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.demo_support import run_cli


def test_demo_serves_crawls_and_reports(tmp_path: Path) -> None:
    db = tmp_path / "data" / "archive.db"
    result = run_cli("demo", "--db", str(db), "--articles", "40", "--port", "0")
    # The deliberate 404 is reported as an error, yet every article is there: status 0.
    assert result.returncode == 0, result.stderr[-2000:]
    assert "every article of the portal is archived" in result.stderr
    assert "total" in result.stdout and f"archive: {db}" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 40
        assert conn.execute("SELECT exit_status FROM crawl_runs").fetchone()[0] == 1  # its errors
        assert conn.execute("SELECT count(*) FROM walks WHERE status != 'complete'").fetchone()[0] == 0


def test_demo_default_location_is_data_archive_db(tmp_path: Path) -> None:
    result = run_cli("demo", "--articles", "20", "--port", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "data" / "archive.db").exists()
