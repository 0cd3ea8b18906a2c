"""Test support that is not a test: the chaos portal generator and its loopback server."""
