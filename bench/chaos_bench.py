"""Completeness per pagination style on the chaos portal (tests/support/chaos_portal.py).

For each seed: a clean crawl, then a crawl SIGKILLed five times at seeded moments (the
reruns alternating ``--resume`` and plain, as tests/test_chaos.py does) and one final run
allowed to finish. Prints, per pagination style, the share of the portal's articles each
archive holds, and per seed the crawl times. Run:

    python bench/chaos_bench.py                      # the test suite's seeds
    python bench/chaos_bench.py --seeds 1-20 --final plain

Not a test: it reports, it does not judge. Times are wall seconds on this machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.chaos_portal import STYLES, ChaosPortal, serve  # noqa: E402
from tests.test_chaos import (  # noqa: E402
    KILLS,
    SEEDS,
    Clean,
    archive_rows,
    crawl_command,
    judge,
    kill_group,
    kill_plan,
    run,
    start,
    wait_for,
)


def seeds_from(text: str) -> list[int]:
    """``3,5,9`` or ``1-20``."""
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += range(int(low), int(high or low) + 1)
    return seeds


def one_seed(seed: int, folder: Path, final: str, latency: tuple[float, float]) -> dict:
    """Clean crawl and kill sequence of one seed's portal: coverage per style, times."""
    with serve(ChaosPortal(seed), latency=latency) as site:
        began = time.monotonic()
        clean = run(crawl_command(site, folder / "A.db"), folder)
        clean_seconds = time.monotonic() - began
        hits = site.requests()
        reference = Clean(seed, site, folder / "A.db", clean, len(hits), clean_seconds, hits[-1].at - hits[0].at if hits else 0.0)

        db = folder / "B.db"
        resume_first = seed % 2 == 0 if final == "alternate" else final == "resume"
        kills = 0
        began = time.monotonic()
        for n, trigger in enumerate(kill_plan(seed, KILLS)):
            resume = n > 0 and (n % 2 == 1) == resume_first
            proc = start(crawl_command(site, db, *(["--resume"] if resume else [])), folder, folder / "crawls.log")
            fired, _ = wait_for(trigger, proc, db, reference)
            if fired:
                kill_group(proc)
                kills += 1
        last_resume = (KILLS % 2 == 1) == resume_first
        last = run(crawl_command(site, db, *(["--resume"] if last_resume else [])), folder)
        killed_seconds = time.monotonic() - began
        return {
            "seed": seed,
            "articles": len(site.articles),
            "clean": judge(archive_rows(folder / "A.db"), site.articles).by_style,
            "killed": judge(archive_rows(db), site.articles).by_style,
            "clean_seconds": clean_seconds,
            "killed_seconds": killed_seconds,
            "kills": kills,
            "final": "--resume" if last_resume else "plain",
            "status": (clean.returncode, last.returncode),
        }


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    return "\n".join([line, rule, *body])


def share(got: int, want: int) -> str:
    return f"{got}/{want} ({got / want:.0%})" if want else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="comma-separated, or a range like 1-20")
    parser.add_argument("--final", choices=("alternate", "plain", "resume"), default="alternate",
                        help="how the reruns alternate: by seed parity as the tests do, or always ending with a plain / --resume run")
    parser.add_argument("--latency-ms", type=float, nargs=2, default=(5.0, 15.0), metavar=("LOW", "HIGH"))
    args = parser.parse_args()

    results = []
    for seed in seeds_from(args.seeds):
        with tempfile.TemporaryDirectory(prefix=f"chaos-bench-{seed}-") as tmp:
            result = one_seed(seed, Path(tmp), args.final, (args.latency_ms[0] / 1000, args.latency_ms[1] / 1000))
        results.append(result)
        print(f"seed {seed}: {result['articles']} articles, clean {result['clean_seconds']:.1f} s, "
              f"{result['kills']} kills + final {result['final']} {result['killed_seconds']:.1f} s", file=sys.stderr)

    totals: dict[str, dict[str, list[int]]] = {k: defaultdict(lambda: [0, 0]) for k in ("clean", "killed")}
    for result in results:
        for kind in ("clean", "killed"):
            for style, (got, want) in result[kind].items():
                totals[kind][style][0] += got
                totals[kind][style][1] += want
    rows = [
        [style, str(sum(1 for r in results if style in r["clean"])), share(*totals["clean"][style]), share(*totals["killed"][style])]
        for style in STYLES if totals["clean"][style][1]
    ]
    clean_all = [sum(v[i] for v in totals["clean"].values()) for i in (0, 1)]
    killed_all = [sum(v[i] for v in totals["killed"].values()) for i in (0, 1)]
    rows.append(["all", str(len(results)), share(*clean_all), share(*killed_all)])
    print("Coverage per pagination style (archived / the portal's articles)\n")
    print(table(["style", "seeds", "clean crawl", "after kills"], rows))
    print("\nCrawl time per seed (wall seconds; the kill sequence includes its final run)\n")
    print(table(
        ["seed", "articles", "styles", "clean crawl s", "kills", "final run", "kill sequence s", "exit (clean, final)"],
        [[str(r["seed"]), str(r["articles"]), " ".join(sorted(r["clean"])), f"{r['clean_seconds']:.1f}", str(r["kills"]), r["final"],
          f"{r['killed_seconds']:.1f}", f"{r['status'][0]}, {r['status'][1]}"] for r in results]
        + [["total", str(sum(r["articles"] for r in results)), "", f"{sum(r['clean_seconds'] for r in results):.1f}",
            str(sum(r["kills"] for r in results)), "", f"{sum(r['killed_seconds'] for r in results):.1f}", ""]],
    ))


if __name__ == "__main__":
    main()
