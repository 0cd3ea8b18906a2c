"""Crawl throughput: ``newsarchive crawl`` (fetch + extract + store) against a bare Scrapy
spider that fetches the same URLs and does nothing, on the demo portal over loopback.

Prints a Markdown table with pages/s, the ratio to the bare spider, peak memory, and
the cost of an incremental re-run of the unchanged portal. Run:

    python bench/crawl_bench.py --articles 3000

Not a test: machines here are noisy; read the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
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


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MiB and exit status of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, DemoServer(DemoPortal(articles=options.articles, latency_ms=options.latency_ms), in_process=False) as server:
        db = Path(tmp) / "archive.db"
        sections = [s["url"] for s in server.portal.sections(server.base_url)]
        crawl = [sys.executable, "-m", "newsarchive", "crawl", *sections, "--db", str(db), "--quiet", *SETTINGS]

        server.reset_log()
        full_s, full_mb, _ = timed(crawl)
        log = server.request_log()
        pages = len(log)
        urls = [server.base_url + target for _, target in log if target != "/robots.txt"]

        url_file = Path(tmp) / "urls.json"
        url_file.write_text(json.dumps(urls))
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_SPIDER)
        bare_settings = [s for s in SETTINGS if s != "-s"]
        server.reset_log()
        bare_s, bare_mb, _ = timed([sys.executable, str(script), str(url_file), *bare_settings])
        bare_pages = len(server.request_log())

        server.reset_log()
        again_s, again_mb, _ = timed(crawl)
        again_requests = len(server.request_log())

    rows = [
        ("bare Scrapy spider (same URLs, no work)", bare_pages, bare_s, bare_pages / bare_s, 1.0, bare_mb),
        ("newsarchive crawl (fetch + extract + store)", pages, full_s, pages / full_s, (pages / full_s) / (bare_pages / bare_s), full_mb),
        ("newsarchive crawl, incremental re-run", again_requests, again_s, again_requests / again_s, None, again_mb),
    ]
    print(f"Demo portal: {options.articles} articles on loopback, {len(sections)} sections, latency {options.latency_ms} ms; 2-core machine.\n")
    print("| run | requests | seconds | pages/s | ratio to bare | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, seconds, rate, ratio, mb in rows:
        print(f"| {name} | {count} | {seconds:.1f} | {rate:.0f} | {'' if ratio is None else f'{ratio:.2f}×'} | {mb} |")
    print(f"\nIncremental re-run: {again_requests} requests for {len(sections)} sections "
          f"(first list pages + robots.txt), {again_s / full_s:.1%} of the full crawl's time.")


if __name__ == "__main__":
    main()
