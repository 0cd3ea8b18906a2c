"""Portal definitions: ``spiders/NAME.toml`` files, the user's catalogue of portals.

A definition is data, not code: name, title, allowed hosts (``host`` or ``host:port``;
see newsarchive.scope for what a crawl may reach), sections (栏目) with a human
name each, and optional overrides for pages the generic extractors misread. Mistakes
are reported with the file and the key, at load time.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from newsarchive.extract.article import SELECTABLE_FIELDS
from newsarchive.extract.select import to_xpath
from newsarchive.scope import origin_text, parse_origin, url_origin

logger = logging.getLogger(__name__)

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_POLITENESS_KEYS = {
    "download_delay": float,
    "concurrent_requests_per_domain": int,
    "obey_robots": bool,
    "autothrottle": bool,
    "user_agent": str,
}
_TOP_KEYS = {"name", "title", "allowed_hosts", "sections", "overrides", "politeness", "encoding"}
_OVERRIDE_KEYS = {"list_item", "next_page", "article_url_pattern", "fields", "encoding"}


class PortalError(ValueError):
    """A portal definition that cannot be used. Every problem found in it is listed, each
    on its own line naming the file and the key."""

    def __init__(self, source: str, key: str, message: str, *, more: list[tuple[str, str]] | None = None) -> None:
        self.source, self.key = source, key
        self.problems = [(key, message), *(more or [])]
        super().__init__("\n".join(f"{source}: {k}: {m}" for k, m in self.problems))


class _Problems:
    """The problems of one definition, collected so that all are reported at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        self.found.append((key, message))

    def raise_any(self) -> None:
        if self.found:
            (key, message), *more = self.found
            raise PortalError(self.source, key, message, more=more)


@dataclass(frozen=True)
class Section:
    name: str
    url: str


@dataclass(frozen=True)
class Portal:
    name: str
    title: str
    allowed_hosts: tuple[str, ...]
    sections: tuple[Section, ...]
    list_item: str | None = None
    next_page: str | None = None
    article_url_pattern: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    politeness: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    zero_config: bool = False  # sections named by their URLs, to be renamed from their pages

    def select_sections(self, names: list[str] | None) -> Portal:
        """The same portal limited to the named sections (``--sections``)."""
        if not names:
            return self
        known = {s.name for s in self.sections}
        missing = [n for n in names if n not in known]
        if missing:
            raise PortalError(self.source or self.name, "sections", f"no section named {', '.join(missing)} (have: {', '.join(sorted(known))})")
        return replace(self, sections=tuple(s for s in self.sections if s.name in names))

    def relocated(self, base_url: str) -> Portal:
        """The portal served from another origin (the demo portal on a free port)."""
        new = urlsplit(base_url)
        hosts = {urlsplit(s.url).netloc for s in self.sections}

        def move(url: str) -> str:
            parts = urlsplit(url)
            return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, parts.fragment)) if parts.netloc in hosts else url

        return replace(
            self,
            allowed_hosts=(origin_text(url_origin(base_url)),),
            sections=tuple(Section(s.name, move(s.url)) for s in self.sections),
        )


def portals_dir() -> Path:
    """Where definitions live: $NEWSARCHIVE_PORTALS, ./spiders, or the project's spiders/."""
    env = os.environ.get("NEWSARCHIVE_PORTALS")
    if env:
        return Path(env)
    here = Path.cwd() / "spiders"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "spiders"


def load_portal(path: Path) -> Portal:
    source = str(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PortalError(source, "-", f"cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise PortalError(source, "-", f"not valid TOML: {error}") from error
    return parse_portal(data, source, file_name=path.stem)


def parse_portal(data: dict[str, Any], source: str, file_name: str | None = None) -> Portal:
    """Validate a definition's data (read from ``file_name``.toml, whose name it must
    carry); raises PortalError listing every mistake by key."""
    problems = _Problems(source)
    for key in sorted(set(data) - _TOP_KEYS):
        problems.add(key, f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
    name = _required_str(data, "name", "name", problems)
    if name and not _NAME_RE.match(name):
        problems.add("name", f"{name!r}: use lower-case letters, digits, '-' and '_'")
    elif name and file_name is not None and name != file_name:
        problems.add("name", f"{name!r} must match the file name {file_name!r}")
    sections = _sections(data.get("sections"), problems)
    hosts = data.get("allowed_hosts")
    if hosts is None:
        hosts = sorted({origin_text(url_origin(s.url)) for s in sections.values()})
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        problems.add("allowed_hosts", "must be a list of host names (host or host:port)")
        hosts = []
    origins = []
    for index, entry in enumerate(hosts):
        try:
            origins.append(parse_origin(entry))
        except ValueError as error:
            problems.add(f"allowed_hosts[{index}]", str(error))
    for index, section in sections.items():
        host = url_origin(section.url).host
        if origins and not any(host == o.host or host.endswith("." + o.host) for o in origins):
            problems.add(f"sections[{index}].url", f"host {host!r} is not in allowed_hosts")
    overrides = data.get("overrides", {})
    if not isinstance(overrides, dict):
        problems.add("overrides", "must be a table")
        overrides = {}
    fields, pattern, encoding = _overrides(overrides, data.get("encoding"), problems)
    politeness = _politeness(data.get("politeness", {}), problems)
    problems.raise_any()
    return Portal(
        name=name or "",
        title=str(data.get("title") or name),
        allowed_hosts=tuple(hosts),
        sections=tuple(sections.values()),
        list_item=overrides.get("list_item"),
        next_page=overrides.get("next_page"),
        article_url_pattern=pattern,
        fields=fields,
        encoding=encoding,
        politeness=politeness,
        source=source,
    )


def _overrides(
    overrides: dict[str, Any], top_encoding: Any, problems: _Problems
) -> tuple[dict[str, str], str | None, str | None]:
    """The [overrides] table checked: (field selectors, URL pattern, encoding)."""
    for key in sorted(set(overrides) - _OVERRIDE_KEYS):
        problems.add(f"overrides.{key}", f"unknown key (allowed: {', '.join(sorted(_OVERRIDE_KEYS))})")
    fields = overrides.get("fields", {})
    if not isinstance(fields, dict):
        problems.add("overrides.fields", "must be a table of field = selector")
        fields = {}
    for key, value in fields.items():
        if key not in SELECTABLE_FIELDS:
            problems.add(f"overrides.fields.{key}", f"not a selectable field ({', '.join(SELECTABLE_FIELDS)})")
        elif not isinstance(value, str) or not value.strip():
            problems.add(f"overrides.fields.{key}", "must be a CSS or XPath selector")
        else:
            _check_selector(value, f"overrides.fields.{key}", problems)
    for key in ("list_item", "next_page"):
        if isinstance(overrides.get(key), str):
            _check_selector(overrides[key], f"overrides.{key}", problems)
    pattern = overrides.get("article_url_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as error:
            problems.add("overrides.article_url_pattern", f"not a regular expression: {error}")
    for key in ("list_item", "next_page", "encoding"):
        if key in overrides and not isinstance(overrides[key], str):
            problems.add(f"overrides.{key}", "must be a string")
    encoding = overrides.get("encoding") or top_encoding
    if isinstance(encoding, str) and encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            problems.add("overrides.encoding", f"unknown encoding {encoding!r}")
    return dict(fields), pattern, encoding or None


def _check_selector(selector: str, where: str, problems: _Problems) -> None:
    """A selector is compiled when its portal loads, so a typo stops that portal before
    its crawl starts, not in the middle of it."""
    try:
        to_xpath(selector)
    except ValueError as error:
        problems.add(where, f"{selector!r}: {error}")


def _required_str(data: dict[str, Any], key: str, where: str, problems: _Problems) -> str | None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(where, "is required and must be a non-empty string")
        return None
    return value.strip()


def _sections(value: Any, problems: _Problems) -> dict[int, Section]:
    """The usable sections by their index in the file; each bad one is a problem."""
    if not isinstance(value, list) or not value:
        problems.add("sections", "needs at least one [[sections]] entry with name and url")
        return {}
    sections: dict[int, Section] = {}
    for index, entry in enumerate(value):
        key = f"sections[{index}]"
        if not isinstance(entry, dict):
            problems.add(key, "must be a table with name and url")
            continue
        name = _required_str(entry, "name", f"{key}.name", problems)
        url = entry.get("url")
        if not _http_url(url):
            problems.add(f"{key}.url", f"{url!r} is not an http(s) URL with a host (and a port from 1 to 65535)")
        elif name:
            sections[index] = Section(name, url)
    names = [s.name for s in sections.values()]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        problems.add("sections", f"duplicate section name {duplicate!r}")
    return sections


def _http_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0 and parts.username is None


def _politeness(value: Any, problems: _Problems) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.add("politeness", "must be a table")
        return {}
    for key, item in value.items():
        kind = _POLITENESS_KEYS.get(key)
        if kind is None:
            problems.add(f"politeness.{key}", f"unknown key (allowed: {', '.join(sorted(_POLITENESS_KEYS))})")
            continue
        number_for_float = kind is float and isinstance(item, int) and not isinstance(item, bool)
        wrong_type = not isinstance(item, kind) or (kind is int and isinstance(item, bool))
        if wrong_type and not number_for_float:
            problems.add(f"politeness.{key}", f"must be {kind.__name__}")
    return dict(value)


@dataclass(frozen=True)
class Catalogue:
    """The definitions of a folder: the usable ones by name, and the broken files by
    their name (a broken file blocks no other portal)."""

    portals: dict[str, Portal]
    broken: dict[str, PortalError]


def load_catalogue(directory: Path | None = None) -> Catalogue:
    folder = directory or portals_dir()
    portals: dict[str, Portal] = {}
    broken: dict[str, PortalError] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            portal = load_portal(path)
        except PortalError as error:
            broken[path.stem] = error
            continue
        portals[portal.name] = portal
    return Catalogue(portals, broken)


def load_portals(directory: Path | None = None) -> dict[str, Portal]:
    """The usable definitions by name; each broken file is logged as a warning (for
    callers such as Scrapy's spider loader that have no other way to say so)."""
    catalogue = load_catalogue(directory)
    for error in catalogue.broken.values():
        logger.warning("portal definition skipped: %s", error)
    return catalogue.portals


def zero_config_portal(urls: list[str]) -> Portal:
    """A portal for bare URLs: each URL a section (or an article), staying on their hosts.

    Sections are named by their URL: the path (and query) alone when all URLs share one
    host, else host and path.
    """
    hosts: list[str] = []  # host, or host:port off the default port: exactly where the URLs point
    for url in urls:
        if not _http_url(url):
            raise PortalError("command line", url, "not an http(s) URL with a host (and a port from 1 to 65535)")
        origin = origin_text(url_origin(url))
        if origin not in hosts:
            hosts.append(origin)
    sections: list[Section] = []
    for url in urls:
        parts = urlsplit(url)
        name = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if len(hosts) > 1:
            name = f"{parts.hostname}{name}"
        if name not in {s.name for s in sections}:
            sections.append(Section(name, url))
    host = url_origin(urls[0]).host
    name = re.sub(r"[^a-z0-9_\-]", "-", host.lower())[:64]
    return Portal(
        name=name, title=host, allowed_hosts=tuple(hosts), sections=tuple(sections), source="command line", zero_config=True
    )
