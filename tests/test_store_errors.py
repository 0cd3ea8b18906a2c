"""A read-only or full archive gives a clear ArchiveError and stays as it was."""

from __future__ import annotations

import ctypes
import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest

from newsarchive.store import ArchiveError, open_archive
from tests import test_store_support as support
from tests.test_store_support import STORIES, run_child, store, story

# fixtures shared by the archive tests
db_path = support.db_path

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def filled(path: Path) -> None:
    archive = open_archive(path)
    for number, name in enumerate(STORIES):
        store(archive, story(name), f"http://a.gov.cn/{number}.html")
    archive.close()  # checkpoints: everything is in the main file


def _without_file_permission_override() -> None:
    """In the child: drop root's power to ignore file permissions (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH) from the capability bounding set, so after exec the chmod bites."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_read_only_archive_is_refused_and_untouched(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "archive.db"
    filled(path)
    before = digest(path)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(0o555)
    code = """
        import sys
        from newsarchive.store import ArchiveError, open_archive
        from tests.test_store_support import story, store
        try:
            archive = open_archive(sys.argv[1])
            store(archive, story(), "http://a.gov.cn/new.html")
        except ArchiveError as exc:
            print("ArchiveError:", exc)
        else:
            print("written")
    """
    try:
        extra = {"preexec_fn": _without_file_permission_override} if os.geteuid() == 0 else {}
        try:
            result = run_child(code, str(path), **extra)
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"cannot drop root's file-permission override here: {exc}")
        assert result.stdout.startswith("ArchiveError:"), result.stdout + result.stderr
        assert "read-only" in result.stdout
        assert str(path) in result.stdout
        assert digest(path) == before
        assert sorted(p.name for p in folder.iterdir()) == ["archive.db"]
    finally:
        folder.chmod(0o755)


def test_full_disk_rolls_back_and_says_so(db_path):
    filled(db_path)
    archive = open_archive(db_path)
    try:
        before = list(archive.conn.iterdump())
        pages = archive.conn.execute("PRAGMA page_count").fetchone()[0]
        archive.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        big = story(body="武汉" * 200_000)
        with pytest.raises(ArchiveError, match="full") as error:
            store(archive, big, "http://a.gov.cn/big.html")
        assert str(db_path) in str(error.value)
        with pytest.raises(ArchiveError, match="full"):
            archive.record_page(
                url="http://a.gov.cn/x", status=200, headers=[], body=os.urandom(10**6)
            )
        assert not archive.conn.in_transaction
        assert list(archive.conn.iterdump()) == before
        assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the archive still works once there is room again
        archive.conn.execute("PRAGMA max_page_count = 1073741823")
        assert store(archive, big, "http://a.gov.cn/big.html") == "new"
    finally:
        archive.close()


def test_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ArchiveError, match="cannot create the folder"):
        open_archive(blocker / "sub" / "archive.db")
