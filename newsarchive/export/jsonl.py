"""JSON Lines: one article per line with every field, lists and objects kept as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO


def write_jsonl(articles: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    count = 0
    for article in articles:
        out.write(json.dumps(article, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    out.flush()
    return count
