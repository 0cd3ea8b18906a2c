"""Test support that is not a test: generated portals and servers that misbehave, on loopback."""
