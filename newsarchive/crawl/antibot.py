"""Anti-bot challenge pages: recognised so they are counted as blocked, never archived.

Challenge systems (Ruishu/瑞数 and its kin) answer 412 or 202 (some 200) with a tiny page
made of an obfuscated script that computes a cookie and reloads. What they share: almost
no visible text, a script, and cookie/reload machinery, often behind string tables
(``_0x3f2a``) instead of readable names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

CHALLENGE_STATUSES = frozenset((202, 403, 412, 429, 503, 521))
_SCRIPT_RE = re.compile(rb"<script", re.I)
_SCRIPT_BLOCK_RE = re.compile(rb"(?is)<(script|style|noscript)\b.*?</\1>")
_TAG_RE = re.compile(rb"<[^>]*>")
_MARKERS = (
    re.compile(rb"cookie", re.I),
    re.compile(rb"reload|location\s*(?:\.href|\.replace|=)", re.I),
    re.compile(rb"_0x[0-9a-f]{3,}|\$_ts|__jsl_clearance|acw_sc__|eval\s*\(|String\.fromCharCode", re.I),
    re.compile(rb"challenge|captcha|verify|waf|firewall|security check", re.I),
)
_MAX_VISIBLE = 200


def visible_text_length(body: bytes) -> int:
    text = _TAG_RE.sub(b" ", _SCRIPT_BLOCK_RE.sub(b" ", body[:50000]))
    return len(re.sub(rb"\s+|&nbsp;", b"", text))


def is_challenge(status: int, body: bytes, headers: Mapping[str, str] | None = None) -> bool:
    """True for a challenge page: a script-only answer that sets a cookie or reloads.

    >>> is_challenge(412, b"<html><script>var $_ts={};document.cookie='a=1';location.reload()</script></html>")
    True
    >>> is_challenge(200, b"<html><body><p>" + "正文".encode() * 400 + b"</p></body></html>")
    False
    """
    if len(body) > 200_000 or not _SCRIPT_RE.search(body[:50000]):
        return False
    if visible_text_length(body) > _MAX_VISIBLE:
        return False
    markers = sum(1 for marker in _MARKERS if marker.search(body[:50000]))
    sets_cookie = bool(headers and any(k.lower() == "set-cookie" for k in headers))
    if status in CHALLENGE_STATUSES:
        return markers >= 1 or sets_cookie
    # A 200 that is nothing but a cookie-setting, reloading script is a challenge too.
    return markers >= 2 and (sets_cookie or markers >= 3)
