"""The values extraction produces: plain dataclasses, JSON-ready through ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ARTICLE_FIELDS = (
    "url",
    "title",
    "subtitle",
    "published_at",
    "published_at_from",
    "source",
    "authors",
    "editor",
    "body",
    "body_html",
    "breadcrumb",
    "prev_url",
    "next_url",
    "images",
    "attachments",
    "read_count",
)


class ExtractionError(ValueError):
    """A page that cannot be read as an article: says which page and why."""

    def __init__(self, reason: str, url: str | None = None) -> None:
        self.reason = reason
        self.url = url
        super().__init__(reason, url)

    def __str__(self) -> str:
        # The URL may be filled in after the error is raised, by the caller that knows it.
        return f"{self.url or '<page>'}: {self.reason}"


@dataclass(frozen=True)
class Image:
    src: str
    caption: str | None = None


@dataclass(frozen=True)
class Attachment:
    url: str
    text: str


@dataclass
class Article:
    """Every field of one article page; ``None`` or ``[]`` where the page has none."""

    url: str | None = None
    title: str | None = None
    subtitle: str | None = None
    published_at: str | None = None
    published_at_from: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    body: str | None = None
    body_html: str | None = None
    breadcrumb: list[str] = field(default_factory=list)  # the crumbs above the article, without 正文
    prev_url: str | None = None
    next_url: str | None = None
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    read_count: int | None = None
    # For the crawler, not part of the article's record (``to_dict`` leaves them out):
    # the pages that continue a split article, and what could not be read on the page.
    more_pages: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in ARTICLE_FIELDS}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [asdict(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
    return value


@dataclass(frozen=True)
class PageRequest:
    """A further request a list page asks for (a pagination page or a data-proxy call)."""

    url: str
    method: str = "GET"
    data: dict[str, str] | None = None  # form fields for a POST


@dataclass(frozen=True)
class ListItem:
    url: str
    title: str | None = None
    date: str | None = None  # ISO date shown beside the link, when the list shows one


@dataclass
class Listing:
    """What a section (栏目) page offers: article links and the way to further pages."""

    url: str | None
    items: list[ListItem] = field(default_factory=list)
    next_page: PageRequest | None = None  # the page after this one
    pages: list[PageRequest] = field(default_factory=list)  # every further page the page announces
    total_records: int | None = None  # records the whole list holds, when the page says (Hanweb)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
