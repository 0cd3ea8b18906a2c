"""Real article paragraphs the demo bodies are built from.

``pages/corpus.json`` holds body texts from the opendatalab/magic-html benchmark labels (its
``provenance`` field says how they were cleaned, and each document names its corpus page), so
the demo's bodies read like real Chinese news prose rather than filler.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

_TERMINAL = ("。", "！", "？", "”", "）")


@cache
def documents() -> tuple[dict, ...]:
    """The corpus documents: file, url, label_key, paragraphs, dropped."""
    text = resources.files(__package__).joinpath("pages/corpus.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["documents"])


@cache
def paragraphs() -> tuple[str, ...]:
    """Whole-sentence paragraphs (no sub-heads), the pool article bodies draw from."""
    return tuple(
        p for doc in documents() for p in doc["paragraphs"] if len(p) >= 20 and p.endswith(_TERMINAL)
    )
