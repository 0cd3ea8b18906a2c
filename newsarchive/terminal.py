"""Archived text made safe to print: a crawled title is whatever a web page said.

A page can put ESC or OSC sequences in its title; printed raw they recolour, retitle or
rewrite the reader's terminal (OSC 52 even sets the clipboard). Escape sequences are
dropped whole, then every remaining control or invisible format character (C0, DEL,
C1, bidi overrides) is removed, and line breaks become spaces.
"""

from __future__ import annotations

import re

# CSI (ESC [ or C1 CSI), OSC/DCS/APC/PM/SOS strings up to BEL or ST, and any other ESC pair.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAK = re.compile(r"[\t\n\r\u2028\u2029]+")


def printable(text: str | None) -> str:
    """``text`` without escape sequences or control characters, on one line."""
    if not text:
        return ""
    return _CONTROL.sub("", _BREAK.sub(" ", _SEQUENCE.sub("", text)))
