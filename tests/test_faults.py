"""Faulty servers: each fault of the demo portal's fault section, crawled for real.

For every fault the crawl finishes, the fault is counted by kind in the end-of-run table
and in crawl_runs, what can be retried is retried, and no junk reaches ``articles``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

import pytest

from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import articles, crawl_urls, match_truth, run_cli

# The slow page stalls longer than the crawler waits; huge pages exceed the size cap.
LIMITS = ("-s", "DOWNLOAD_TIMEOUT=3", "-s", "DOWNLOAD_MAXSIZE=5000000")


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("faults") / "archive.db"
    portal = DemoPortal(articles=40, faults=True, timeout_s=6, oversize_mb=12)
    with DemoServer(portal, in_process=False) as server:
        result = crawl_urls(server, db, *LIMITS)
        yield {
            "server": server,
            "db": db,
            "result": result,
            "log": Counter(target for _, target in server.request_log()),
            "hazards": portal.hazards(server.base_url),
            "traps": portal.traps(server.base_url),
            "truth": portal.truth(server.base_url),
        }


def _total_errors(result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith("total"))


def _run_counts(db) -> dict:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT counts, exit_status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return {"counts": json.loads(row[0]), "exit_status": row[1]}


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_crawl_finishes_with_errors_reported(faulty) -> None:
    assert faulty["result"].returncode == 1, faulty["result"].stderr[-2000:]
    assert _run_counts(faulty["db"])["exit_status"] == 1


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("timeout", "timeout"),
        ("truncated", "truncated"),
        ("reset", "connection_reset"),
        ("redirect_loop", "redirect_loop"),
        ("oversize", "too_large"),
        ("empty", "empty_page"),
        ("binary", "undecodable"),
        ("endless_pagination", "endless_pagination"),
        ("not_found", "http_404"),
    ],
)
def test_fault_is_counted_by_kind(faulty, fault: str, kind: str) -> None:
    assert faulty["hazards"].get(fault), f"the demo portal serves {fault}"
    assert f"{kind} " in _total_errors(faulty["result"])
    sections = _run_counts(faulty["db"])["counts"]["sections"]
    assert any(kind in row["errors"] for row in sections)


def test_challenges_are_counted_as_blocked(faulty) -> None:
    columns = _total_errors(faulty["result"]).split()
    assert int(columns[5]) == len(faulty["hazards"]["challenge_412"]) + len(faulty["hazards"]["challenge_202"])


def test_no_junk_reaches_articles(faulty) -> None:
    archived = {u for row in articles(faulty["db"]) for u in row["all_urls"]}
    for kind, urls in faulty["hazards"].items():
        if kind in ("redirect",):
            continue  # an old URL that redirects to a real article is kept as its alias
        for url in urls:
            assert url not in archived, (kind, url)
    rows = articles(faulty["db"])
    assert all(row["title"] and row["body"] and "\ufffd" not in row["body"] for row in rows)


def test_every_real_article_is_archived_once_despite_faults(faulty) -> None:
    _, missing, extra = match_truth(articles(faulty["db"]), faulty["truth"])
    assert not missing, [m["url"] for m in missing]
    assert not extra, [e["canonical_url"] for e in extra]


def test_what_can_be_retried_is_retried(faulty) -> None:
    log = faulty["log"]
    for kind in ("recover_500", "recover_503"):
        for url in faulty["traps"][kind]:
            assert log[_path(url)] >= 2, (kind, log[_path(url)])
    assert log[_path(faulty["hazards"]["timeout"][0])] >= 2


def test_cycles_and_self_links_are_fetched_once(faulty) -> None:
    log = faulty["log"]
    for kind in ("prevnext_cycle", "self_link"):
        for url in faulty["traps"][kind]:
            assert log[_path(url)] == 1, (kind, url)


def test_endless_pagination_stops(faulty) -> None:
    pages = [t for t in faulty["log"] if t.startswith("/fault/index")]
    assert len(pages) <= 3, pages


def test_archive_is_intact(faulty) -> None:
    with sqlite3.connect(faulty["db"]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_failures_are_one_line_each_without_tracebacks_or_warnings(faulty) -> None:
    err = faulty["result"].stderr
    assert "Traceback" not in err, err[-3000:]
    assert "DeprecationWarning" not in err, err[-3000:]


def test_a_refused_connection_is_counted_as_refused(tmp_path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("crawl", f"http://127.0.0.1:{port}/xwzx/", "--db", str(tmp_path / "a.db"), "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert "connection_refused 1" in _total_errors(result)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "DeprecationWarning" not in result.stderr, result.stderr[-3000:]  # warnings are logged here
    assert f"failed http://127.0.0.1:{port}/xwzx/: connection_refused" in result.stderr


def test_an_extractor_fault_keeps_the_page_and_is_counted_by_kind(monkeypatch) -> None:
    """A bug in the extractor (not a property of the page) is an ``extractor_error``: the
    crawl goes on, the raw page is kept, and the request stays pending for a fixed
    extractor, instead of a traceback and a lost article."""
    from newsarchive.crawl import extraction
    from newsarchive.crawl.faults import unreadable_kind

    def broken(*args, **kwargs):
        raise NameError("name 'helper' is not defined")

    monkeypatch.setattr(extraction, "extract_article", broken)
    article, more, reason, notices = extraction.read_article(b"<html><body><p>x</p></body></html>", "http://a.gov.cn/1.html", None, None)
    assert article is None and more == [] and notices == []
    assert unreadable_kind(reason) == "extractor_error" and "NameError" in reason
