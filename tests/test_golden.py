"""Every field of every saved article page against the answer written by reading it.

A field that is knowingly wrong today is listed in KNOWN_GAPS with its reason and runs
as a strict xfail: a fix shows up as an unexpected pass, a regression as a failure.
"""

from __future__ import annotations

import pytest

from newsarchive.extract import extract_article
from newsarchive.quality import bigram_f1, names_equal
from tests.conftest import article_cases, load_case

FIELDS = (
    "title", "subtitle", "published_at", "published_at_from", "source", "authors", "editor",
    "body", "breadcrumb", "prev_url", "next_url", "images", "attachments", "read_count",
)
BODY_F1_MIN = 0.95

# (fixture, field) -> why the extractor gets it wrong today. Empty: every field of every
# fixture is right. A gap found later is listed here with its reason (a strict xfail), so
# that its fix shows up as an unexpected pass.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _same(field: str, got, expected) -> bool:
    if field == "body":
        return bigram_f1(got, expected) >= BODY_F1_MIN
    if field == "authors":
        return names_equal(got, expected)
    if field == "images":
        return {i["src"] for i in got} == {i["src"] for i in expected}
    if field == "attachments":
        return {a["url"] for a in got} == {a["url"] for a in expected}
    return got == expected


CASES = [
    pytest.param(
        name,
        field,
        id=f"{name}-{field}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(name, field)])] if (name, field) in KNOWN_GAPS else [],
    )
    for name in article_cases()
    for field in FIELDS
]

_cache: dict[str, dict] = {}


def _extracted(name: str) -> tuple[dict, dict]:
    html, expected = load_case(name)
    if name not in _cache:
        _cache[name] = extract_article(html, expected["url"]).to_dict()
    return _cache[name], expected


@pytest.mark.parametrize(("name", "field"), CASES)
def test_field(name: str, field: str) -> None:
    got, expected = _extracted(name)
    assert _same(field, got[field], expected[field]), f"{field}: got {got[field]!r}, expected {expected[field]!r}"


@pytest.mark.parametrize("name", article_cases())
def test_dict_has_exactly_the_documented_keys(name: str) -> None:
    got, expected = _extracted(name)
    assert set(got) == set(FIELDS) | {"url", "body_html"}
    assert got["url"] == expected["url"]
