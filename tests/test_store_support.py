"""Helpers shared by the archive tests: real Chinese articles, archives in tmp_path and
child processes that run against the package in this checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from newsarchive.extract.model import ARTICLE_FIELDS
from newsarchive.store import Archive, open_archive

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
# Five distinct stories from the golden fixtures (real text, several sources and lengths).
STORIES = ("cjn.cn__1", "chinanews.com__1", "china.com.cn__1", "china.com.cn__2", "gmw.cn__1")
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def story(name: str = "cjn.cn__1", **changes: Any) -> dict[str, Any]:
    """The expected extraction of a fixture page as ``Article.to_dict()`` would give it."""
    data = json.loads((ARTICLES / f"{name}.json").read_text("utf-8"))
    article = {field: data.get(field) for field in ARTICLE_FIELDS}
    for field in ("authors", "breadcrumb", "images", "attachments"):
        article[field] = article[field] or []
    article.update(changes)
    return article


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def store(archive: Archive, article: dict[str, Any], url: str, **kw: Any) -> str:
    kw.setdefault("portal", "demo")
    kw.setdefault("section", "政务要闻")
    kw.setdefault("fetched_at", T0)
    # the extractor is given the page's URL, so its ``url`` is the fetched one
    kw.setdefault("requested_url", url)
    return archive.store_article({**article, "url": url}, final_url=url, **kw)


def count(archive: Archive, table: str) -> int:
    return archive.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "archive.db"


@pytest.fixture
def archive(db_path: Path):
    opened = open_archive(db_path)
    yield opened
    opened.close()


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_child(code: str, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a fresh interpreter that imports this checkout."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def start_child(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
