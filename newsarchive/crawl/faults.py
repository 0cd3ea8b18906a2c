"""Names for the ways a fetch fails, as counted in the end-of-run table."""

from __future__ import annotations

from twisted.python.failure import Failure


def failure_kind(failure: Failure) -> str:
    """A short stable name: ``http_404``, ``timeout``, ``connection``, ``too_large`` …"""
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None and getattr(response, "status", None):
        return f"http_{response.status}"
    name = type(value).__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if "DNS" in name:
        return "dns"
    if name == "CancelledError":
        return "too_large"  # the download was cut at DOWNLOAD_MAXSIZE
    if name in ("ResponseNeverReceived", "ResponseFailed", "ConnectionLost", "ConnectionDone", "ConnectionRefusedError", "PotentialDataLoss", "_DataLoss"):
        return "connection"
    if name == "IgnoreRequest":
        return "ignored"
    if "Connection" in name:
        return "connection"
    return name.lower()
