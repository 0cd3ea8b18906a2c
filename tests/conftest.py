"""Shared fixtures: the saved pages and their expected answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles"
LISTS = FIXTURES / "lists"


def article_cases() -> list[str]:
    return sorted(p.stem for p in ARTICLES.glob("*.json"))


def load_case(name: str) -> tuple[bytes, dict]:
    return (ARTICLES / f"{name}.html").read_bytes(), json.loads((ARTICLES / f"{name}.json").read_text("utf-8"))


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
