"""The archive commands as a user runs them."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from newsarchive import exitcodes
from newsarchive.cli.archive import commands
from newsarchive.store import open_archive
from newsarchive.store.serve import metadata
from tests import test_store_support as support
from tests.test_store_support import ARTICLES, STORIES, child_env, run_child, store, story

# fixtures shared by the archive tests
db_path = support.db_path

cli = click.Group("newsarchive", commands={c.name: c for c in commands})
# The archive commands alone, in a child process (the way the installed script runs them).
CHILD = (
    "import click, sys\n"
    "from newsarchive.cli.archive import commands\n"
    "click.Group('newsarchive', commands={c.name: c for c in commands})()\n"
)


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def filled(db_path):
    archive = open_archive(db_path)
    pages = [(f"http://wh.gov.cn/{i}.html", story(name)) for i, name in enumerate(STORIES)]
    for articles in (pages, [(url, {**a, "source": None}) for url, a in pages]):
        run_id = archive.begin_run("crawl", ["wuhan"])
        for url, article in articles:
            page = archive.record_page(
                url=url, status=200, headers=[("Content-Type", "text/html")], body=b"<p>x</p>",
                run_id=run_id, portal="wuhan",
            )  # fmt: skip
            store(archive, article, url, portal="wuhan", page_id=page, run_id=run_id)
        archive.finish_run(run_id, status=0)
    archive.close()
    return db_path


def test_migrate_creates_then_reports_up_to_date(db_path):
    first = run("migrate", "--db", db_path)
    assert first.exit_code == 0
    assert "applied m001_initial" in first.output
    assert db_path.exists()
    second = run("migrate", "--db", db_path)
    assert "applied" not in second.output
    migrations = first.output.count("applied m0")
    assert migrations >= 4
    assert f"up to date ({migrations} migrations)" in second.output


def test_search_prints_the_count_and_ranked_hits(filled):
    result = run("search", "黄金周", "--db", filled)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "1 article matches"
    assert "2020-10-04  wuhan  外媒眼中的武汉长假" in result.stdout
    assert "http://wh.gov.cn/0.html" in result.stdout
    assert "[黄金周]" in result.stdout
    assert result.stderr == ""


def test_two_character_search_and_its_count(filled):
    result = run("search", "发展", "--limit", "1", "--db", filled)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "5 articles match (showing 1)"
    assert result.stderr == ""


def test_search_json_and_no_match(filled):
    result = run("search", "黄金周", "--json", "--db", filled)
    assert json.loads(result.stdout.splitlines()[0])["portal"] == "wuhan"
    assert "1 article matches" in result.stderr
    assert run("search", "不存在的词语", "--db", filled).stdout.startswith("0 articles match")


@pytest.mark.parametrize(
    ("query", "says"), [("", "the query is empty"), ("-武汉", "only excludes"), ("黄*周", "*")]
)
def test_unsearchable_queries_are_usage_errors(filled, query, says):
    result = run("search", query, "--db", filled)
    assert result.exit_code == exitcodes.USAGE
    assert says in result.stderr


def test_search_keeps_escape_sequences_off_the_terminal(db_path):
    archive = open_archive(db_path)
    hostile = "扶贫\x1b]0;owned\x07新闻\x1b[2J\x1b]52;c;ZXZpbA==\x1b\\\x9b31m"
    store(archive, story(title=hostile, body="扶贫" + hostile), "http://wh.gov.cn/x.html")
    archive.close()
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, "search", "扶贫", "--db", str(db_path)],
            stdout=follower, stderr=follower, env=child_env(),
        )  # fmt: skip
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        assert child.wait(timeout=60) == 0
    finally:
        os.close(leader)
    assert "扶贫新闻".encode() not in output  # the hit is marked inside the title
    assert "\x1b[1;31m扶贫\x1b[0m新闻".encode() in output  # only the highlight's own codes
    text = output.replace(b"\x1b[1;31m", b"").replace(b"\x1b[0m", b"").decode()
    assert not [ch for ch in text if (ord(ch) < 32 and ch not in "\r\n") or 0x7F <= ord(ch) < 0xA0]


def test_export_to_stdout_and_file(filled, tmp_path):
    result = run("export", "--format", "jsonl", "--db", filled)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(STORIES)
    assert "exported 5 articles" in result.stderr
    target = tmp_path / "out.csv"
    result = run("export", "--format", "csv", "--since", "2024-05-13", "-o", target, "--db", filled)
    assert result.exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(target.read_text("utf-8-sig").splitlines()) > 3
    warc = tmp_path / "out.warc.gz"
    assert run("export", "--format", "warc", "-o", warc, "--db", filled).exit_code == 0
    assert warc.stat().st_size > 0


def test_binary_export_refuses_a_terminal(filled):
    leader, follower = pty.openpty()
    try:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, "export", "--format", "warc", "--db", str(filled)],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=child_env(),
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert child.returncode == exitcodes.USAGE
    assert b"-o FILE" in child.stderr


def test_bad_dates_are_usage_errors(filled):
    result = run("export", "--format", "jsonl", "--since", "last week", "--db", filled)
    assert result.exit_code == exitcodes.USAGE


def test_stats_table_and_template_warning(filled):
    result = run("stats", "--db", filled)
    assert result.exit_code == 0
    assert "5 articles" in result.stdout
    assert "wuhan" in result.stdout
    assert "WARNING wuhan: source found on 0% of articles" in result.stdout
    numbers = json.loads(run("stats", "--json", "--db", filled).stdout)
    assert numbers["totals"]["articles"] == 5


def test_missing_archive_is_a_clear_error(tmp_path):
    result = run("stats", "--db", tmp_path / "none.db")
    assert result.exit_code == exitcodes.ERRORS
    assert "no archive at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_locked_archive_exits_3_and_unlock_clears_it(filled):
    archive = open_archive(filled)
    archive.conn.execute(
        "INSERT INTO archive_lock (id, token, pid, host, command, acquired_at) "
        "VALUES (1, 't', 1, 'crawler-2', 'crawl wuhan', '2024-05-01T08:00:00Z')"
    )
    archive.close()
    result = run("reextract", "--db", filled)
    assert result.exit_code == exitcodes.BLOCKED
    assert "locked by another process" in result.stderr
    assert "crawler-2" in result.stderr
    result = run("unlock", "--db", filled)
    assert "removed the lock of pid 1 on crawler-2" in result.stdout
    assert "was not locked" in run("unlock", "--db", filled).stdout


def test_reextract_runs_over_stored_pages(db_path):
    archive = open_archive(db_path)
    url = "http://news.cjn.cn/sywh/202010/t3714567.htm"
    page = archive.record_page(
        url=url, status=200, headers=[("Content-Type", "text/html; charset=utf-8")],
        body=(ARTICLES / "cjn.cn__1.html").read_bytes(), portal="cjn",
    )  # fmt: skip
    store(archive, story("cjn.cn__1", source=None), url, portal="cjn", page_id=page)
    stub = archive.record_page(url="http://news.cjn.cn/2.htm", status=200, headers=[], body=b"x")
    store(archive, story("gmw.cn__1"), "http://news.cjn.cn/2.htm", portal="cjn", page_id=stub)
    archive.close()
    result = run("reextract", "--portal", "cjn", "--db", db_path)
    assert "failed: 1, updated: 1" in result.stdout
    assert result.exit_code == exitcodes.ERRORS  # one page could not be read
    archive = open_archive(db_path, readonly=True)
    assert (
        archive.conn.execute("SELECT source FROM articles WHERE id = 1").fetchone()[0] == "长江网"
    )
    archive.close()


def test_datasette_metadata(filled):
    tables = metadata(filled)["databases"]["archive"]["tables"]
    assert tables["articles"]["facets"][:3] == ["portal", "section", "published_month"]
    assert tables["articles"]["fts_table"] == "articles_grams"
    assert tables["articles"]["sort_desc"] == "published_at"
    assert "allow" not in tables["pages"]
    public = metadata(filled, public=True)
    assert public["allow_sql"] is False
    assert public["databases"]["archive"]["tables"]["pages"]["allow"] is False


def test_serve_without_datasette_says_what_to_install(filled):
    code = """
        import sys
        sys.modules["datasette"] = None  # as if the optional extra were not installed
        from newsarchive.cli.archive import serve
        serve.main(["--db", sys.argv[1]])
    """
    result = run_child(code, str(filled))
    assert result.returncode == exitcodes.ERRORS
    assert "pip install 'newsarchive[serve]'" in result.stderr


def test_export_never_overwrites_the_archive(filled):
    before = filled.read_bytes()
    result = run("export", "--format", "jsonl", "-o", filled, "--db", filled)
    assert result.exit_code == exitcodes.USAGE
    assert "is the archive itself" in result.output
    assert filled.read_bytes() == before
