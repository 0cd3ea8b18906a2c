"""Scoring an extraction against an expected answer: the metrics the golden test and the
extraction benchmark share, so both judge the same way."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

_DROP_RE = re.compile(r"[\s\u3000\xa0]+")


def _bigram_text(text: str) -> str:
    """Text without white space and punctuation (any Unicode P* or S* category)."""
    text = _DROP_RE.sub("", text or "")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZ")


def bigram_f1(predicted: str | None, expected: str | None) -> float:
    """Character-bigram F1 with punctuation and spaces removed.

    >>> round(bigram_f1("本报讯，记者张三", "本报讯（记者 张三）"), 2)
    1.0
    >>> bigram_f1("", "正文")
    0.0
    """
    a, b = _bigram_text(predicted or ""), _bigram_text(expected or "")
    if not a and not b:
        return 1.0
    grams_a = Counter(a[i : i + 2] for i in range(len(a) - 1)) if len(a) > 1 else Counter([a])
    grams_b = Counter(b[i : i + 2] for i in range(len(b) - 1)) if len(b) > 1 else Counter([b])
    overlap = sum((grams_a & grams_b).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(grams_a.values())
    recall = overlap / sum(grams_b.values())
    return 2 * precision * recall / (precision + recall)


def same_day(predicted: str | None, expected: str | None) -> bool:
    return bool(predicted and expected and predicted[:10] == expected[:10])


def date_exact(predicted: str | None, expected: str | None) -> bool:
    """Same instant at the page's precision (``2024-04-18`` vs ``2024-04-18T11:12:00+08:00`` differ)."""
    return (predicted or None) == (expected or None)


def norm_text(value: str | None) -> str:
    return _DROP_RE.sub("", value or "")


def text_equal(predicted: str | None, expected: str | None) -> bool:
    return norm_text(predicted) == norm_text(expected)


def names_equal(predicted: Iterable[str] | None, expected: Iterable[str] | None) -> bool:
    return {norm_text(x) for x in predicted or []} == {norm_text(x) for x in expected or []}


F1_GOOD = 0.95  # a body counts as good from this bigram F1 (LABEL_SPEC.md)


def label_date(value: str | None) -> str | None:
    """A label's ``published_at`` ("2024-04-18 11:12") as ISO 8601 at its precision."""
    from newsarchive.extract.dates import parse_date

    return parse_date(str(value)) if value else None


def score_fields(results: Iterable[tuple[Any, dict[str, Any]]]) -> dict[str, float]:
    """Shares of pages right per field, as LABEL_SPEC.md scores them, over pairs of
    (an extraction with ``title``, ``published_at``, ``source``, ``authors`` and ``body``
    attributes, its label). A missing extraction (None) is wrong on every field."""
    pairs = list(results)
    n = len(pairs) or 1
    rows = []
    for got, label in pairs:
        expected_date = label_date(label["published_at"])
        fields = {name: getattr(got, name, None) for name in ("title", "published_at", "source", "authors", "body")}
        f1 = bigram_f1(fields["body"], label["body"]) if got is not None else 0.0
        rows.append(
            {
                "title": text_equal(fields["title"], label["title"]),
                "date_day": fields["published_at"] is None if expected_date is None else same_day(fields["published_at"], expected_date),
                "date_exact": date_exact(fields["published_at"], expected_date),
                "source": text_equal(fields["source"], label["source"]),
                "authors": names_equal(fields["authors"], label["authors"]),
                "body_f1": f1,
                "body_good": f1 >= F1_GOOD,
            }
        )
    return {key: sum(row[key] for row in rows) / n for key in ("title", "date_day", "date_exact", "source", "authors", "body_f1", "body_good")}
