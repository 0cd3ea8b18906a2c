"""``newsarchive serve`` and ``demo --serve-only`` as real processes on loopback."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from newsarchive import exitcodes
from newsarchive.store import open_archive
from newsarchive.store.serve import is_loopback
from tests import test_store_support as support
from tests.test_store_support import STORIES, child_env, store, story

pytest.importorskip("datasette")

db_path = support.db_path
NEWSARCHIVE = [sys.executable, "-c", "from newsarchive.cli import main; main()"]


@pytest.fixture
def served_db(db_path: Path) -> Path:
    archive = open_archive(db_path)
    for number, name in enumerate(STORIES):
        article = story(name)
        if number == 4:
            article["body"] += "\n产业扶贫带动群众增收。"
        store(archive, article, f"http://wh.gov.cn/{number}.html", portal="wuhan")
    run = archive.begin_run("crawl", ["wuhan"], {"redis": "redis://:secret@10.0.0.2:6379/0"})
    archive.finish_run(run)
    archive.close()
    return db_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on ``port`` (connections of the test may linger in TIME_WAIT)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
    return True


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            body = reply.read()
            status = reply.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode("utf-8", "replace")


def start(*args: str, wrapper: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*wrapper, *NEWSARCHIVE, *args],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_until_up(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode()) from None  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture
def serving(served_db):
    """Start ``serve`` with the given options; yields the base URL of the archive."""
    processes: list[subprocess.Popen[bytes]] = []

    def serve(*options: str, wrapper: tuple[str, ...] = ()) -> str:
        port = free_port()
        process = start("serve", "--db", str(served_db), "--port", str(port), *options,
                        wrapper=wrapper)  # fmt: skip
        processes.append(process)
        wait_until_up(process, f"http://127.0.0.1:{port}/")
        return f"http://127.0.0.1:{port}/archive"

    yield serve
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        kill_group(process)


def test_search_box_finds_two_character_words_with_facets(serving):
    base = serving()
    status, data = get(base + "/articles.json?_shape=objects&_search=" + quote("扶贫"))
    assert status == 200
    assert [row["url"] for row in data["rows"]] == ["http://wh.gov.cn/4.html"]
    assert set(data["facet_results"]) >= {"portal", "section", "published_month"}
    status, page = get(base + "/articles?_search=" + quote("扶贫"))  # the search box's URL
    assert status == 200
    assert "1 row where search matches &#34;扶贫&#34;" in page
    status, data = get(base + "/articles.json?_shape=objects&_search=" + quote("黄金周 OR 扶贫"))
    assert len(data["rows"]) == 2
    status, data = get(base + "/articles.json?_shape=objects&_search=" + quote("-扶贫"))
    assert status == 400
    assert "only excludes" in data["error"]


def test_beyond_loopback_needs_public(served_db):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    for host in ("0.0.0.0", "192.168.1.5", "::"):
        result = subprocess.run(
            [*NEWSARCHIVE, "serve", "--db", str(served_db), "--host", host],
            env=child_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == exitcodes.USAGE
        assert "--public" in result.stderr


def test_public_serving_has_no_sql_and_no_raw_tables(serving):
    private = serving()
    assert get(private + "/crawl_runs.json")[0] == 200  # on loopback the operator sees all
    base = serving("--public")  # public mode, still bound to loopback for the test
    assert get(base + "/articles.json?_shape=objects&_search=" + quote("扶贫"))[0] == 200
    for table in ("pages", "page_bodies", "crawl_runs", "archive_lock"):
        assert get(f"{base}/{table}.json")[0] == 403, table
    status, _ = get(base + ".json?sql=" + quote("select arguments from crawl_runs"))
    assert status == 403
    status, listing = get(base + ".json")
    assert status == 200
    assert "secret" not in json.dumps(listing)
    assert {t["name"] for t in listing["tables"] if not t["hidden"]} >= {"articles"}


def test_serves_an_archive_on_read_only_media(serving, served_db):
    if shutil.which("unshare") is None or subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True
    ).returncode:
        pytest.skip("needs unshare -rm to mount the archive's folder read-only")
    folder = str(served_db.parent)
    # In a private mount namespace the archive's folder is remounted read-only.
    mount = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && exec \"$@\""
    base = serving("--immutable", wrapper=("unshare", "-rm", "sh", "-c", mount, "sh"))
    status, data = get(base + "/articles.json?_shape=objects&_search=" + quote("扶贫"))
    assert status == 200 and len(data["rows"]) == 1
    assert not Path(folder, "archive.db-shm").exists()


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Whatever is left of the command's process group (an orphan when the test fails)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _stop_parent_only(process: subprocess.Popen[bytes], port: int) -> None:
    children = descendants(process.pid)
    assert children, "the command runs its server in a child process"
    os.kill(process.pid, signal.SIGTERM)  # the parent alone, as `kill PID` does
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)]
    assert port_is_free(port)


def test_sigterm_to_serve_stops_datasette(served_db):
    port = free_port()
    process = start("serve", "--db", str(served_db), "--port", str(port))
    try:
        wait_until_up(process, f"http://127.0.0.1:{port}/")
        _stop_parent_only(process, port)
    finally:
        kill_group(process)


def test_sigterm_to_demo_serve_only_stops_the_portal(tmp_path):
    port = free_port()
    process = start("demo", "--serve-only", "--port", str(port), "--db", str(tmp_path / "a.db"))
    try:
        wait_until_up(process, f"http://127.0.0.1:{port}/")
        _stop_parent_only(process, port)
    finally:
        kill_group(process)
