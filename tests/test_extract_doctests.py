"""The examples in the modules' docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "newsarchive.extract.article",
    "newsarchive.extract.body",
    "newsarchive.extract.bylines",
    "newsarchive.extract.dates",
    "newsarchive.extract.decode",
    "newsarchive.extract.dom",
    "newsarchive.extract.links",
    "newsarchive.extract.meta",
    "newsarchive.extract.patterns",
    "newsarchive.extract.title",
    "newsarchive.export.parquet",
    "newsarchive.quality",
    "newsarchive.sniff",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
