"""Crawl throughput: ``newsarchive crawl`` (fetch + extract + store) against (a) a bare
Scrapy spider that fetches the same URLs and does nothing and (b) what a user would write
instead, a Scrapy spider that extracts with GNE and inserts with sqlite-utils, over the
same URLs of the demo portal on loopback (its server in a process of its own).

Prints a Markdown table with pages/s, CPU seconds per page (user + system of the crawl
process and its extraction workers), the ratios, peak memory, and the cost of an
incremental re-run of the unchanged portal; ``--memory 10000,100000`` adds the peak RSS
of whole crawls of those sizes. Run:

    python bench/crawl_bench.py --articles 3000 [--memory 10000,100000]

Not a test: machines here are noisy; read the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.demo import DemoPortal, DemoServer  # noqa: E402

SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=ERROR"]

BARE_SPIDER = '''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

urls = json.load(open(sys.argv[1]))

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)
    def parse(self, response):
        pass
    def failed(self, failure):
        pass

settings = dict(arg.split("=", 1) for arg in sys.argv[2:])
settings.update({"ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False, "RETRY_ENABLED": True})
process = CrawlerProcess(settings)
process.crawl(Bare)
process.start()
'''

# What a user would write without newsarchive: GNE on every page, one sqlite-utils insert
# per article (upsert on the URL), in the spider's callback.
GNE_SPIDER = '''
import json, sys
import scrapy
import sqlite_utils
from gne import GeneralNewsExtractor
from scrapy.crawler import CrawlerProcess

urls = json.load(open(sys.argv[1]))
db = sqlite_utils.Database(sys.argv[2])
extractor = GeneralNewsExtractor()

class WithGne(scrapy.Spider):
    name = "gne"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)
    def parse(self, response):
        try:
            found = extractor.extract(response.text)
        except Exception:
            return
        db["articles"].upsert({"url": response.url, **{k: str(v) for k, v in found.items()}}, pk="url", alter=True)
    def failed(self, failure):
        pass

settings = dict(arg.split("=", 1) for arg in sys.argv[3:])
settings.update({"ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False, "RETRY_ENABLED": True})
process = CrawlerProcess(settings)
process.crawl(WithGne)
process.start()
'''


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (the child and the workers it waited for), peak RSS in
    MiB and exit status of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def peak_rss(articles: int) -> tuple[int, int, float]:
    """Requests, peak RSS in MiB and seconds of a whole crawl of a demo portal this big."""
    with tempfile.TemporaryDirectory() as tmp, DemoServer(DemoPortal(articles=articles), in_process=False) as server:
        sections = [s["url"] for s in server.portal.sections(server.base_url)]
        crawl = [sys.executable, "-m", "newsarchive", "crawl", *sections, "--db", str(Path(tmp) / "a.db"), "--quiet", *SETTINGS]
        server.reset_log()
        seconds, _, mb, _ = timed(crawl)
        return len(server.request_log()), mb, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--memory", help="comma-separated portal sizes whose whole crawls' peak RSS to compare (10000,100000)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, DemoServer(DemoPortal(articles=options.articles, latency_ms=options.latency_ms), in_process=False) as server:
        db = Path(tmp) / "archive.db"
        sections = [s["url"] for s in server.portal.sections(server.base_url)]
        crawl = [sys.executable, "-m", "newsarchive", "crawl", *sections, "--db", str(db), "--quiet", *SETTINGS]

        server.reset_log()
        full_s, full_cpu, full_mb, _ = timed(crawl)
        log = server.request_log()
        pages = len(log)
        urls = [server.base_url + target for _, target in log if target != "/robots.txt"]

        url_file = Path(tmp) / "urls.json"
        url_file.write_text(json.dumps(urls))
        spider_settings = [s for s in SETTINGS if s != "-s"]
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_SPIDER)
        server.reset_log()
        bare_s, bare_cpu, bare_mb, _ = timed([sys.executable, str(script), str(url_file), *spider_settings])
        bare_pages = len(server.request_log())

        gne_script = Path(tmp) / "gne_spider.py"
        gne_script.write_text(GNE_SPIDER)
        server.reset_log()
        gne_s, gne_cpu, gne_mb, _ = timed([sys.executable, str(gne_script), str(url_file), str(Path(tmp) / "gne.db"), *spider_settings])
        gne_pages = len(server.request_log())

        server.reset_log()
        again_s, again_cpu, again_mb, _ = timed(crawl)
        again_requests = len(server.request_log())

    bare_rate = bare_pages / bare_s
    gne_rate = gne_pages / gne_s
    rows = [
        ("bare Scrapy spider (same URLs, no work)", bare_pages, bare_s, bare_cpu, bare_mb),
        ("Scrapy + GNE + sqlite-utils (same URLs)", gne_pages, gne_s, gne_cpu, gne_mb),
        ("newsarchive crawl (fetch + extract + store)", pages, full_s, full_cpu, full_mb),
    ]
    print(f"Demo portal: {options.articles} articles on loopback, {len(sections)} sections, latency {options.latency_ms} ms; "
          f"{os.cpu_count()} cores shared by the crawl and the portal's server process.\n")
    print("| run | requests | seconds | pages/s | vs bare | vs Scrapy+GNE | CPU ms/page | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, count, seconds, cpu, mb in rows:
        rate = count / seconds
        print(f"| {name} | {count} | {seconds:.1f} | {rate:.0f} | {rate / bare_rate:.2f}× | {rate / gne_rate:.2f}× | {1000 * cpu / count:.1f} | {mb} |")
    print(f"| newsarchive crawl, incremental re-run | {again_requests} | {again_s:.1f} | {again_requests / again_s:.0f} | | | {1000 * again_cpu / max(again_requests, 1):.1f} | {again_mb} |")
    print(f"\nIncremental re-run: {again_requests} requests for {len(sections)} sections "
          f"(first list pages + robots.txt), {again_s / full_s:.1%} of the full crawl's time.")
    if options.memory:
        sizes = [int(n) for n in options.memory.split(",")]
        measured = [(n, *peak_rss(n)) for n in sizes]
        print("\n| portal size (articles) | requests | seconds | peak RSS MiB | vs the smallest |")
        print("|---:|---:|---:|---:|---:|")
        for n, requests, mb, seconds in measured:
            print(f"| {n} | {requests} | {seconds:.0f} | {mb} | {mb / measured[0][2]:.2f}× |")


if __name__ == "__main__":
    main()
