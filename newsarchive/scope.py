"""Where a crawl may go: one rule for every request, whatever produced it.

A crawler pointed at a public portal must never be steerable into the operator's own
network (a redirect to ``http://localhost:8080/admin``, a link to another service on the
portal's address, a subdomain whose DNS answers ``10.0.0.5``). So a request is in scope
only when it is http(s), carries no ``user:password@``, goes to the portal's hosts *and
ports*, and reaches a public address, except that a portal which itself lives on a
non-public address (the demo portal on 127.0.0.1) may use exactly its own host and port.

Pure apart from the address lookup, which the caller provides (and which is cached, one
lookup per host).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Names that mean this machine whatever the resolver says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_HOST_RE = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?\.?$", re.I)

# Why a request is out of scope, as counted per section ("out of scope" in the table).
SCHEME = "scheme"  # not http(s)
CREDENTIALS = "credentials"  # user:password@ in the URL
OTHER_HOST = "other_host"
OTHER_PORT = "other_port"  # an allowed host on a port the portal does not use
PRIVATE_ADDRESS = "private_address"  # loopback, private, link-local … by literal, name or DNS
BAD_URL = "bad_url"  # no host, or a port that is not a number in 1..65535


@dataclass(frozen=True)
class Origin:
    """A host and port the portal is on; ``port`` None is the scheme's default port."""

    host: str
    port: int | None = None

    def admits(self, host: str, port: int, scheme: str, subdomains: bool = True) -> bool:
        same = host == self.host or (subdomains and not _is_ip(self.host) and host.endswith("." + self.host))
        return same and port == (self.port or DEFAULT_PORTS[scheme])


def parse_origin(entry: str) -> Origin:
    """``host`` or ``host:port`` (``[v6]:port`` for IPv6) as an allowed_hosts entry names it;
    a default port (80, 443) is the same as none. Raises ValueError saying what is wrong.

    >>> parse_origin("Example.gov.cn:8080"), parse_origin("example.gov.cn:80")
    (Origin(host='example.gov.cn', port=8080), Origin(host='example.gov.cn', port=None))
    """
    text = entry.strip()
    if "://" in text or "/" in text:
        raise ValueError(f"{entry!r} is a URL; give a host name, optionally with :port")
    if "@" in text:
        raise ValueError(f"{entry!r} holds user credentials; give a host name, optionally with :port")
    try:
        parts = urlsplit(f"http://{text}")
        host, port = (parts.hostname or ""), parts.port
    except ValueError:
        raise ValueError(f"{entry!r}: the port must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError(f"{entry!r}: the port must be a number from 1 to 65535")
    if not host or not (_is_ip(host) or _HOST_RE.match(host)):
        raise ValueError(f"{entry!r} is not a host name")
    return Origin(host.rstrip("."), None if port in DEFAULT_PORTS.values() else port)


def url_origin(url: str) -> Origin:
    """The origin of an http(s) URL (default port as None). Raises ValueError on a bad port."""
    parts = urlsplit(url)
    port = parts.port
    return Origin((parts.hostname or "").rstrip("."), None if port == DEFAULT_PORTS.get(parts.scheme.lower()) else port)


def origin_text(origin: Origin) -> str:
    """``host`` or ``host:port``, as allowed_hosts would name it."""
    host = f"[{origin.host}]" if ":" in origin.host else origin.host
    return host if origin.port is None else f"{host}:{origin.port}"


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local,
    shared, reserved, multicast or unspecified; IPv4-mapped IPv6 judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve(host: str) -> frozenset[str]:
    """The addresses ``host`` resolves to (empty when it does not resolve: the fetch will
    then fail on its own, as a DNS error)."""
    try:
        return frozenset(str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP))
    except (OSError, UnicodeError):
        return frozenset()


class Scope:
    """The rule for one portal: ``verdict(url)`` is None in scope, else why not.

    ``allowed`` are allowed_hosts entries (a host admits its subdomains, on the named port or
    the default one); ``own`` the portal's own URLs (its sections), whose exact host and port
    are in scope too and may be non-public addresses.
    """

    def __init__(self, allowed: Iterable[str], own: Iterable[str] = (), lookup: Callable[[str], frozenset[str]] = resolve) -> None:
        self.allowed = tuple(parse_origin(entry) for entry in allowed)
        self.own = frozenset(url_origin(url) for url in own) | frozenset(self.allowed)
        self.lookup = lookup
        self.addresses: dict[str, frozenset[str]] = {}  # one lookup per host

    def unresolved(self, url: str) -> str | None:
        """The host ``verdict`` would look up first, if any (so that a caller on an event
        loop can resolve it off the loop and ``learn`` the answer)."""
        target = self._target(url)
        if isinstance(target, tuple) and target[0] not in self.addresses and not _is_ip(target[0]):
            return target[0]
        return None

    def learn(self, host: str, addresses: frozenset[str]) -> None:
        self.addresses[host] = addresses

    def verdict(self, url: str) -> str | None:
        target = self._target(url)
        if not isinstance(target, tuple):
            return target
        host = target[0]
        if _is_ip(host):
            return None if is_public_address(host) else PRIVATE_ADDRESS
        if host not in self.addresses:
            self.addresses[host] = self.lookup(host)
        return PRIVATE_ADDRESS if any(not is_public_address(a) for a in self.addresses[host]) else None

    def _target(self, url: str) -> str | tuple[str] | None:
        """Why the URL is out of scope by its text alone; None for the portal's own host and
        port (public or not); else ``(host,)``, whose address decides."""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme not in DEFAULT_PORTS:
                return SCHEME
            if parts.username is not None or parts.password is not None or "@" in parts.netloc:
                return CREDENTIALS
            host = (parts.hostname or "").rstrip(".")
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            return BAD_URL
        if not host:
            return BAD_URL
        if any(o.admits(host, port, scheme, subdomains=False) for o in self.own):
            return None
        if any(o.admits(host, port, scheme) for o in self.allowed):
            return PRIVATE_ADDRESS if _is_local_name(host) else (host,)
        if any(o.admits(host, o.port or DEFAULT_PORTS[scheme], scheme) for o in (*self.allowed, *self.own)):
            return OTHER_PORT
        return OTHER_HOST


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_local_name(host: str) -> bool:
    name = host.lower()
    return name in _LOCAL_NAMES or name.endswith(".localhost")
