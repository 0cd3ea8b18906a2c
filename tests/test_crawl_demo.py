"""End to end: zero-configuration crawls of the demo portal over real HTTP on loopback."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import articles, crawl_urls, field_mismatches, match_truth, run_cli

ARTICLES = 400  # enough for several list pages in every section


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    with DemoServer(DemoPortal(articles=ARTICLES), in_process=True) as server:
        result = crawl_urls(server, db)
        log = server.request_log()
        yield server, db, result, log


def test_every_article_archived_exactly_once_and_nothing_else(crawled) -> None:
    server, db, _, _ = crawled
    truth = server.portal.truth(server.base_url)
    matched, missing, extra = match_truth(articles(db), truth)
    assert not missing, [m["url"] for m in missing[:5]]
    assert not extra, [e["canonical_url"] for e in extra[:5]]
    assert len(matched) == len(truth)


def test_hazards_never_become_articles(crawled) -> None:
    server, db, _, _ = crawled
    archived = {u for row in articles(db) for u in row["all_urls"]}
    hazards = server.portal.hazards(server.base_url)
    for kind in ("not_found", "challenge_412", "challenge_202", "continuation"):
        for url in hazards.get(kind, []):
            assert url not in archived, (kind, url)


def test_fields_match_the_portal(crawled) -> None:
    server, db, _, _ = crawled
    truth = server.portal.truth(server.base_url)
    matched, _, _ = match_truth(articles(db), truth)
    problems = field_mismatches(matched, truth)
    assert len(problems) <= len(truth) * 0.02, problems[:10]


def test_every_pagination_style_is_walked(crawled) -> None:
    _, _, _, log = crawled
    targets = [target for _, target in log]
    posts = [target for method, target in log if method == "POST"]
    assert any(re.search(r"/zx/zwyw/index_\d+\.html", t) for t in targets), "TRS createPageHTML pages"
    assert any(re.search(r"/zx/bmdt/index_\d+\.html", t) for t in targets), "TRS countPage pages"
    assert any("dataproxy.jsp" in t for t in posts), "Hanweb data proxy"
    assert any(re.search(r"[?&]page=2", t) for t in targets), "PHPCMS ?page=2"
    assert any(re.search(r"list_3_2\.html", t) for t in targets), "DedeCMS list_3_2.html"


def test_prev_next_only_section_is_walked_to_its_end(crawled) -> None:
    server, db, _, _ = crawled
    chain = [s for s in server.portal.sections(server.base_url) if s["style"] == "prevnext_chain"]
    assert chain, "the demo portal has a prev/next-only section"
    rows = [r for r in articles(db) if "/zx/ldhd/" in r["canonical_url"]]
    assert len(rows) == chain[0]["articles"]


def test_exit_status_and_counts(crawled) -> None:
    _, _, result, _ = crawled
    assert result.returncode == 1, result.stderr[-2000:]  # finished, with the demo's deliberate errors
    total = next(line for line in result.stdout.splitlines() if line.startswith("total"))
    assert re.search(r"http_404 1\b", total), total
    columns = total.split()
    # section, list pages, new, updated, known, blocked
    assert int(columns[2]) == ARTICLES and int(columns[5]) == 2, total


def test_redirected_article_records_both_urls(crawled) -> None:
    server, db, _, _ = crawled
    old = server.portal.hazards(server.base_url).get("redirect", [])
    assert old
    rows = articles(db)
    assert any(any(u in row["all_urls"] for u in old) or row["requested_url"] in old for row in rows)


def test_gbk_section_decoded(crawled) -> None:
    _, db, _, _ = crawled
    rows = [r for r in articles(db) if "/whly/" in r["canonical_url"]]
    assert rows and all("\ufffd" not in (r["body"] or "") and r["title"] for r in rows)


def test_multipage_article_is_merged(crawled) -> None:
    server, db, _, _ = crawled
    truth = server.portal.truth(server.base_url)
    continuation = server.portal.hazards(server.base_url)["continuation"]
    stem = Path(continuation[0]).name.split("_")[0]
    expected = next(t for t in truth if Path(t["url"]).stem == stem)
    row = next(r for r in articles(db) if Path(r["canonical_url"]).stem == stem)
    assert expected["body"].split("\n")[-1] in row["body"]


def test_download_attachments_stores_the_files(tmp_path: Path) -> None:
    db = tmp_path / "files.db"
    with DemoServer(DemoPortal(articles=60), in_process=True) as server:
        result = crawl_urls(server, db, "--download-attachments")
        truth = server.portal.truth(server.base_url)
    assert result.returncode == 1, result.stderr[-2000:]
    expected = {a["url"] for t in truth for a in t["attachments"]} | {i["src"] for t in truth for i in t["images"]}
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("SELECT url, article_id FROM attachments").fetchall())
    assert expected and expected <= set(stored)
    assert all(stored[url] is not None for url in expected), "each file is linked to its article"


def test_limits_since_max_pages_and_sections(tmp_path: Path) -> None:
    with DemoServer(DemoPortal(articles=300), in_process=True) as server:
        truth = server.portal.truth(server.base_url)
        newest = max(t["published_at"][:10] for t in truth)
        since = sorted(t["published_at"][:10] for t in truth)[len(truth) * 3 // 4]

        recent = crawl_urls(server, tmp_path / "since.db", "--since", since)
        rows = articles(tmp_path / "since.db")
        assert recent.returncode in (0, 1), recent.stderr[-2000:]
        assert rows and all(r["published_at"][:10] >= since for r in rows)
        assert max(r["published_at"][:10] for r in rows) == newest

        server.reset_log()
        capped = crawl_urls(server, tmp_path / "pages.db", "--max-pages", "1")
        assert capped.returncode in (0, 1)
        assert not [t for _, t in server.request_log() if re.search(r"index_\d+\.html|list_3_[2-9]|page=[2-9]|dataproxy", t)]

    with DemoServer(DemoPortal(articles=60), port=0, in_process=True) as server:
        from tests.demo_support import run_cli

        first = server.portal.sections(server.base_url)[0]
        result = run_cli("crawl", *[s["url"] for s in server.portal.sections(server.base_url)], "--db", str(tmp_path / "one.db"),
                         "--sections", "/" + first["url"].split("/", 3)[3], "--quiet", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
        assert result.returncode in (0, 1), result.stderr[-2000:]
        sections = {r["section"] for r in articles(tmp_path / "one.db")}
        assert sections == {first["name"]}  # named from its page, not its URL


def test_every_walk_is_complete_after_a_clean_crawl(crawled) -> None:
    _, db, _, _ = crawled
    with sqlite3.connect(db) as conn:
        walks = conn.execute("SELECT name, status, pending FROM walks WHERE section != ''").fetchall()
    assert len(walks) == 8
    assert all(status == "complete" and pending == 0 for _, status, pending in walks), walks


def test_reextraction_with_the_same_extractor_changes_nothing(crawled, tmp_path: Path) -> None:
    # On a copy: the other tests read the crawled archive as the crawl left it.
    _, db, _, _ = crawled
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    before = {r["canonical_url"]: r for r in articles(copy)}
    result = run_cli("reextract", "--db", str(copy))
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 0
        split = conn.execute("SELECT count(DISTINCT part_of) FROM pages WHERE part_of IS NOT NULL").fetchone()[0]
    assert split >= 1, "the demo portal has split articles: their parts are stored"
    after = {r["canonical_url"]: r for r in articles(copy)}
    assert {u: r["body"] for u, r in after.items()} == {u: r["body"] for u, r in before.items()}
