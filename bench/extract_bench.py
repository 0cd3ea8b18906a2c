"""Article extraction benchmark: newsarchive against GNE and trafilatura on the saved
fixture pages, scored with the same metrics as the golden test.

    python bench/extract_bench.py [--passes 5] [--fixtures tests/fixtures/articles]

Every tool gets the same pages in one process: newsarchive the raw bytes (it decodes
them itself), GNE and trafilatura the text decoded beforehand, outside their timing.
Dates are compared as ISO 8601 at the page's precision, so a tool's date string is read
with newsarchive's date parser first; a tool without a field scores only where the
expected answer is empty too. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsarchive.extract import ExtractionError, extract_article
from newsarchive.extract.dates import parse_date
from newsarchive.extract.decode import decode_html
from newsarchive.quality import bigram_f1, date_exact, names_equal, same_day, text_equal

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "articles"
F1_GOOD = 0.95
_AUTHOR_SPLIT_RE = re.compile(r"[\s,，、;；/|]+")


@dataclass
class Case:
    name: str
    html: bytes
    text: str
    expected: dict


@dataclass
class Fields:
    """The fields every tool is scored on, mapped to newsarchive's names."""

    title: str | None = None
    published_at: str | None = None
    source: str | None = None
    authors: list[str] | None = None
    body: str | None = None


Tool = Callable[[Case], Fields]


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for expected_path in sorted(folder.glob("*.json")):
        html = expected_path.with_suffix(".html").read_bytes()
        cases.append(Case(expected_path.stem, html, decode_html(html), json.loads(expected_path.read_text("utf-8"))))
    return cases


def run_newsarchive(case: Case) -> Fields:
    try:
        article = extract_article(case.html, case.expected.get("url"))
    except ExtractionError:
        return Fields()
    return Fields(article.title, article.published_at, article.source, article.authors, article.body)


def make_gne() -> Tool:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(case: Case) -> Fields:
        try:
            found = extractor.extract(case.text)
        except Exception:  # GNE raises on pages it cannot read; that page scores zero
            return Fields()
        return Fields(
            found.get("title") or None,
            _iso(found.get("publish_time")),
            None,
            _split_authors(found.get("author")),
            found.get("content") or None,
        )

    return run


def make_trafilatura() -> Tool:
    import trafilatura

    def run(case: Case) -> Fields:
        found = trafilatura.bare_extraction(case.text, url=case.expected.get("url"), with_metadata=True)
        if found is None:
            return Fields()
        data = found.as_dict() if hasattr(found, "as_dict") else dict(found)
        return Fields(
            data.get("title") or None,
            _iso(data.get("date")),
            data.get("sitename") or None,
            _split_authors(data.get("author")),
            data.get("text") or None,
        )

    return run


def _iso(value: object) -> str | None:
    return parse_date(str(value)) if value else None


def _split_authors(value: object) -> list[str]:
    return [name for name in _AUTHOR_SPLIT_RE.split(str(value or "")) if name]


def _day(predicted: str | None, expected: str | None) -> bool:
    return predicted is None if expected is None else same_day(predicted, expected)


def score(results: list[tuple[Fields, dict]]) -> dict[str, float]:
    n = len(results) or 1
    f1s = [bigram_f1(got.body, exp["body"]) for got, exp in results]
    return {
        "title": sum(text_equal(got.title, exp["title"]) for got, exp in results) / n,
        "date_day": sum(_day(got.published_at, exp["published_at"]) for got, exp in results) / n,
        "date_exact": sum(date_exact(got.published_at, exp["published_at"]) for got, exp in results) / n,
        "source": sum(text_equal(got.source, exp["source"]) for got, exp in results) / n,
        "authors": sum(names_equal(got.authors, exp["authors"]) for got, exp in results) / n,
        "body_f1": statistics.fmean(f1s) if f1s else 0.0,
        "body_good": sum(f >= F1_GOOD for f in f1s) / n,
    }


def pages_per_second(tools: dict[str, Tool], cases: list[Case], passes: int) -> dict[str, float]:
    """Median over passes of pages per second, one pass being every page once; the tools
    take turns within each pass and CPU time is counted, so a busy machine slows them alike."""
    rates: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(passes):
        for name, tool in tools.items():
            start = time.process_time()
            for case in cases:
                tool(case)
            rates[name].append(len(cases) / (time.process_time() - start))
    return {name: statistics.median(values) for name, values in rates.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=5, help="timing passes over all pages (median taken)")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder of NAME.html + NAME.json")
    args = parser.parse_args(argv)

    cases = load_cases(args.fixtures)
    tools: dict[str, Tool] = {"newsarchive": run_newsarchive}
    for name, make in (("GNE", make_gne), ("trafilatura", make_trafilatura)):
        try:
            tools[name] = make()
        except ImportError as error:  # the bench extra is not installed
            print(f"<!-- {name} skipped: {error} -->")
    rows = {name: score([(tool(case), case.expected) for case in cases]) for name, tool in tools.items()}
    for name, speed in pages_per_second(tools, cases, args.passes).items():
        rows[name]["speed"] = speed
    base = rows.get("GNE", {}).get("speed")

    print(f"{len(cases)} pages, speed = median of {args.passes} passes\n")
    print("| tool | title exact | date same day | date exact | source exact | authors | body F1 mean | body F1 ≥ 0.95 | pages/s | speed vs GNE |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        ratio = f"{row['speed'] / base:.1f}×" if base else "–"
        print(
            f"| {name} | {row['title']:.3f} | {row['date_day']:.3f} | {row['date_exact']:.3f} | {row['source']:.3f} "
            f"| {row['authors']:.3f} | {row['body_f1']:.3f} | {row['body_good']:.3f} | {row['speed']:.1f} | {ratio} |"
        )


if __name__ == "__main__":
    main()
