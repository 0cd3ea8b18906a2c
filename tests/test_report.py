"""``newsarchive report``: the page is opened in a real headless Chromium, with no network,
and its charts must have been drawn."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html

from newsarchive.store import open_archive, stats
from tests import test_store_support as support
from tests.support import require
from tests.test_store_support import STORIES, child_env, store, story

db_path = support.db_path
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
HOSTILE_SECTION = "</script><script>document.body.innerHTML='owned'</script>"
CHARTS = ("articles-per-month", "section-coverage", "coverage-history", "run-history")


@pytest.fixture
def reported(db_path: Path) -> Path:
    """An archive of three runs of one portal (the last lost its sources) and walks."""
    archive = open_archive(db_path)
    for run_number in range(3):
        run = archive.begin_run("crawl", ["wuhan"])
        for index, name in enumerate(STORIES):
            article = story(name, source=None) if run_number == 2 else story(name)
            article["body"] += f"第{run_number}次修订" if run_number else ""
            section = ("政务要闻", HOSTILE_SECTION)[index % 2]
            store(archive, article, f"http://wh.gov.cn/{index}.html", portal="wuhan",
                  section=section, run_id=run)  # fmt: skip
        counts = {"new": 5 if run_number == 0 else 0, "updated": 5 if run_number else 0,
                  "known": 0, "blocked": run_number, "errors": {"http_404": 1}}  # fmt: skip
        archive.finish_run(run, 1, counts={"sections": [{"section": "政务要闻", **counts}]})
    with archive.conn:
        archive.conn.execute(
            "INSERT INTO frontier (portal, key, url, role, section, state, reason, updated_at) "
            "VALUES ('wuhan', 'a', 'http://w/1', 'list', '政务要闻', 'deferred', 'max_pages', '2024-05-01'),"
            " ('wuhan', 'b', 'http://w/2', 'list', '部门动态', 'done', NULL, '2024-05-01')"
        )
    archive.close()
    return db_path


def test_unfinished_walks_reads_the_walks_table(reported, tmp_path):
    archive = open_archive(reported, readonly=True)
    assert [w["section"] for w in stats.unfinished_walks(archive.conn)] == ["政务要闻"]
    archive.close()
    bare = open_archive(tmp_path / "bare.db")
    assert stats.unfinished_walks(bare.conn) == []
    bare.close()


def test_an_unknown_portal_is_a_usage_error(reported, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from newsarchive.cli import main; main()", "report",
         "--portal", "wuhna", "--db", str(reported), "-o", str(tmp_path / "r.html")],
        env=child_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "it has: wuhan" in result.stderr
    assert not (tmp_path / "r.html").exists()


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}",
         "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: all of it must be in the file
         "--virtual-time-budget=15000", *args],
        capture_output=True, timeout=180,
    )  # fmt: skip


def test_report_renders_its_charts_offline_in_chromium(reported, tmp_path):
    require(CHROMIUM, "needs chromium (apt-get install chromium)")
    page = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "-c", "from newsarchive.cli import main; main()", "report",
         "--db", str(reported), "-o", str(page)],
        env=child_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = page.read_text("utf-8")
    assert "<script src" not in text  # plotly's JavaScript is inside the page

    dumped = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile-dom")
    dom = html.fromstring(dumped.stdout)
    for chart in CHARTS:
        (div,) = dom.xpath(f"//div[@id='{chart}']")
        assert "js-plotly-plot" in div.get("class", ""), chart
        assert div.xpath(".//svg[contains(@class, 'main-svg')]"), chart
    bars = dom.xpath("//div[@id='run-history']//g[contains(@class, 'bars')]//path[@d != 'M0,0Z']")
    assert len(bars) >= 3 + 3 + 1  # new, updated, errors (and blocked) bars of three runs
    assert dom.xpath("//div[@id='section-coverage']//g[contains(@class, 'hm')]//image")
    lines = dom.xpath(
        "//div[@id='coverage-history']//g[contains(@class, 'scatterlayer')]"
        "//path[contains(@class, 'js-line')]/@d"
    )
    assert len(lines) == len(stats.PRESENT)  # one line per field
    assert len(set(lines)) > 1  # the source line falls where the others stay
    months = dom.xpath("//div[@id='articles-per-month']//g[contains(@class, 'bars')]//path")
    assert len(months) >= 3
    legend = " ".join(dom.xpath("//div[@id='articles-per-month']//g[@class='legend']//text()"))
    assert "document.body" in legend  # a hostile section name is only text
    rows = dom.xpath("//section[h2='Unfinished walks']//tbody/tr")
    assert [[td.text_content() for td in row] for row in rows] == [
        ["wuhan", "政务要闻", "bounded", "max_pages", "2024-05-01"]
    ]

    shot = tmp_path / "report.png"
    chromium("--window-size=1200,2400", f"--screenshot={shot}", page.as_uri(),
             profile=tmp_path / "profile-shot")  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # charts, not a blank page
