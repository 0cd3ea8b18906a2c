"""Distributed crawling against a real redis-server: the Bloom filter, in-flight reclaim, the
codec, the known-URL set, ingest, and whole crawls by worker processes of the demo portal
(every article archived exactly once, no page fetched twice, a SIGKILLed worker loses
nothing, a second crawl is incremental)."""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsarchive.urls import canonical_url
from tests.demo_support import FAST as DEMO_FAST
from tests.demo_support import articles, match_truth, section_urls

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 2000  # demo portal size for the whole-crawl tests (about 2,100 requests)
FAST = [  # worker timings scaled down so a dead worker is noticed in seconds
    "-s", "NEWSARCHIVE_REDIS_HEARTBEAT=0.5",
    "-s", "NEWSARCHIVE_REDIS_WORKER_TTL=3",
    "-s", "NEWSARCHIVE_REDIS_IDLE_CLOSE=2",
    "-s", "NEWSARCHIVE_REDIS_POLL=0.2",
]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    """A redis-server of this module's own, on a free loopback port."""
    from tests.support.redis_server import local_redis, require_redis_server

    require_redis_server()
    with local_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def server(redis_url: str):
    """A client on an empty database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def _settings(redis_url: str, **overrides: object):
    from newsarchive.distributed import worker_settings

    return worker_settings(redis_url, overrides)


# -- the codec ------------------------------------------------------------------------


def test_codec_round_trips_what_crawl_items_and_requests_hold() -> None:
    from newsarchive.distributed import codec as redis_codec

    value = {
        "body": b"\x00\xff<html>\xe4\xb8\xad</html>",
        "fetched_at": datetime(2024, 4, 18, 3, 12, tzinfo=timezone(timedelta(hours=8))),
        "naive": datetime(2024, 1, 2, 8, 30),
        "headers": {b"Content-Type": [b"text/html; charset=gbk"]},
        "pairs": [("Server", "nginx"), ("X", "1")],
        "$looks_like_a_tag": {"$b": "not base64"},
        "nested": {"tuple": (1, (2, b"3")), "none": None, "float": 0.25, "text": "正文"},
    }
    back = redis_codec.loads(redis_codec.dumps(value))
    assert back == value
    assert back["fetched_at"].utcoffset() == timedelta(hours=8)
    assert isinstance(back["pairs"][0], tuple)
    with pytest.raises(TypeError):
        redis_codec.dumps({"a set": {1, 2}})


def test_codec_round_trips_a_scrapy_request() -> None:
    from scrapy import Spider
    from scrapy.http import FormRequest
    from scrapy.utils.request import request_from_dict

    from newsarchive.distributed import codec as redis_codec

    class Probe(Spider):
        name = "probe"

        def parse_list(self, response):  # pragma: no cover - only named
            return []

    spider = Probe()
    request = FormRequest("http://a.gov.cn/list", formdata={"page": "2"}, callback=spider.parse_list,
                          meta={"item": {"pages": [{"body": b"x", "fetched_at": datetime.now(timezone.utc)}]}},
                          priority=1)
    back = request_from_dict(redis_codec.loads(redis_codec.dumps(request.to_dict(spider=spider))), spider=spider)
    assert type(back) is FormRequest
    assert (back.url, back.method, back.body, back.priority) == (request.url, "POST", request.body, 1)
    assert back.meta == request.meta and back.callback == spider.parse_list


# -- the Bloom filter -----------------------------------------------------------------


def test_bloom_sizing_follows_capacity_and_error_rate() -> None:
    from newsarchive.distributed.bloom import BloomSpec

    spec = BloomSpec(5_000_000, 1e-6)
    assert spec.hashes == 20
    assert 17.0 < spec.megabytes < 17.2
    assert BloomSpec(1000, 0.01).hashes == 7
    positions = spec.positions(b"fingerprint")
    assert len(set(positions)) == 20 and all(0 <= p < spec.bits for p in positions)
    with pytest.raises(ValueError):
        BloomSpec(10**10, 1e-9)  # beyond a Redis string


def test_bloom_filter_has_no_false_negatives_and_the_configured_false_positive_rate(server) -> None:
    from newsarchive.distributed.bloom import BloomFilter, BloomSpec
    from newsarchive.distributed.keys import Keys

    capacity, rate = 10_000, 0.01
    bloom = BloomFilter.open(server, Keys("t").portal("bloom"), BloomSpec(capacity, rate))
    added = [os.urandom(20) for _ in range(capacity)]
    assert sum(bloom.add(fp) for fp in added) >= capacity * (1 - rate)  # filling up, a few collide
    assert all(fp in bloom for fp in added)  # no false negatives
    assert not any(bloom.add(fp) for fp in added[:500])  # adding again: seen
    probes = [os.urandom(20) for _ in range(capacity)]
    false_positives = sum(fp in bloom for fp in probes) / len(probes)
    assert 0.5 * rate < false_positives < 1.6 * rate, false_positives
    assert server.strlen(bloom.keys.seen) <= bloom.spec.bits // 8 + 1  # fixed size
    assert bloom.count() >= capacity * (1 - rate)
    bloom.clear()
    assert added[0] not in bloom


def test_bloom_keeps_the_size_the_crawl_started_with(server) -> None:
    from newsarchive.distributed.bloom import BloomFilter, BloomSpec
    from newsarchive.distributed.keys import Keys

    keys = Keys("t").portal("sized")
    first = BloomFilter.open(server, keys, BloomSpec(1000, 0.01))
    second = BloomFilter.open(server, keys, BloomSpec(99_999, 0.001))
    assert second.spec == first.spec


def test_dupefilter_sees_tracking_variants_as_one_request(server) -> None:
    from scrapy import Request

    from newsarchive.crawl.fingerprint import CanonicalFingerprinter
    from newsarchive.distributed.bloom import BloomDupeFilter, BloomFilter, BloomSpec
    from newsarchive.distributed.keys import Keys

    bloom = BloomFilter.open(server, Keys("t").portal("df"), BloomSpec(1000, 1e-6))
    dupefilter = BloomDupeFilter(bloom, CanonicalFingerprinter())
    assert not dupefilter.request_seen(Request("http://a.gov.cn/art/t1.html?from=list"))
    assert dupefilter.request_seen(Request("http://a.gov.cn/art/t1.html"))
    assert not dupefilter.request_seen(Request("http://a.gov.cn/art/t2.html"))


# -- the reliable queue ---------------------------------------------------------------


def _queue(server, portal: str = "unit"):
    from scrapy import Spider

    from newsarchive.distributed import codec as redis_codec
    from newsarchive.distributed.bloom import BloomFilter, BloomSpec
    from newsarchive.distributed.keys import Keys
    from newsarchive.distributed.queue import ReliableQueue

    keys = Keys("t").portal(portal)
    spider = Spider(name=portal)
    return ReliableQueue(server, spider, keys, redis_codec), BloomFilter.open(server, keys, BloomSpec(1000, 1e-6))


def test_in_flight_requests_of_a_dead_worker_are_reclaimed(server) -> None:
    from scrapy import Request

    queue, bloom = _queue(server)
    requests = [Request(f"http://a.gov.cn/{n}.html", priority=n) for n in range(3)]
    for request in requests:
        assert queue.push_new(request, bloom, request.url.encode())
    assert not queue.push_new(requests[0], bloom, requests[0].url.encode())  # filtered

    held_by_a = [queue.reserve("a", str(n), ttl_ms=300) for n in (1, 2)]
    assert [r.url for r in held_by_a] == [requests[2].url, requests[1].url]  # by priority
    held_by_b = queue.reserve("b", "1", ttl_ms=60_000)
    assert queue.reserve("b", "2", ttl_ms=60_000) is None
    swept = queue.sweep()
    assert (swept.reclaimed, swept.queued, swept.inflight) == (0, 0, 3)

    time.sleep(0.5)  # a's heartbeat expires: it died holding two requests
    swept = queue.sweep(reset_keys=bloom.filter_keys)
    assert (swept.reclaimed, swept.queued, swept.inflight, swept.reset) == (2, 2, 1, False)
    back = [queue.reserve("b", str(n), ttl_ms=60_000) for n in (2, 3)]
    assert [(r.url, r.priority) for r in back] == [(requests[2].url, 2), (requests[1].url, 1)]
    assert requests[2].url.encode() in bloom  # back in the queue without a second filter pass

    queue.ack("b", ["1", "2", "3"])
    assert queue.sweep().idle
    assert queue.sweep(reset_keys=bloom.filter_keys).reset  # the crawl is over: filter emptied
    assert requests[0].url.encode() not in bloom and held_by_b.url == requests[0].url


def test_a_stopping_worker_puts_back_what_it_did_not_finish(server) -> None:
    from scrapy import Request

    queue, bloom = _queue(server, "stop")
    request = Request("http://a.gov.cn/x.html")
    queue.push_new(request, bloom, b"x")
    assert queue.reserve("c", "1", ttl_ms=60_000) is not None
    assert queue.requeue("c") == 1
    queue.leave("c")
    swept = queue.sweep()
    assert (swept.queued, swept.inflight) == (1, 0)
    assert queue.reserve("d", "1", ttl_ms=60_000).url == request.url


def test_enqueue_seeds_a_crawl_once(server, redis_url) -> None:
    from click.testing import CliRunner

    from newsarchive.cli import main

    urls = ["http://www.example.gov.cn/zwyw/", "http://www.example.gov.cn/bmdt/"]
    first = CliRunner().invoke(main, ["enqueue", *urls, "--redis", redis_url])
    assert first.exit_code == 0, first.output
    assert "2 start pages queued" in first.output
    again = CliRunner().invoke(main, ["enqueue", *urls, "--redis", redis_url])
    assert "already seeded" in again.output
    assert server.zcard("newsarchive:www-example-gov-cn:requests") == 2
    assert CliRunner().invoke(main, ["enqueue", *urls]).exit_code == 2  # no Redis given


# -- known URLs and ingest ------------------------------------------------------------


def test_known_set_answers_for_canonical_urls(server) -> None:
    from newsarchive.distributed import known as redis_known

    redis_known.replace(server, "t:known", ["http://a.gov.cn/1.html", "http://a.gov.cn/2.html"])
    known = redis_known.load(server, "t:known")
    assert "http://a.gov.cn/1.html" in known and "http://a.gov.cn/3.html" not in known
    redis_known.replace(server, "t:known", ["http://a.gov.cn/3.html"])
    known = redis_known.load(server, "t:known")
    assert len(known) == 1 and "http://a.gov.cn/3.html" in known


def _article_item(url: str) -> dict:
    from newsarchive.extract import extract_article

    html = (ROOT / "tests/fixtures/articles/chaotian__seed.html").read_bytes()
    page = {
        "kind": "page", "role": "article", "portal": "unit", "section": "要闻", "url": url,
        "final_url": url, "method": "GET", "status": 200, "headers": [("Content-Type", "text/html")],
        "request_headers": [], "body": html, "fetched_at": datetime.now(timezone.utc),
    }
    return {
        "kind": "article", "portal": "unit", "section": "要闻", "requested_url": url, "final_url": url,
        "article": extract_article(html, url).to_dict(), "pages": [page], "recheck": False,
    }


def test_ingest_writes_items_once_publishes_them_and_sets_aside_junk(server, redis_url, tmp_path) -> None:
    from newsarchive.distributed import codec as redis_codec
    from newsarchive.distributed import known as redis_known
    from newsarchive.distributed.ingest import ingest
    from newsarchive.distributed.keys import Keys
    from newsarchive.store import open_archive

    keys = Keys()
    url = "http://www.sccts.gov.cn/Article/zx/zwyw/gyyw/1.html"
    item = _article_item(url)
    server.rpush(keys.ingesting, redis_codec.dumps(item))  # left by an ingest that died
    server.rpush(keys.items, redis_codec.dumps(item), b"{not json", redis_codec.dumps({"kind": "page"}))
    db = tmp_path / "archive.db"
    result = ingest(db, _settings(redis_url), until_idle=0.3)
    assert result.counts["recovered"] == 1
    assert (result.counts["new"], result.counts["unchanged"], result.counts["failed"]) == (1, 1, 2)
    assert result.status == 1  # items were set aside
    assert server.llen(keys.failed_items) == 2 and not server.exists(keys.items, keys.ingesting)
    assert url in redis_known.load(server, keys.known)
    archive = open_archive(db, readonly=True)
    try:
        assert [a["canonical_url"] for a in archive.iter_articles()] == [url]
        runs = archive.conn.execute("SELECT command, finished_at FROM crawl_runs").fetchall()
        assert [(r[0], bool(r[1])) for r in runs] == [("ingest", True)]
    finally:
        archive.close()
    # Restarted, ingest publishes what the archive holds before anything else.
    server.delete(keys.known)
    ingest(db, _settings(redis_url), until_idle=0)
    assert url in redis_known.load(server, keys.known)


def test_one_ingest_per_prefix(server, redis_url, tmp_path) -> None:
    from newsarchive.distributed import connect
    from newsarchive.distributed.ingest import IngestBusy, Lease, ingest
    from newsarchive.distributed.keys import Keys

    settings = _settings(redis_url)
    with Lease(connect(settings), Keys().ingest_lease), pytest.raises(IngestBusy):
        ingest(tmp_path / "other.db", settings, until_idle=0)


# -- whole crawls by worker processes --------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    """The demo portal in its own process (the test process only watches)."""
    from newsarchive.demo import DemoPortal, DemoServer

    with DemoServer(DemoPortal(articles=ARTICLES, latency_ms=5), in_process=False) as served:
        yield served


def _worker(redis_url: str, served, folder: Path, n: int, quiet: bool = True) -> subprocess.Popen:
    """``newsarchive crawl SECTION-URLS… --redis URL``, as on each machine."""
    command = [sys.executable, "-m", "newsarchive", "crawl", *section_urls(served), "--redis", redis_url,
               "--db", str(folder / f"worker{n}.db"), *DEMO_FAST, *FAST, *(["--quiet"] if quiet else [])]
    # Its own process group: killing it kills its extraction processes too, as when a machine dies.
    return subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _ingest(redis_url: str, db: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "newsarchive", "ingest", "--redis", redis_url, "--db", str(db), "--quiet", *extra]
    return subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def _finish(proc: subprocess.Popen, timeout: float = 150) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"{proc.args[3]} did not finish in {timeout} s:\n{err[-2000:]}")
    return proc.returncode, out, err


def _assert_every_article_once(db: Path, served) -> None:
    rows = articles(db)
    matched, missing, extra = match_truth(rows, served.portal.truth(served.base_url))  # raises on doubles
    assert not missing, [m["url"] for m in missing[:5]]
    assert not extra, [e["canonical_url"] for e in extra[:5]]
    assert len(matched) == len(rows) == ARTICLES


def test_two_workers_fetch_each_page_once_and_archive_every_article_once(server, redis_url, demo, tmp_path) -> None:
    served = demo
    served.reset_log()
    db = tmp_path / "archive.db"
    ingest = _ingest(redis_url, db)
    workers = [_worker(redis_url, served, tmp_path, n) for n in (1, 2)]
    try:
        for worker in workers:
            status, out, err = _finish(worker)
            assert status in (0, 1), err[-2000:]  # 1: the demo's deliberate 404 and friends
            assert "articles sent to `newsarchive ingest`" in out
        deadline = time.monotonic() + 60
        while server.llen("newsarchive:items") or server.llen("newsarchive:items:ingesting"):
            assert time.monotonic() < deadline, "ingest does not keep up"
            time.sleep(0.2)
    finally:
        ingest.send_signal(signal.SIGTERM)  # as an operator stops it: the batch and run finish
    status, _, err = _finish(ingest, 60)
    assert status in (0, 1), err[-2000:]

    _assert_every_article_once(db, served)
    flaky = set(served.portal.traps(served.base_url).get("flaky", []))  # fails once: retried
    fetched = collections.Counter(target for method, target in served.request_log() if method == "GET")
    twice = {t: n for t, n in fetched.items() if n > 1 and t != "/robots.txt" and served.base_url + t not in flaky}
    assert not twice, f"fetched more than once: {list(twice.items())[:5]}"
    assert fetched["/robots.txt"] <= 2  # once per worker
    portal = urlsplit(served.base_url).hostname.replace(".", "-")
    assert not server.exists(f"newsarchive:{portal}:requests", f"newsarchive:{portal}:seen")  # over, freed

    # A second crawl is incremental: the workers know what ingest archived.
    served.reset_log()
    status, _, err = _finish(_worker(redis_url, served, tmp_path, 3))
    assert status in (0, 1), err[-2000:]
    known = {canonical_url(u) for t in served.portal.truth(served.base_url) for u in (t["url"], *t["aliases"])}
    refetched = [t for _, t in served.request_log() if canonical_url(served.base_url + t) in known]
    assert not refetched, refetched[:5]


def test_a_killed_worker_loses_nothing(server, redis_url, demo, tmp_path) -> None:
    served = demo
    served.reset_log()
    victim = _worker(redis_url, served, tmp_path, 1)
    survivor = _worker(redis_url, served, tmp_path, 2, quiet=False)
    try:
        deadline = time.monotonic() + 60
        while len(served.request_log()) < ARTICLES // 3:  # well into the crawl
            assert time.monotonic() < deadline and victim.poll() is None, "the crawl did not get going"
            time.sleep(0.2)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(10)
        status, _, err = _finish(survivor)
    finally:
        for proc in (victim, survivor):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert status in (0, 1), err[-2000:]
    assert "took back" in err  # the survivor reclaimed the victim's in-flight requests
    db = tmp_path / "archive.db"
    status, _, err = _finish(_ingest(redis_url, db, "--until-idle", "1"), 120)
    assert status in (0, 1), err[-2000:]
    _assert_every_article_once(db, served)
