"""What a crawl did: one progress line while it runs, a table per section at the end,
and the exit status a cron job can act on. Everything is read from Scrapy's stats."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from newsarchive import exitcodes

_PREFIX = "newsarchive/section/"


# Counters kept by kind: errors (the exit status counts them) and requests left out of
# the portal's scope (links elsewhere: not errors).
FAMILIES = ("errors", "out_of_scope")


def section_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-section counters out of the flat stats keys ``newsarchive/section/NAME/KEY``
    (``NAME/errors/KIND`` and ``NAME/out_of_scope/KIND`` for counts by kind)."""
    rows: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        if not key.startswith(_PREFIX):
            continue
        rest = key[len(_PREFIX) :]
        # Section names may hold "/" (zero-configuration sections are URL paths).
        family = next((f for f in FAMILIES if f"/{f}/" in rest), None)
        section, counter = rest.rsplit(f"/{family}/", 1) if family else rest.rsplit("/", 1)
        row = rows.setdefault(section, {"section": section, "list_pages": 0, "new": 0, "updated": 0, "known": 0, "blocked": 0, **{f: {} for f in FAMILIES}})
        if family:
            row[family][counter] = row[family].get(counter, 0) + value
        elif counter == "list_pages":
            row["list_pages"] += value
        elif counter == "articles_new":
            row["new"] += value
        elif counter == "articles_updated":
            row["updated"] += value
        elif counter in ("known", "known_neighbours", "articles_unchanged", "articles_alias"):
            row["known"] += value
        elif counter == "blocked":
            row["blocked"] += value
    return sorted(rows.values(), key=lambda r: r["section"])


def exit_status(rows: list[dict[str, Any]]) -> int:
    """0 ok; 1 finished with errors; 3 blocked (most fetches met a challenge)."""
    blocked = sum(r["blocked"] for r in rows)
    errors = sum(sum(r["errors"].values()) for r in rows)
    archived = sum(r["new"] + r["updated"] + r["known"] for r in rows)
    if blocked and blocked >= archived:
        return exitcodes.BLOCKED
    return exitcodes.ERRORS if errors or blocked else exitcodes.OK


def walk_labels(walks: list[dict[str, Any]]) -> dict[str, str]:
    """Section name → how its walk stands after the crawl, for the table's last column."""
    labels = {}
    for walk in walks:
        label = walk["status"]
        if walk["status"] != "complete" and walk.get("reason"):
            label += f" ({walk['reason']})"
        if walk["status"] == "unfinished":
            label += f", {walk['pending']} pending"
        labels[walk["name"]] = label
    return labels


def render_table(rows: list[dict[str, Any]], walks: dict[str, str] | None = None) -> str:
    """The end-of-run table, one line per section and a total; with ``walks`` (section →
    label) a last column says whether each section's walk is complete."""
    header: tuple[str, ...] = ("section", "list pages", "new", "updated", "known", "blocked", "errors", "out of scope")
    if walks is not None:
        header += ("walk",)
    numbers = ("list_pages", "new", "updated", "known", "blocked")
    lines = [header]
    total: dict[str, Any] = {**dict.fromkeys(numbers, 0), **{f: {} for f in FAMILIES}}
    for row in [*rows, total]:
        if row is total:
            name = "total"
        else:
            name = row["section"]
            for key in numbers:
                total[key] += row[key]
            for family in FAMILIES:
                for kind, n in row.get(family, {}).items():
                    total[family][kind] = total[family].get(kind, 0) + n
        line: tuple[str, ...] = (name, *(str(row[key]) for key in numbers), *(_errors(row.get(f, {})) for f in FAMILIES))
        if walks is not None and row is total:
            unfinished = sum(1 for label in walks.values() if label.startswith("unfinished"))
            line += (f"{unfinished} unfinished" if unfinished else "all complete" if walks else "-",)
        elif walks is not None:
            line += (walks.get(name, "-"),)
        lines.append(line)
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(line)).rstrip())
        if index == 0 or index == len(lines) - 2:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(errors.items())) or "-"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


class ProgressLine:
    """One line on stderr, refreshed every few seconds: pages, articles, errors, rate, section."""

    def __init__(self, crawler: Crawler, interval: float = 2.0) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.tty = sys.stderr.isatty()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        extension = cls(crawler)
        if crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            crawler.signals.connect(extension.opened, signal=signals.spider_opened)
            crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show(final=True)

    def line(self) -> str:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("response_received_count", 0)
        errors = sum(v for k, v in stats.items() if k.startswith(_PREFIX) and "/errors/" in k)
        blocked = sum(v for k, v in stats.items() if k.startswith(_PREFIX) and k.endswith("/blocked"))
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (
            f"pages {pages}  archived {stats.get('newsarchive/articles_archived', 0)}  errors {errors}  blocked {blocked}  "
            f"{pages / elapsed:.1f} pages/s  section {stats.get('newsarchive/current_section', '-')}"
        )

    def show(self, final: bool = False) -> None:
        text = self.line()
        if self.tty:
            sys.stderr.write("\r\x1b[2K" + text + ("\n" if final else ""))
        elif not final:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
