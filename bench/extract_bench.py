"""Article extraction benchmark: newsarchive against GNE, trafilatura and readability-lxml on saved pages,
scored as ../shared/reference/LABEL_SPEC.md says (the metrics of the golden test).

    python bench/extract_bench.py [--passes 5] [--set NAME=FOLDER ...]

The default sets: ``fixtures`` (tests/fixtures/articles, the pages the extractor is
developed against), ``corpus-dev`` (tests/corpus/dev) and ``corpus-test``
(tests/corpus/test: portals of their own, labelled by reading the page, scored and never
tuned on). A row per set and tool; speed is measured over every page of every set.

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
from newsarchive.quality import score_fields

TESTS = Path(__file__).resolve().parent.parent / "tests"
SETS = {
    "fixtures": TESTS / "fixtures" / "articles",
    "corpus-dev": TESTS / "corpus" / "dev",
    "corpus-test": TESTS / "corpus" / "test",
}
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
    """The article pages of a folder of NAME.html + NAME.json (pages labelled ``other``
    are left out); a page's URL from the label, else from PROVENANCE.tsv beside it."""
    urls = _provenance_urls(folder / "PROVENANCE.tsv")
    cases = []
    for expected_path in sorted(folder.glob("*.json")):
        expected = json.loads(expected_path.read_text("utf-8"))
        if expected.get("kind", "article") != "article":
            continue
        expected.setdefault("url", urls.get(expected_path.stem + ".html"))
        html = expected_path.with_suffix(".html").read_bytes()
        cases.append(Case(expected_path.stem, html, decode_html(html), expected))
    return cases


def _provenance_urls(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split("\t")
    rows = (dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:])
    return {r["file"]: r["original_url"] for r in rows if r.get("original_url", "").startswith("http")}


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


def make_readability() -> Tool:
    """readability-lxml: a body and a title, no date, source or authors."""
    from lxml import html as lxml_html
    from readability import Document

    def run(case: Case) -> Fields:
        try:
            document = Document(case.text)
            summary = document.summary(html_partial=True)
        except Exception:  # readability raises on pages it cannot read; that page scores zero
            return Fields()
        root = lxml_html.fromstring(summary)
        lines = [" ".join(block.text_content().split()) for block in root.iter("p", "h2", "h3", "h4", "li", "td", "div") if not block.findall(".//p")]
        return Fields(document.short_title() or None, None, None, None, "\n".join(line for line in lines if line) or None)

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=5, help="timing passes over all pages (median taken)")
    parser.add_argument("--set", action="append", metavar="NAME=FOLDER", help="a folder of NAME.html + NAME.json (repeatable; default: the three sets)")
    args = parser.parse_args(argv)

    sets = dict(s.split("=", 1) for s in args.set) if args.set else SETS
    cases = {name: load_cases(Path(folder)) for name, folder in sets.items()}
    tools: dict[str, Tool] = {"newsarchive": run_newsarchive}
    for name, make in (("GNE", make_gne), ("trafilatura", make_trafilatura), ("readability", make_readability)):
        try:
            tools[name] = make()
        except ImportError as error:  # the bench extra is not installed
            print(f"<!-- {name} skipped: {error} -->")
    every = [case for group in cases.values() for case in group]
    speeds = pages_per_second(tools, every, args.passes)
    base = speeds.get("GNE")

    print(f"{len(every)} pages; speed = median of {args.passes} passes over all of them\n")
    print("| set | pages | tool | title exact | date same day | date exact | source exact | authors | body F1 mean | body F1 ≥ 0.95 | pages/s | speed vs GNE |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for set_name, group in cases.items():
        for name, tool in tools.items():
            row = score_fields((tool(case), case.expected) for case in group)
            ratio = f"{speeds[name] / base:.1f}×" if base else "–"
            print(
                f"| {set_name} | {len(group)} | {name} | {row['title']:.3f} | {row['date_day']:.3f} | {row['date_exact']:.3f} "
                f"| {row['source']:.3f} | {row['authors']:.3f} | {row['body_f1']:.3f} | {row['body_good']:.3f} | {speeds[name]:.1f} | {ratio} |"
            )


if __name__ == "__main__":
    main()
