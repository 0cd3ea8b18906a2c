"""Characters no article holds: control characters, terminal escape sequences and bidi
overrides. A page that puts ``ESC ] 0 ; … BEL`` in its headline would otherwise rewrite
the terminal of whoever prints the archive, and an RLO would show text reversed.

Whole escape sequences go (an OSC's payload is no more text than the ESC that starts it);
a stray ESC or C1 character alone goes too. Used on page text before parsing, on every
line of extracted text, and again on every value the archive stores.
"""

from __future__ import annotations

import re

# ESC-introduced sequences (ECMA-48) and their 8-bit C1 forms: CSI … final byte;
# OSC, DCS, SOS, PM, APC … terminated by BEL or ST; two-byte escapes (ESC c, ESC ( B).
_SEQUENCE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
# C0 (but tab, newline and carriage return, which the callers treat as white space), DEL,
# C1, and the bidi embeddings, overrides and isolates.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str, keep_cr: bool = True) -> str:
    """``text`` without escape sequences and control characters (tab and newline kept;
    carriage return too unless ``keep_cr`` is False).

    >>> strip_controls("县政府\\x1b]0;pwned\\x07召开\\x1b[2J会议\\u202e研究")
    '县政府召开会议研究'
    """
    if not _ANY_RE.search(text):
        return text
    text = _CONTROL_RE.sub("", _SEQUENCE_RE.sub("", text))
    return text if keep_cr else text.replace("\r", "")
