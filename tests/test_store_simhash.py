"""SimHash fingerprints and their band index."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.store.simhash import (
    MAX_DISTANCE,
    band_keys,
    distance,
    simhash,
    to_signed,
)
from tests.test_store_support import STORIES, story


def test_near_copies_are_close_and_different_stories_far():
    for name in STORIES:
        body = story(name)["body"]
        same = simhash(body)
        assert simhash(body.replace("，", ",").replace("\n", "\n\n  ")) == same  # formatting
        assert distance(same, simhash("来源：长江日报\n" + body)) <= MAX_DISTANCE
    prints = [simhash(story(name)["body"]) for name in STORIES]
    for one, other in itertools.combinations(prints, 2):
        assert distance(one, other) > 3 * MAX_DISTANCE


def test_short_bodies_have_no_fingerprint():
    assert simhash("详见附件。") is None
    assert simhash(None) is None


@given(st.integers(0, 2**64 - 1), st.sets(st.integers(0, 63), max_size=MAX_DISTANCE))
def test_within_the_threshold_a_band_key_is_shared(value, flips):
    """The pigeonhole argument the index relies on."""
    other = value
    for bit in flips:
        other ^= 1 << bit
    assert distance(value, other) == len(flips)
    assert set(band_keys(value)) & set(band_keys(other))
    assert band_keys(to_signed(value)) == band_keys(value)
    assert distance(to_signed(value), other) == len(flips)
