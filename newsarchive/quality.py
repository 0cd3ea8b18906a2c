"""Scoring an extraction against an expected answer: the metrics the golden test and the
extraction benchmark share, so both judge the same way."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

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
