"""Hostile and broken servers on loopback, one misbehaviour per case, each crawled by real
``newsarchive`` processes; every test asserts what the archive holds afterwards.

A crawl goes only where it was sent (scheme, host and port of the portal, no other
address of this machine or its network, whatever produced the request), ends by itself,
keeps every article whole and apart from its neighbours, and stores every article it
extracted, with its fields cleaned, whatever the server put in them.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.demo import DemoPortal, DemoServer
from tests.demo_support import FAST, ROOT, articles, match_truth, run_cli, section_urls
from tests.support.hostile_server import Answer, HostileServer, article_page, list_page, paragraphs

# -- helpers -----------------------------------------------------------------------------


def crawl(db: Path, *targets: str, quiet: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run_cli("crawl", *targets, "--db", str(db), *(["--quiet"] if quiet else []), *FAST, timeout=timeout)


def rows(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY id")]


def scalar(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def run_counts(db: Path, family: str) -> dict[str, int]:
    """The last run's per-section counters of one family (``errors``, ``out_of_scope``),
    summed over sections, as crawl_runs recorded them."""
    with sqlite3.connect(db) as conn:
        counts = json.loads(conn.execute("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    total: dict[str, int] = {}
    for row in counts["sections"]:
        for kind, n in row.get(family, {}).items():
            total[kind] = total.get(kind, 0) + n
    return total


def new_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        counts = json.loads(conn.execute("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return sum(row["new"] for row in counts["sections"])


def news_portal(server: HostileServer, items: dict[str, tuple[str, str]]) -> str:
    """Serve a list page at /xw/ linking to ``items`` (path → (title, page html)); returns its URL."""
    server.routes["/xw/"] = list_page("新闻", [(path, title) for path, (title, _) in items.items()])
    for path, (_, page) in items.items():
        server.routes[path] = page
    return server.url("/xw/")


def plain(seed: str) -> tuple[str, str]:
    title = f"{seed}县召开专题工作推进会议"
    return title, article_page(title, paragraphs(seed))


@pytest.fixture
def internal() -> Iterator[HostileServer]:
    """Another service on this machine (another port of 127.0.0.1): what a crawl must never reach."""
    secret = article_page("内部管理系统配置页面", paragraphs("内部机密配置"))
    with HostileServer({"/secret-admin/config": secret, "/a.html": secret, "/file.pdf": Answer(b"%PDF-1.4", headers={"Content-Type": "application/pdf"})}) as server:
        yield server


# -- scope: redirects, meta refresh, other ports, credentials ----------------------------


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"], ids=["other-host", "other-port"])
def test_a_redirect_out_of_scope_is_recorded_and_not_followed(tmp_path: Path, internal: HostileServer, host: str) -> None:
    db = tmp_path / "archive.db"
    with HostileServer() as portal:
        start = news_portal(portal, {"/xw/a1.html": plain("甲"), "/xw/a2.html": ("乙县召开专题工作推进会议", "")})
        # Two hops: the first stays on the portal, so the check cannot be on the first answer only.
        portal.routes["/xw/a2.html"] = Answer("", 302, {"Location": "/go/admin"})
        portal.routes["/go/admin"] = Answer("", 301, {"Location": f"http://{host}:{internal.port}/secret-admin/config"})
        result = crawl(db, start)
    assert internal.log == [], "the internal service was reached"
    assert [r["title"] for r in rows(db)] == ["甲县召开专题工作推进会议"]
    assert run_counts(db, "errors").get("offsite_redirect") == 1, result.stdout
    assert "offsite_redirect 1" in result.stdout


def test_a_meta_refresh_to_an_internal_url_is_not_followed(tmp_path: Path, internal: HostileServer) -> None:
    db = tmp_path / "archive.db"
    with HostileServer() as portal:
        refresh = f'<meta http-equiv="refresh" content="0;url=http://127.0.0.1:{internal.port}/secret-admin/config">'
        start = news_portal(portal, {
            "/xw/a1.html": plain("甲"),
            "/xw/a2.html": ("乙县召开专题工作推进会议", f"<html><head>{refresh}</head><body>正在跳转</body></html>"),
        })
        crawl(db, start)
    assert internal.log == []
    assert [r["title"] for r in rows(db)] == ["甲县召开专题工作推进会议"]
    assert run_counts(db, "errors").get("offsite_redirect") == 1


def test_links_to_another_port_of_the_portal_host_are_never_fetched(tmp_path: Path, internal: HostileServer) -> None:
    db = tmp_path / "archive.db"
    other = f"http://127.0.0.1:{internal.port}"
    with HostileServer() as portal:
        title = "甲县召开专题工作推进会议"
        page = article_page(title, paragraphs("甲"), next=(f"{other}/b.html", "下一条新闻"), in_body=f'<p>附件：<a href="{other}/file.pdf">实施方案.pdf</a></p>')
        portal.routes["/xw/"] = list_page("新闻", [("/xw/a1.html", title), (f"{other}/a.html", "另一个端口的页面"), (f"{other}/secret-admin/config", "内部配置")])
        portal.routes["/xw/a1.html"] = page
        result = run_cli("crawl", portal.url("/xw/"), "--db", str(db), "--quiet", "--download-attachments", *FAST)
    assert internal.log == [], "another port of the portal's host was fetched"
    assert [r["title"] for r in rows(db)] == [title]
    # two list links, the 下一条 link and the attachment
    assert run_counts(db, "out_of_scope") == {"other_port": 4}, result.stdout
    assert result.returncode == 0, result.stdout  # links out of scope are not errors


def test_a_link_with_credentials_is_out_of_scope(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with HostileServer() as portal:
        title, page = plain("甲")
        portal.routes["/xw/"] = list_page("新闻", [("/xw/a1.html", title), (f"http://user:pw@127.0.0.1:{portal.port}/xw/a9.html", "带密码的链接")])
        portal.routes["/xw/a1.html"] = page
        portal.routes["/xw/a9.html"] = article_page("不应被抓取的页面标题", paragraphs("丙"))
        result = crawl(db, portal.url("/xw/"))
        assert portal.hits("/xw/a9") == 0
    assert [r["title"] for r in rows(db)] == [title]
    assert run_counts(db, "out_of_scope") == {"credentials": 1}
    assert run_counts(db, "errors") == {}, result.stdout


# -- session ids ---------------------------------------------------------------------------


def test_a_fresh_session_id_in_every_link_makes_one_row_per_article(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    count = 30
    styles = [";jsessionid={}", "?sid={}", "?PHPSESSID={}", "?ASPSESSIONIDQQGGQ={}", "?CFID=7&CFTOKEN={}", "?SessionID={}"]
    served = iter(range(10**9))

    def link(index: int) -> str:
        return f"/xw/{index}.html" + styles[index % len(styles)].format(f"S{next(served):08d}")

    def article(index: int):
        title = f"第{index}号县召开专题工作推进会议"

        def render(_: str) -> str:
            prev = (link(index - 1), "上一条") if index > 1 else None
            nxt = (link(index + 1), "下一条") if index < count else None
            return article_page(title, paragraphs(f"编号{index}的"), prev=prev, next=nxt)

        return render

    # The server stops answering after 600 requests, so a crawl that would never end still does.
    with HostileServer(limit=600) as portal:
        portal.routes["/xw/"] = lambda _: list_page("新闻", [(link(i), f"第{i}号县召开专题工作推进会议") for i in range(1, count + 1)])
        for index in range(1, count + 1):
            portal.routes[f"/xw/{index}.html"] = article(index)
        result = crawl(db, portal.url("/xw/"))
        fetched = portal.hits("/xw/")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert len(rows(db)) == count
    assert fetched <= count + 1, f"{fetched} fetches for {count} articles"
    assert scalar(db, "SELECT count(*) FROM article_aliases") <= count


# -- continuation pages ------------------------------------------------------------------------


def test_sequential_trs_articles_keep_their_own_text_and_a_split_one_is_joined(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    seeds = ["春耕", "防汛", "招商", "教育", "医疗"]
    root = "/zwgk/202404/"

    def name(i: int) -> str:
        return f"t20240418_{i}.html"

    with HostileServer() as portal:
        for i, seed in enumerate(seeds, start=1):
            prev = (name(i - 1), f"{seeds[i - 2]}工作会议") if i > 1 else None
            nxt = (name(i + 1), f"{seeds[i]}工作会议") if i < len(seeds) else None
            related = f'<div class="related"><h3>相关新闻</h3><ul><li><a href="{name(len(seeds))}">{seeds[-1]}工作会议</a></li></ul></div>'
            pager = ""
            if i == 3:  # split over two pages, TRS style: page 2 is t20240418_3_1.html
                pager = '<div class="page">共2页 <span>1</span> <a href="t20240418_3_1.html">2</a> <a href="t20240418_3_1.html">下一页</a></div>'
                second = article_page(f"{seed}县召开专题工作推进会议", paragraphs(f"{seed}续页", 3),
                                      in_body=f'<div class="page">共2页 <a href="{name(3)}">1</a> <span>2</span> <a href="{name(3)}">上一页</a></div>')
                portal.routes[root + "t20240418_3_1.html"] = second
            portal.routes[root + name(i)] = article_page(f"{seed}县召开专题工作推进会议", paragraphs(seed), prev=prev, next=nxt, in_body=pager, after_body=related)
        portal.routes[root] = list_page("政务公开", [(name(i), f"{s}县召开专题工作推进会议") for i, s in enumerate(seeds, start=1)])
        crawl(db, portal.url(root))
        assert portal.hits(root + name(4)) == 1, "an article was fetched again as another's continuation"
    stored = {r["canonical_url"].rsplit("/", 1)[1]: r["body"] for r in rows(db)}
    assert sorted(stored) == sorted(name(i) for i in range(1, len(seeds) + 1))
    for i, seed in enumerate(seeds, start=1):
        body = stored[name(i)]
        others = [s for s in seeds if s != seed]
        assert seed in body and not any(f"{s}第1段" in body for s in others), (name(i), body[:200])
    assert "防汛续页第1段" not in stored[name(2)]
    assert "招商续页第3段" in stored[name(3)], "page 2 of the split article is missing"


# -- field values ------------------------------------------------------------------------------


def test_a_number_too_big_for_sqlite_is_dropped_and_the_article_kept(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with HostileServer() as portal:
        title = "乙县召开专题工作推进会议"
        start = news_portal(portal, {
            "/xw/a1.html": plain("甲"),
            "/xw/a2.html": (title, article_page(title, paragraphs("乙"), meta="发布时间：2024-04-18 10:00　阅读：1234567890123456789012345")),
        })
        result = crawl(db, start, quiet=False)
    stored = {r["title"]: r for r in rows(db)}
    assert title in stored and stored[title]["read_count"] is None
    assert new_articles(db) == 2
    assert "read_count" in result.stderr and "does not fit" in result.stderr


CONTROLS = {"Cc", "Cf"}  # control and format characters (bidi overrides are Cf)


def test_control_characters_and_terminal_escapes_never_reach_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    dirty = "县政府\x1b]0;pwned\x07召开&#27;[2J常务会议\u009b31m研究\u202e部署防汛工作\x1b[0m"
    page = article_page(dirty, [f"第一段\x1b[31m正文\u202d{p}" for p in paragraphs("防汛")],
                        meta="发布时间：2024-04-18 10:00　来源：县\x1b[5m融媒体中心&#x9b;　作者：张\u2066三", escape=False)
    with HostileServer() as portal:
        portal.routes["/xw/"] = list_page("新闻", [("/xw/a1.html", "县政府召开常务会议研究部署防汛工作")])
        portal.routes["/xw/a1.html"] = page
        crawl(db, portal.url("/xw/"))
    (row,) = rows(db)
    assert row["title"] == "县政府召开常务会议研究部署防汛工作"
    for column, value in row.items():
        if isinstance(value, str):
            bad = [f"U+{ord(c):04X}" for c in value if unicodedata.category(c) in CONTROLS and c not in "\n\t"]
            assert not bad, (column, bad)


def test_body_html_keeps_no_script_urls_or_event_handlers(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    markup = (
        '<p onclick="steal()">点击<a href="javascript:alert(1)">这里</a>和<a href=" JaVa&#x09;Script:alert(2)">那里</a></p>'
        '<p><a href="vbscript:msgbox(1)">旧脚本</a><img src="data:image/svg+xml;base64,PHN2Zz4=" onerror="x()">'
        '<img src="/img/ok.jpg" onload="y()"><a href="/xw/ok.html" onmouseover="z()">正常链接</a></p>'
    )
    with HostileServer() as portal:
        title = "甲县召开专题工作推进会议"
        portal.routes["/xw/"] = list_page("新闻", [("/xw/a1.html", title)])
        portal.routes["/xw/a1.html"] = article_page(title, paragraphs("甲"), in_body=markup)
        crawl(db, portal.url("/xw/"))
    (row,) = rows(db)
    html = row["body_html"].lower()
    for bad in ("javascript", "vbscript", "data:", "onclick", "onerror", "onload", "onmouseover"):
        assert bad not in html, (bad, row["body_html"])
    assert "/img/ok.jpg" in html and "/xw/ok.html" in html


# -- deep markup -------------------------------------------------------------------------


def test_deep_markup_is_read_and_what_lies_beyond_the_parser_is_counted(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"

    def nested(depth: int, inner: str) -> str:
        return "<div>" * depth + inner + "</div>" * depth

    def text(seed: str) -> str:
        return "".join(f"<p>{p}</p>" for p in paragraphs(seed, 8))

    partly, wholly, deep = "甲县召开专题工作推进会议", "乙县召开专题工作推进会议", "丙县召开专题工作推进会议"
    with HostileServer() as portal:
        start = news_portal(portal, {
            # readable text, then markup deeper than any parser reads (the rest is lost)
            "/xw/a1.html": (partly, article_page(partly, paragraphs("甲", 8), in_body=nested(3000, "<p>深处</p>"))),
            # the whole text beyond that depth
            "/xw/a2.html": (wholly, article_page(wholly, [], in_body=nested(3000, text("乙")))),
            # 300 levels, as old templates with unclosed tags reach: read whole
            "/xw/a3.html": (deep, article_page(deep, paragraphs("丙", 2), in_body=nested(300, text("丁")))),
        })
        result = crawl(db, start, quiet=False)
    stored = {r["title"]: r["body"] for r in rows(db)}
    assert sorted(stored) == sorted([partly, deep])
    assert "甲第8段" in stored[partly]
    assert "丁第8段" in stored[deep], "text inside deep markup was dropped"
    assert run_counts(db, "errors") == {"too_deep": 2}, result.stdout
    assert "nested deeper" in result.stderr


# -- options ----------------------------------------------------------------------------------


def test_an_impossible_since_setting_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "http://127.0.0.1:9/xw/", "--db", str(tmp_path / "archive.db"), "-s", "NEWSARCHIVE_SINCE=2024-13-45")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "archive.db").exists()


@pytest.mark.parametrize("command", [["search", "乡村振兴"], ["export", "--format", "jsonl", "-o", "out.jsonl"]])
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_an_impossible_date_is_a_usage_error_for_the_archive_commands(tmp_path: Path, command: list[str], option: str) -> None:
    result = run_cli(*command, option, "2024-13-45", "--db", str(tmp_path / "archive.db"), cwd=tmp_path)
    assert result.returncode == 2 and "2024-13-45" in result.stderr, result.stderr[-2000:]


# -- signals ----------------------------------------------------------------------------------


def archived(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_sigterm_to_the_process_group_loses_no_article(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with DemoServer(DemoPortal(articles=300, latency_ms=4), in_process=False) as server:
        args = [sys.executable, "-m", "newsarchive", "crawl", *section_urls(server), "--db", str(db), "--quiet", *FAST]
        # Its own process group, as under `timeout`, systemd or a shell job: the signal
        # reaches the crawl and its extraction workers at once.
        crawl_process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                         env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        while archived(db) < 60:
            assert crawl_process.poll() is None, "the crawl ended before the signal"
            time.sleep(0.05)
        os.killpg(crawl_process.pid, signal.SIGTERM)
        _, err = crawl_process.communicate(timeout=120)
        assert crawl_process.returncode == 143, err[-2000:]  # 128 + SIGTERM
        assert "BrokenProcessPool" not in err and "Traceback" not in err, err[-2000:]
        assert "run `newsarchive crawl" in err
        resumed = run_cli("crawl", *section_urls(server), "--db", str(db), "--quiet", *FAST)  # the same command
        assert resumed.returncode in (0, 1), resumed.stderr[-2000:]
        _, missing, extra = match_truth(articles(db), server.portal.truth(server.base_url))
    assert not missing, [m["url"] for m in missing[:5]]
    assert not extra


# -- a held write lock --------------------------------------------------------------------------


def hold_write_lock(db: Path, seconds: float | None) -> tuple[sqlite3.Connection, threading.Thread | None]:
    """A user's ``sqlite3`` session in a write transaction, released after ``seconds``."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    if seconds is None:
        return conn, None
    timer = threading.Timer(seconds, lambda: (conn.execute("ROLLBACK"), conn.close()))
    timer.start()
    return conn, timer


def test_a_crawl_waits_for_a_held_write_lock_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with HostileServer() as portal:
        start = news_portal(portal, {"/xw/a1.html": plain("甲")})
        crawl(db, start)
        news_portal(portal, {"/xw/a1.html": plain("甲"), "/xw/a2.html": plain("乙")})
        _, timer = hold_write_lock(db, 4.0)
        result = crawl(db, start)
        assert timer is not None
        timer.join()
    assert result.returncode == 0, result.stderr[-2000:]
    assert str(db) in result.stderr and "busy" in result.stderr and "waiting" in result.stderr
    assert len(rows(db)) == 2


@pytest.mark.slow
def test_a_lock_taken_mid_crawl_is_waited_for_and_nothing_is_lost(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with DemoServer(DemoPortal(articles=150, latency_ms=4), in_process=False) as server:
        args = [sys.executable, "-m", "newsarchive", "crawl", *section_urls(server), "--db", str(db), "--quiet", *FAST]
        crawl_process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        while archived(db) < 20:
            assert crawl_process.poll() is None, "the crawl ended before the lock was taken"
            time.sleep(0.05)
        _, timer = hold_write_lock(db, 4.0)
        _, err = crawl_process.communicate(timeout=300)
        assert timer is not None
        timer.join()
        _, missing, extra = match_truth(articles(db), server.portal.truth(server.base_url))
    assert crawl_process.returncode == 1, err[-2000:]  # the demo's deliberate 404 and challenges
    assert f"archive {db} is busy" in err and "waiting" in err
    assert not missing and not extra, [m["url"] for m in missing[:5]]


def test_a_crawl_gives_up_on_a_lock_held_too_long_with_status_3(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with HostileServer() as portal:
        start = news_portal(portal, {"/xw/a1.html": plain("甲")})
        crawl(db, start)
        conn, _ = hold_write_lock(db, None)
        try:
            result = run_cli("crawl", start, "--db", str(db), "--quiet", "-s", "NEWSARCHIVE_LOCK_WAIT=2", *FAST)
        finally:
            conn.execute("ROLLBACK")
            conn.close()
    assert result.returncode == 3, result.stderr[-2000:]
    assert str(db) in result.stderr and "busy" in result.stderr and "Traceback" not in result.stderr


# -- Redis ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server with a password, on a free loopback port; yields its port."""
    from tests.support.redis_server import require_redis_server

    binary = require_redis_server()
    folder = tmp_path_factory.mktemp("redis")
    with HostileServer() as probe:  # a free port: the probe's, once it is closed
        port = probe.port
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
                             "--appendonly", "no", "--requirepass", "right-password"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port, password="right-password")
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield str(port)
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.redis
@pytest.mark.parametrize("command", ["crawl", "ingest", "enqueue"])
@pytest.mark.parametrize("fault", ["wrong-password", "down"])
def test_redis_refusing_or_down_is_one_line_and_status_4(tmp_path: Path, guarded_redis: str, command: str, fault: str) -> None:
    port = guarded_redis if fault == "wrong-password" else "9"  # nothing listens on port 9
    url = f"redis://:s3cret-guess@127.0.0.1:{port}/0"
    args = {
        "crawl": ["crawl", "http://127.0.0.1:9/xw/", "--redis", url, "--quiet"],
        "ingest": ["ingest", "--redis", url, "--db", str(tmp_path / "archive.db"), "--until-idle", "1", "--quiet"],
        "enqueue": ["enqueue", "http://127.0.0.1:9/xw/", "--redis", url],
    }[command]
    result = run_cli(*args, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 4, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error:") and "Redis" in lines[0], lines
    assert "s3cret-guess" not in result.stderr + result.stdout
    assert f"127.0.0.1:{port}" in lines[0]
