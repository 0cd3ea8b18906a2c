"""Distributed crawl throughput: articles per second with 1, 2 and 4 workers sharing one
crawl through Redis, against the demo portal on loopback.

Each response is delayed (``--latency-ms``) and each worker fetches at most
``--concurrency`` pages at a time, so the crawl waits on the network as it does on real
portals, not on this machine's CPU; more workers then mean more pages in flight. The crawl
time runs from starting the workers until the last one exits, less the idle time a worker
waits before deciding the crawl is over (NEWSARCHIVE_REDIS_IDLE_CLOSE); it includes
starting Python and Scrapy. Ingest is timed apart, after the crawl. Run:

    python bench/distributed_bench.py --articles 800 --latency-ms 100

Prints two Markdown tables: the whole portal, and the portal without its sections whose
articles are reachable only by walking 上一条/下一条 one page after another (领导活动):
such a chain is one request at a time however many workers there are, so it bounds the
speed-up of the whole crawl. Not a test: read the speed-ups, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.demo import DemoPortal, DemoServer  # noqa: E402
from tests.support.redis_server import local_redis  # noqa: E402

IDLE_CLOSE = 1.0


def newsarchive(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsarchive", *args]


def crawl(redis_url: str, sections: list[str], workers: int, concurrency: int, folder: Path) -> float:
    """Seconds from starting ``workers`` worker processes until the crawl is over."""
    settings = [
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", f"CONCURRENT_REQUESTS={concurrency}",
        "-s", f"NEWSARCHIVE_REDIS_IDLE_CLOSE={IDLE_CLOSE}", "-s", "NEWSARCHIVE_REDIS_POLL=0.1",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(newsarchive("crawl", *sections, "--redis", redis_url, "--db", str(folder / f"w{n}.db"), "--quiet", *settings),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        for n in range(workers)
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"a worker failed ({proc.returncode}): {err.decode()[-1000:]}")
    return time.perf_counter() - started - IDLE_CLOSE


def ingest(redis_url: str, db: Path) -> tuple[int, float]:
    """Articles archived and seconds taken (less the final idle wait)."""
    started = time.perf_counter()
    subprocess.run(newsarchive("ingest", "--redis", redis_url, "--db", str(db), "--until-idle", "0.5", "--quiet"),
                   check=False, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started - 0.5
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0], seconds


def table(title: str, rows: list[tuple[int, int, float, float]]) -> str:
    base = rows[0][2]
    lines = [f"{title}\n", "| workers | articles archived | crawl s | articles/s | speed-up | ingest articles/s |", "|---:|---:|---:|---:|---:|---:|"]
    for workers, archived, rate, ingest_rate in rows:
        lines.append(f"| {workers} | {archived} | {archived / rate:.1f} | {rate:.1f} | {rate / base:.2f}× | {ingest_rate:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=800)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=2, help="pages in flight per worker")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    import redis

    tables = []
    with tempfile.TemporaryDirectory() as tmp, local_redis(Path(tmp)) as url:
        site = DemoPortal(articles=args.articles, latency_ms=args.latency_ms)
        with DemoServer(site, in_process=False) as served:
            sections = site.sections(served.base_url)
            chains = [s["name"] for s in sections if s["style"] == "prevnext_chain"]
            variants = [
                ("Whole portal", [s["url"] for s in sections]),
                (f"Without {', '.join(chains)} (a 上一条/下一条 chain)", [s["url"] for s in sections if s["name"] not in chains]),
            ]
            client = redis.Redis.from_url(url)
            for title, urls in variants:
                rows = []
                for workers in counts:
                    client.flushdb()
                    folder = Path(tempfile.mkdtemp(dir=tmp))
                    seconds = crawl(url, urls, workers, args.concurrency, folder)
                    archived, ingest_seconds = ingest(url, folder / "archive.db")
                    rows.append((workers, archived, archived / seconds, archived / max(ingest_seconds, 1e-6)))
                    print(f"{title}, {workers} worker(s): {archived} articles in {seconds:.1f} s", file=sys.stderr)
                tables.append(table(title, rows))
    print(f"\nDemo portal, {args.articles} articles, {args.latency_ms:g} ms per response, "
          f"{args.concurrency} pages in flight per worker, {os.cpu_count()} CPUs\n")
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
