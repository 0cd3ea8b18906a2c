"""Articles split over several pages (``a.html``, ``a_2.html``, … with 下一页 in or right
after the body): the URLs of the pages that continue this one.

Only the article's own pager counts: a small block inside the body, or just after it,
made of page numbers next to each other, 下一页 and 共N页 and nothing else. A URL that
merely looks like ``stem_M.html`` proves nothing: on a TRS portal with small ids,
``t20240418_4.html`` is the 下一条 of ``t20240418_3.html``, another story.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newsarchive.extract.dom import Element, squash, text_content
from newsarchive.extract.links import resolve

_NUMBER_RE = re.compile(r"^[\[【(（]?\s*(\d{1,3})\s*[\]】)）]?$")
_NEXT_RE = re.compile(r"^[\[【]?\s*(?:下一?页|后一?页|next(?: page)?|›|»|>>?)\s*[\]】]?$", re.I)
# What a pager's text is made of besides its links: counts, brackets, separators.
_PAGER_WORDS_RE = re.compile(
    r"共\s*\d+\s*页|第\s*\d+\s*页|当前\s*第?\s*\d+\s*页|\d+\s*/\s*\d+\s*页?|页次|分页|上一?页|下一?页|前一?页|后一?页|首页|尾页|末页|最后一?页|"
    r"\d+|[\s\[\]【】()（）|/:：,，.…»«›‹<>-]",
    re.I,
)
_COUNT_RE = re.compile(r"共\s*\d+\s*页|第\s*\d+\s*页|\d+\s*/\s*\d+\s*页")
_PAGER_MAX_TEXT = 120  # a pager is short; a paragraph with links in it is not one
_INLINE = frozenset(("li", "span", "b", "strong", "font", "em", "i", "u", "small", "td"))
_LEVELS, _SIBLINGS = 3, 2  # "right after the body": the next two blocks, up to three levels up


def continuation_urls(body: Element, url: str | None, base: str | None = None) -> list[str]:
    """Later pages of the same article, in page order, read from its pager.

    >>> from newsarchive.extract.dom import parse_html
    >>> page = parse_html('<div id="c"><p>正文。</p><div>[1] [<a href="t1_2.html">2</a>] <a href="t1_2.html">下一页</a></div></div>'
    ...                   '<div class="prevnext">下一条：<a href="t2.html">另一篇</a></div>')
    >>> continuation_urls(page.find(".//div"), "http://x.cn/a/t1.html")
    ['http://x.cn/a/t1_2.html']
    """
    if not url:
        return []
    seen: set[int] = set()
    for container in _pager_candidates(body):
        if id(container) in seen:
            continue
        seen.add(id(container))
        pages = _read_pager(container, url, base or url)
        if pages:
            return pages
    return []


def _pager_candidates(body: Element) -> list[Element]:
    """Blocks holding a page-number or 下一页 link, inside the body or just after it."""
    scopes = [body]
    node: Element | None = body
    for _ in range(_LEVELS):
        if node is None:
            break
        scopes += [sibling for sibling in node.itersiblings() if isinstance(sibling.tag, str)][:_SIBLINGS]
        node = node.getparent()
    found = []
    for scope in scopes:
        for link in scope.iter("a"):
            text = squash(text_content(link))
            if _NUMBER_RE.match(text) or _NEXT_RE.match(text):
                found.append(_container(link))
    return found


def _container(link: Element) -> Element:
    node = link.getparent()
    for _ in range(2):
        parent = node.getparent() if node is not None else None
        if node is None or parent is None or node.tag not in _INLINE:
            break
        node = parent
    return node if node is not None else link


def _read_pager(container: Element, url: str, base: str) -> list[str]:
    text = squash(text_content(container))
    if len(text) > _PAGER_MAX_TEXT or _PAGER_WORDS_RE.sub("", text):
        return []  # words other than a pager's: a neighbour box, related news, a paragraph
    here = _plain(url)
    numbered: dict[int, str] = {}
    current: int | None = None
    next_url: str | None = None
    for link in container.iter("a"):
        label = squash(text_content(link))
        target = resolve(link.get("href"), base)
        usable = target is not None and _plain(target) != here and _same_article_folder(target, url)
        number = _NUMBER_RE.match(label)
        if number:
            if usable:
                numbered.setdefault(int(number.group(1)), _plain(target))
            elif target is None or _plain(target) == here:
                current = int(number.group(1))
        elif _NEXT_RE.match(label) and usable:
            next_url = next_url or _plain(target)
    if current is None:
        current = next(n for n in range(1, 1001) if n not in numbered)
    counted = bool(_COUNT_RE.search(text)) or len(numbered) >= 2
    if not numbered and next_url and not (counted or _extends_name(next_url, url)):
        return []  # a bare 下一页 to a page not named after this one: maybe the next story
    if numbered and not (counted or next_url):
        return []  # a lone number: a footnote, not a pager
    pages = [numbered[n] for n in sorted(numbered) if n > current]
    if next_url and next_url not in pages and next_url not in numbered.values():
        pages.insert(0, next_url)
    return pages


def _plain(url: str) -> str:
    return url.split("#", 1)[0]


def _same_article_folder(target: str, url: str) -> bool:
    """Pages of one article live on one host, in one folder."""
    one, other = urlsplit(target), urlsplit(url)
    return one.netloc.lower() == other.netloc.lower() and one.path.rsplit("/", 1)[0] == other.path.rsplit("/", 1)[0]


def _extends_name(target: str, url: str) -> bool:
    """``a_2.html`` or ``a.html?page=2`` for ``a.html``: named after this page."""
    mine, theirs = urlsplit(url).path, urlsplit(target).path
    stem = mine.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = theirs.rsplit("/", 1)[-1]
    return bool(stem) and (name.startswith((stem + "_", stem + "-")) or (theirs == mine and urlsplit(target).query != urlsplit(url).query))
