"""Test support that is not a test: generated portals and servers that misbehave, on loopback."""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")


def require(found: T | None, missing: str) -> T:
    """``found`` (a service's binary); without it the test is skipped, or fails where the
    environment says services must be there (``NEWSARCHIVE_REQUIRE_SERVICES=1``, as CI
    sets it), so a missing service cannot pass CI as a row of skips."""
    import pytest

    if found is None:
        if os.environ.get("NEWSARCHIVE_REQUIRE_SERVICES") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    return found
