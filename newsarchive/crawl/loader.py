"""Scrapy's spider loader over ``spiders/*.toml``: ``scrapy list`` and ``scrapy crawl NAME``
see one spider per portal definition."""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from newsarchive.crawl.politeness import portal_settings
from newsarchive.crawl.spider import PortalSpider
from newsarchive.portals import Portal, load_portals


def spider_for(portal: Portal) -> type[PortalSpider]:
    """A PortalSpider subclass bound to one portal (what Scrapy's loader hands out)."""
    attributes = {"name": portal.name, "portal": portal, "custom_settings": portal_settings(portal)}
    return type(f"{portal.name.title().replace('-', '').replace('_', '')}Spider", (PortalSpider,), attributes)


class PortalSpiderLoader:
    def __init__(self, settings: BaseSettings) -> None:
        self.portals = load_portals()

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> PortalSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[PortalSpider]:
        try:
            return spider_for(self.portals[spider_name])
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self.portals)

    def find_by_request(self, request: Any) -> list[str]:
        return [name for name, portal in self.portals.items() if any(h in request.url for h in portal.allowed_hosts)]
