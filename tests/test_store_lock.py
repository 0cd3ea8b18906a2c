"""One writer per archive: a live holder is refused, a dead one is taken over."""

from __future__ import annotations

import os
import socket

import pytest

from newsarchive.store import ArchiveLocked, open_archive
from newsarchive.store.lock import holder_alive
from tests import test_store_support as support
from tests.test_store_support import run_child, start_child

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path

HOLDER = """
import sys
from newsarchive.store import open_archive
archive = open_archive(sys.argv[1])
held = archive.lock(command="crawl demo")
print("locked", flush=True)
if sys.argv[2] == "wait":
    sys.stdin.readline()
    held.release()
    print("released", flush=True)
else:
    import os
    os._exit(0)  # dies holding the lock
"""


def test_a_second_process_is_refused_while_the_holder_lives(db_path):
    open_archive(db_path).close()
    child = start_child(HOLDER, str(db_path), "wait")
    try:
        assert child.stdout.readline().strip() == "locked", child.stderr.read()
        archive = open_archive(db_path)
        with pytest.raises(ArchiveLocked) as refused:
            archive.lock(command="crawl demo")
        message = str(refused.value)
        assert f"pid {child.pid}" in message
        assert "crawl demo" in message
        assert str(db_path) in message
        assert refused.value.holder["pid"] == child.pid
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "released"
        with archive.lock(command="crawl again") as held:
            assert held.taken_over is None
            assert archive.lock_holder()["command"] == "crawl again"
        assert archive.lock_holder() is None
        archive.close()
    finally:
        child.kill()
        child.wait()


def test_the_lock_of_a_dead_process_is_taken_over(db_path):
    open_archive(db_path).close()
    result = run_child(HOLDER, str(db_path), "die")
    assert result.stdout.strip() == "locked", result.stderr
    archive = open_archive(db_path)
    try:
        assert archive.lock_holder()["command"] == "crawl demo"
        with archive.lock(command="crawl demo") as held:
            assert held.taken_over["command"] == "crawl demo"
            assert archive.lock_holder()["pid"] == os.getpid()
    finally:
        archive.close()


def test_a_killed_but_unreaped_holder_is_dead(db_path):
    open_archive(db_path).close()
    child = start_child(HOLDER, str(db_path), "wait")
    try:
        assert child.stdout.readline().strip() == "locked"
        child.kill()
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # a zombie now
        archive = open_archive(db_path)
        with archive.lock(command="next") as held:
            assert held.taken_over["pid"] == child.pid
        archive.close()
    finally:
        child.wait()


def test_same_process_second_archive_object_is_refused(archive, db_path):
    with archive.lock(command="first"):
        other = open_archive(db_path)
        with pytest.raises(ArchiveLocked):
            other.lock(command="second")
        other.close()


def test_closing_the_archive_releases_its_lock(db_path):
    first = open_archive(db_path)
    first.lock(command="crawl")
    first.close()
    second = open_archive(db_path)
    assert second.lock_holder() is None
    second.close()


def test_liveness_rules():
    me = {"pid": os.getpid(), "host": socket.gethostname(), "proc_start": None}
    assert holder_alive(me)
    assert not holder_alive({**me, "proc_start": "1"})  # pid reused by a later process
    assert holder_alive({**me, "host": "another-host", "pid": 999_999_999})  # cannot tell
    assert not holder_alive({**me, "pid": 999_999_999})


def test_unlock_breaks_a_lock_from_another_host(archive):
    archive.conn.execute(
        "INSERT INTO archive_lock (id, token, pid, host, command, acquired_at) "
        "VALUES (1, 't', 1, 'elsewhere', 'crawl demo', '2024-05-01T08:00:00Z')"
    )
    with pytest.raises(ArchiveLocked, match="elsewhere"):
        archive.lock()
    assert archive.break_lock()["host"] == "elsewhere"
    archive.lock().release()
