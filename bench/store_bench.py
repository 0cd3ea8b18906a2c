"""Archive benchmark: insert throughput, search latency and size on disk.

Builds an archive of synthetic articles (sentences of the golden fixtures' real Chinese
text, recombined) through the bulk path, then measures ``Archive.store_article`` on a
further batch (so the dedup lookups run against a full archive), full-text search on
1-, 2-, 3- and 4-6-character terms cut from the same text (median and p95 of each, and
how many articles the median query matched), the size of each full-text index and the
file size.

    python bench/store_bench.py                     # 1,000,000 articles
    python bench/store_bench.py --articles 100000   # quicker
    python bench/store_bench.py --db big.db --reuse # search again on an archive built before
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.store import open_archive  # noqa: E402
from newsarchive.store.bulk import load_new  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
PORTALS = [f"portal{i:02d}" for i in range(20)]
SECTIONS = ["政务要闻", "通知公告", "部门动态", "基层动态", "政策解读"]


def sentences() -> list[str]:
    """Sentences of the fixtures' expected bodies: real officialese, reusable as text."""
    found: set[str] = set()
    for path in sorted(FIXTURES.glob("*.json")):
        body = json.loads(path.read_text("utf-8")).get("body") or ""
        for sentence in re.split(r"(?<=[。！？])", body):
            sentence = sentence.strip()
            if 10 <= len(sentence) <= 200:
                found.add(sentence)
    return sorted(found)


def synthetic(pool: list[str], count: int, seed: int, start: int = 0) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for number in range(start, start + count):
        picked = rng.sample(pool, rng.randint(6, 14))
        paragraphs = ["".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]
        yield {
            "url": f"http://www.{PORTALS[number % len(PORTALS)]}.gov.cn/art/{number}.html",
            "title": picked[0][:24].rstrip("。，") + f"（第{number}号）",
            "subtitle": None,
            "published_at": f"20{10 + number % 15:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}"
            "T09:30:00+08:00",
            "published_at_from": "page",
            "source": rng.choice(["新华社", "人民日报", "本网", None]),
            "authors": rng.choice([[], ["张三"], ["李四", "王五"]]),
            "editor": None,
            "body": "\n".join(paragraphs),
            "body_html": None,
            "breadcrumb": ["首页", "新闻"],
            "prev_url": None,
            "next_url": None,
            "images": [],
            "attachments": [],
            "read_count": None,
        }


def reporting(items: Iterator[Any], total: int, every: int = 50_000) -> Iterator[Any]:
    """Pass items through, telling stderr how far the build is (a 1M build takes a while)."""
    started = time.perf_counter()
    for number, item in enumerate(items, 1):
        if number % every == 0:
            elapsed = time.perf_counter() - started
            print(f"  {number:,}/{total:,} loaded, {number / elapsed:,.0f}/s", file=sys.stderr)
        yield item


def timed(fn, *args: Any, **kw: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - started, result


def latencies(archive, queries: list[str]) -> tuple[list[float], list[int]]:
    """Milliseconds per search (hits, count and snippets) and the hit counts."""
    times, totals = [], []
    for query in queries:
        seconds, results = timed(archive.search, query, limit=20)
        times.append(seconds * 1000)
        totals.append(results.total)
    return times, totals


WORD = re.compile(r"^\w+$")


def query_terms(pool: list[str], sizes: tuple[int, ...], count: int, seed: int) -> list[str]:
    """``count`` substrings of the text, of one of ``sizes`` characters, without
    punctuation (what a reader would type)."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        sentence = rng.choice(pool)
        size = rng.choice(sizes)
        start = rng.randrange(0, max(1, len(sentence) - size))
        term = sentence[start : start + size]
        if len(term) == size and WORD.match(term):
            found.append(term)
    return found


def index_sizes(conn) -> dict[str, int]:
    """Bytes on disk of each full-text index (its shadow tables), from dbstat."""
    rows = conn.execute(
        "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%' "
        "OR name LIKE 'articles_grams%' GROUP BY name"
    )
    sizes: dict[str, int] = {}
    for name, size in rows:
        table = "articles_grams" if name.startswith("articles_grams") else "articles_fts"
        sizes[table] = sizes.get(table, 0) + size
    return sizes


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def build(archive, pool: list[str], bulk: int, measured: int, batch: int, rng) -> list:
    """Fill the archive: ``bulk`` articles bulk-loaded, ``measured`` through store_article;
    returns the two throughput rows."""
    items = (
        (article, {"portal": article["url"].split(".")[1], "section": rng.choice(SECTIONS),
                   "final_url": article["url"]})
        for article in synthetic(pool, bulk, seed=1)
    )  # fmt: skip
    bulk_s, _ = timed(load_new, archive, reporting(items, bulk))

    def store_all() -> None:
        fresh = synthetic(pool, measured, seed=2, start=bulk)
        while chunk := [a for _, a in zip(range(batch), fresh, strict=False)]:
            with archive.transaction():
                for article in chunk:
                    archive.store_article(
                        article,
                        portal=article["url"].split(".")[1],
                        section=rng.choice(SECTIONS),
                        final_url=article["url"],
                    )

    store_s, _ = timed(store_all)
    return [
        ("bulk load", f"{bulk:,} in {bulk_s:.0f} s = {bulk / bulk_s if bulk_s else 0:,.0f}/s"),
        (
            f"store_article (batches of {batch})",
            f"{measured:,} in {store_s:.1f} s = {measured / store_s if store_s else 0:,.0f}/s",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="archive size")
    parser.add_argument(
        "--measure", type=int, default=20_000, help="articles stored through store_article"
    )
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction")
    parser.add_argument("--queries", type=int, default=200, help="searches timed per length")
    parser.add_argument("--db", type=Path, help="archive file (default: a temporary one)")
    parser.add_argument(
        "--reuse", action="store_true", help="search the archive --db already holds; no build"
    )
    args = parser.parse_args()
    if args.reuse and not (args.db and args.db.exists()):
        parser.error("--reuse needs --db naming an archive built before")

    measured = min(args.measure, args.articles)
    bulk = args.articles - measured
    pool = sentences()
    workdir = None if args.db else tempfile.TemporaryDirectory(prefix="store-bench-")
    path = args.db or Path(workdir.name) / "archive.db"
    archive = open_archive(path)
    rng = random.Random(7)
    rows: list[tuple[str, str]] = []
    try:
        if not args.reuse:
            rows += build(archive, pool, bulk, measured, args.batch, rng)
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        archive.conn.execute("PRAGMA optimize")
        articles = archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        rows.insert(0, ("articles in archive", f"{articles:,}"))
        lengths = {"1 char": (1,), "2 chars": (2,), "3 chars": (3,), "4-6 chars": (4, 5, 6)}
        for seed, (label, sizes) in enumerate(lengths.items()):
            times, totals = latencies(archive, query_terms(pool, sizes, args.queries, seed))
            rows.append(
                (
                    f"search, {label}, {len(times)} queries",
                    f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
                    f"(median {statistics.median(totals):,.0f} hits)",
                )
            )
        for table, size in sorted(index_sizes(archive.conn).items()):
            rows.append(
                (f"index {table}", f"{size / 2**20:,.0f} MiB = {size / articles:,.0f} bytes/article")
            )
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        rows.append(
            ("size on disk", f"{size / 2**20:,.0f} MiB = {size / articles:,.0f} bytes/article")
        )
    finally:
        archive.close()
        if workdir:
            workdir.cleanup()

    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
