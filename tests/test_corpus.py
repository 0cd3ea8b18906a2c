"""Extraction scored on real pages labelled by reading them (tests/corpus/): the dev split
the extractor is improved against, and the test split of other portals it never is.

The floors are where the extractor stands (a hair below, for float rounding): a change
that loses one page's field on either split fails here, whichever fixture it was made for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.extract import ExtractionError, extract_article
from newsarchive.quality import score_fields

CORPUS = Path(__file__).parent / "corpus"
FIELDS = ("title", "date_day", "date_exact", "source", "authors", "body_f1", "body_good")
FLOORS = {
    "dev": {"title": 0.985, "date_day": 0.985, "date_exact": 0.958, "source": 0.807, "authors": 0.931, "body_f1": 0.958, "body_good": 0.931},
    "test": {"title": 0.913, "date_day": 0.970, "date_exact": 0.913, "source": 0.713, "authors": 0.828, "body_f1": 0.937, "body_good": 0.885},
}


def _provenance(split: str) -> dict[str, dict[str, str]]:
    lines = (CORPUS / split / "PROVENANCE.tsv").read_text("utf-8").splitlines()
    header = lines[0].split("\t")
    return {row["file"]: row for row in (dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:])}


def _extract(page: Path, url: str | None):
    try:
        return extract_article(page.read_bytes(), url)
    except ExtractionError:
        return None


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_every_page_has_its_label_and_provenance(split: str) -> None:
    pages = {p.name for p in (CORPUS / split).glob("*.html")}
    assert pages == set(_provenance(split))
    assert {p.stem for p in (CORPUS / split).glob("*.json")} == {Path(p).stem for p in pages}
    for row in _provenance(split).values():
        assert row["repo"] and len(row["commit"]) == 40 and row["path"]


def test_no_portal_is_in_both_splits() -> None:
    portals = {split: {row["portal"] for row in _provenance(split).values()} for split in FLOORS}
    assert not portals["dev"] & portals["test"]


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_fields_score_at_least_the_floor(split: str) -> None:
    provenance = _provenance(split)
    results = []
    for label_path in sorted((CORPUS / split).glob("*.json")):
        label = json.loads(label_path.read_text("utf-8"))
        if label.get("kind", "article") != "article":
            continue
        url = provenance[label_path.stem + ".html"]["original_url"]
        results.append((_extract(label_path.with_suffix(".html"), url if url.startswith("http") else None), label))
    scores = score_fields(results)
    below = {f: round(scores[f], 3) for f in FIELDS if scores[f] < FLOORS[split][f]}
    assert not below, f"{split}: {below} (floors {FLOORS[split]})"
