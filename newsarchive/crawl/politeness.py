"""A portal's politeness as Scrapy settings: its own ``[politeness]`` table, and no
waiting at all for a portal on this machine (loopback), which is nobody else's server."""

from __future__ import annotations

import ipaddress
from typing import Any

from newsarchive.portals import Portal
from newsarchive.scope import parse_origin

_NAMES = {"obey_robots": "ROBOTSTXT_OBEY", "autothrottle": "AUTOTHROTTLE_ENABLED"}
LOOPBACK_SETTINGS = {"DOWNLOAD_DELAY": 0.0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}


def is_loopback(host: str) -> bool:
    """
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("www.gov.cn")
    (True, True, False)
    """
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def portal_settings(portal: Portal) -> dict[str, Any]:
    """Scrapy settings for crawling this portal, to apply with the spider's priority."""
    settings: dict[str, Any] = {}
    if portal.allowed_hosts and all(is_loopback(parse_origin(h).host) for h in portal.allowed_hosts):
        settings.update(LOOPBACK_SETTINGS)
    for key, value in portal.politeness.items():
        settings[_NAMES.get(key, key.upper())] = value
    return settings
