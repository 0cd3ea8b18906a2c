"""Test helpers that serve pages over real HTTP on loopback."""
