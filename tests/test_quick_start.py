"""The README's two Quick start commands, copied literally, on this machine's system
Python, which refuses ``pip install`` (PEP 668) the way Debian's and Ubuntu's do."""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.demo_support import ROOT

SYSTEM_PATH = "/usr/bin:/bin"  # the distribution's python3 first, nothing of ours


def quick_start() -> list[str]:
    """The command lines of the first code block under "## Quick start"."""
    section = ROOT.joinpath("README.md").read_text("utf-8").split("## Quick start", 1)[1]
    block = re.search(r"^```bash\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert block, "the Quick start has a bash block"
    return block.group(1).splitlines()


def externally_managed() -> bool:
    python = shutil.which("python3", path=SYSTEM_PATH)
    return bool(python and glob.glob("/usr/lib/python3*/EXTERNALLY-MANAGED"))


@pytest.mark.slow
@pytest.mark.skipif(not externally_managed(), reason="no PEP 668 system Python (EXTERNALLY-MANAGED) on this machine")
def test_quick_start_works_where_pip_install_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "newsarchive"
    ignore = shutil.ignore_patterns(".venv", ".git", "data", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", "*.egg-info", "build")
    shutil.copytree(ROOT, project, ignore=ignore)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = SYSTEM_PATH

    def shell(line: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", line], cwd=project, env={**env, **extra}, capture_output=True, text=True, timeout=900)

    refused = shell("python3 -m pip install --dry-run -e .")
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr

    demo, tests = quick_start()
    done = shell(demo)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with sqlite3.connect(project / "data" / "archive.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 60  # the demo's default
    # the test command as written, narrowed to one quick test (not this whole suite again)
    done = shell(tests, PYTEST_ADDOPTS="-q -p no:cacheprovider tests/test_portals.py -k bundled")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
