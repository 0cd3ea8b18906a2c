"""``newsarchive export -o FILE`` as a user runs it: the format from the file name, no
silent overwrite, and a file that is the previous export or the complete new one
whatever happens (SIGKILL, Ctrl-C, SIGTERM, a full disk), in real child processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive import exitcodes
from newsarchive.store import open_archive
from newsarchive.store.bulk import load_new
from tests.test_store_support import ROOT, STORIES, child_env, story

PREVIOUS = b'{"previous": "a good export"}\n'
ARTICLES = 300  # about 6 MB of JSONL: an export that runs long enough to be cut


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("big") / "archive.db"
    archive = open_archive(db)

    def items():
        for number in range(ARTICLES):
            article = story(STORIES[number % len(STORIES)])
            article["body"] = (article["body"] + f"\n第{number}篇") * 4
            url = f"http://www.wh.gov.cn/{number}.html"
            yield {**article, "url": url}, {"portal": "wuhan", "section": "要闻", "final_url": url}

    load_new(archive, items())
    archive.close()
    return db


def newsarchive(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "newsarchive", *(str(a) for a in args)]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(newsarchive(*args), capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=300)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def start_and_catch_writing(args: list[str], target: Path) -> subprocess.Popen[str]:
    """Start an export and stop it (SIGSTOP) at a moment when its temporary file holds
    some bytes but is not yet complete. It runs in slices of a few milliseconds and is
    looked at only while stopped, so it cannot finish between the look and the signal."""
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=child_env(), cwd=ROOT)
    while True:
        os.kill(child.pid, signal.SIGSTOP)
        parts = [p for p in target.parent.glob(f".{target.name}.*.part") if p.stat().st_size > 0]
        if parts:
            return child
        assert child.poll() is None, "the export finished before it could be caught: make the archive bigger"
        os.kill(child.pid, signal.SIGCONT)
        time.sleep(0.003)


def full_export(big: Path, tmp_path: Path) -> bytes:
    reference = tmp_path / "reference.jsonl"
    assert run("export", "-o", reference, "--db", big).returncode == 0
    return reference.read_bytes()


@pytest.mark.parametrize("previous", [True, False], ids=["over-a-previous-export", "new-file"])
def test_sigkill_mid_export_leaves_the_previous_file_or_none(big, tmp_path, previous):
    target = tmp_path / "out" / "all.jsonl"
    target.parent.mkdir()
    if previous:
        target.write_bytes(PREVIOUS)
    child = start_and_catch_writing(newsarchive("export", "-o", target, "--force", "--db", big), target)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    if previous:
        assert target.read_bytes() == PREVIOUS
    else:
        assert not target.exists()
    # a killed process cannot clean up: its partial file stays hidden beside the target
    assert len(leftovers(target.parent)) == 1
    # and the next export works and replaces nothing but the target
    assert run("export", "-o", target, "--force", "--db", big).returncode == 0
    assert target.read_bytes() == full_export(big, tmp_path)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_overwrite_keeps_the_previous_export(big, tmp_path, sig):
    target = tmp_path / "all.jsonl"
    target.write_bytes(PREVIOUS)
    child = start_and_catch_writing(newsarchive("export", "-o", target, "--force", "--db", big), target)
    os.kill(child.pid, sig)
    os.kill(child.pid, signal.SIGCONT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == exitcodes.INTERRUPTED, stderr
    assert "interrupted: the previous" in stderr and "unchanged" in stderr
    assert target.read_bytes() == PREVIOUS
    assert leftovers(tmp_path) == []


def test_existing_file_is_not_overwritten_without_force(big, tmp_path):
    target = tmp_path / "all.csv"
    target.write_bytes(PREVIOUS)
    refused = run("export", "-o", target, "--db", big)
    assert refused.returncode == exitcodes.USAGE
    assert "exists; give --force to replace it" in refused.stderr
    assert target.read_bytes() == PREVIOUS
    replaced = run("export", "-o", target, "--force", "--db", big)
    assert replaced.returncode == 0, replaced.stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,portal,section")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("a.csv", b"\xef\xbb\xbfid,"),
        ("a.jsonl", b'{"id": 1,'),
        ("a.ndjson", b'{"id": 1,'),
        ("a.parquet", b"PAR1"),
        ("a.warc", b"WARC/1.0\r\n"),
        ("a.warc.gz", b"\x1f\x8b"),
        ("a.wacz", b"PK\x03\x04"),
    ],
)
def test_format_comes_from_the_file_name(big, tmp_path, name, starts):
    target = tmp_path / name
    result = run("export", "-o", target, "--db", big)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(starts)


def test_format_neither_given_nor_inferable_is_a_usage_error(big, tmp_path):
    result = run("export", "-o", tmp_path / "all.txt", "--db", big)
    assert result.returncode == exitcodes.USAGE
    assert "cannot tell the format from the name 'all.txt'" in result.stderr
    assert not (tmp_path / "all.txt").exists()
    to_stdout = run("export", "--db", big)
    assert to_stdout.returncode == exitcodes.USAGE and "give --format" in to_stdout.stderr


def _unshare() -> list[str] | None:
    """A command prefix that runs a child in its own mount namespace, where it may mount
    a tmpfs: as root plainly, else as root of a user namespace."""
    if not shutil.which("unshare") or not shutil.which("mount"):
        return None
    for prefix in (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"]):
        probe = subprocess.run([*prefix, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", "/mnt"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


FULL_DISK = """
import json, os, subprocess, sys
folder, db = sys.argv[1], sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", folder], check=True)
with open(os.path.join(folder, "old.jsonl"), "wb") as f:
    f.write(b'{"previous": "a good export"}\\n')
results = {}
for name, force in (("old.jsonl", ["--force"]), ("new.jsonl", []), ("new.csv", [])):
    done = subprocess.run([sys.executable, "-m", "newsarchive", "export", "-o", os.path.join(folder, name), *force, "--db", db],
                          capture_output=True, text=True)
    results[name] = [done.returncode, done.stderr]
files = {n: os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder)}
with open(os.path.join(folder, "old.jsonl"), "rb") as f:
    old = f.read().decode()
print(json.dumps({"results": results, "files": files, "old": old}))
"""


def test_full_disk_leaves_no_empty_file_and_says_so(big, tmp_path):
    prefix = _unshare()
    if prefix is None:
        pytest.skip("cannot mount a small tmpfs here (needs root or user namespaces) to fill a real disk")
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run([*prefix, sys.executable, "-c", FULL_DISK, str(folder), str(big)],
                          capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for name, (status, stderr) in report["results"].items():
        assert status == exitcodes.ERRORS, (name, stderr)
        assert f"cannot write export {folder / name}: No space left on device" in stderr
    assert "the previous" in report["results"]["old.jsonl"][1]
    assert f"no {folder / 'new.jsonl'} was made" in report["results"]["new.jsonl"][1]
    # only the previous export is there, whole: no empty file, no partial file
    assert report["files"] == {"old.jsonl": len(PREVIOUS)}
    assert report["old"] == PREVIOUS.decode()
