"""Selectors of portal definitions (``list_item``, ``next_page``, ``[overrides.fields]``):
CSS, or XPath when they start like one, read one way everywhere. parsel's translator is
the one Scrapy users know, so ``::text`` and ``::attr(href)`` work in every selector.

>>> from lxml import html
>>> page = html.fromstring('<div><a class="next" href="list_2.html">下一页</a></div>')
>>> select(page, "a.next::attr(href)"), select(page, "//a/text()")
(['list_2.html'], ['下一页'])
>>> to_xpath("//div[@id='content']")
"//div[@id='content']"
"""

from __future__ import annotations

from functools import lru_cache

from cssselect import SelectorError
from lxml import etree
from parsel.csstranslator import css2xpath

_XPATH_START = ("/", "(", "./")


@lru_cache(maxsize=256)
def to_xpath(selector: str) -> str:
    """The XPath of a selector, checked; ValueError names what is wrong with it."""
    text = selector.strip()
    try:
        xpath = text if text.startswith(_XPATH_START) else css2xpath(text)
        etree.XPath(xpath)
    except (SelectorError, etree.XPathSyntaxError, etree.XPathError) as error:
        raise ValueError(f"not a CSS or XPath selector: {error}") from None
    return xpath


def select(root: etree._Element, selector: str) -> list[object]:
    """What the selector names in ``root``: elements, or strings for ``::text``/``@attr``."""
    result = root.xpath(to_xpath(selector))
    return result if isinstance(result, list) else [result]
