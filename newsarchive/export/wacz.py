"""WACZ, the web archive package ReplayWeb.page, pywb and Browsertrix open: the WARC of
the stored fetches, its CDXJ index, ``pages/pages.jsonl`` listing each archived article
with its headline, and ``datapackage.json`` with every file's hash.

The package is made by the ``wacz`` tool of the Webrecorder project, the format's
authors, so it is what their own validator expects. It works on files, so the WARC
and the package are put together in a temporary folder ($TMPDIR) and then copied out.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from newsarchive import __version__
from newsarchive.export import ExportError
from newsarchive.export.warc import write_warc

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Archived articles"}


def _article_pages(
    pages: Iterable[dict[str, Any]], firsts: dict[int, tuple[str, str]]
) -> Iterator[dict[str, Any]]:
    """Pass ``pages`` on, noting each article's first successful fetch (URL, time)."""
    for page in pages:
        article = page.get("article_id")
        if article is not None and article not in firsts and page["status"] == 200:
            firsts[article] = (page["final_url"] or page["url"], page["fetched_at"])
        yield page


def _write_pages(path: Path, articles: Iterable[dict[str, Any]], firsts: dict[int, tuple[str, str]]) -> int:
    """pages.jsonl for the articles whose page is in the WARC, titled by their headline."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(PAGES_HEADER) + "\n")
        for article in articles:
            if article["id"] not in firsts:
                continue
            url, fetched_at = firsts[article["id"]]
            title = article.get("title") or url
            out.write(json.dumps({"url": url, "ts": fetched_at, "title": title}, ensure_ascii=False) + "\n")
            written += 1
    return written


def _create(folder: Path, warc: Path, pages: Path, title: str) -> Path:
    try:
        from wacz.main import main as wacz_main
    except ImportError as exc:
        raise ExportError("WACZ export needs the wacz package: pip install 'newsarchive[wacz]'") from exc
    target = folder / "archive.wacz"
    args = ["create", "-o", str(target), str(warc), "-p", str(pages), "--title", title,
            "--desc", f"Pages fetched by newsarchive/{__version__}, exported from its archive"]  # fmt: skip
    log = io.StringIO()
    with contextlib.redirect_stdout(log):  # its progress lines must not mix into stdout
        status = wacz_main(args)
    if status:
        raise ExportError(f"wacz create failed: {log.getvalue().strip()}")
    return target


def write_wacz(
    pages: Iterable[dict[str, Any]],
    articles: Iterable[dict[str, Any]],
    out: BinaryIO,
    *,
    title: str = "newsarchive export",
) -> int:
    """Write a WACZ of ``pages`` (the stored fetches) to ``out``, listing the ``articles``
    among them as its pages; returns the number of fetches."""
    with tempfile.TemporaryDirectory(prefix="newsarchive-wacz-") as name:
        folder = Path(name)
        warc, listing = folder / "data.warc.gz", folder / "pages.jsonl"
        firsts: dict[int, tuple[str, str]] = {}
        with warc.open("wb") as raw:
            count = write_warc(_article_pages(pages, firsts), raw)
        _write_pages(listing, articles, firsts)
        with _create(folder, warc, listing, title).open("rb") as package:
            shutil.copyfileobj(package, out)
    out.flush()
    return count
