"""Section (栏目) pages: telling them from articles, and reading their article links and pages.

A list page is recognised by its structure, never by its host: many sibling items (``li``,
``tr``, ``dd``...) each holding one link with a title of similar length, often a date beside
it and a pager below, and no long run of prose. An article page is the reverse: a long body
of paragraphs, a meta line (来源 / 发布时间) and 上一篇 / 下一篇 links. Both kinds carry
navigation, link blocks and "related news" lists, so the signals are weighed, not ruled.

The main list is the largest group of repeated items outside the navigation, footer and
sidebars; Hanweb / 大汉 JCMS pages ship it inside ``<script type="text/xml"><datastore>``
(unwrapped before parsing), and a dataproxy answer is read the same way. The further pages
are found by :mod:`newsarchive.extract.pagination`.

A page is parsed once: ``page_kind`` and ``extract_listing`` on the same input share the parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import lxml.html
from lxml import etree

from newsarchive.extract import patterns as P
from newsarchive.extract.decode import decode_html
from newsarchive.extract.links import breadcrumb_container, is_inside
from newsarchive.extract.model import ExtractionError, Listing, ListItem
from newsarchive.extract.pagination import (
    Datastore,
    Paging,
    datastore_paging,
    finish,
    link_paging,
    read_datastore,
    resolve,
    response_page_paging,
    script_paging,
    selector_paging,
    squash,
)
from newsarchive.extract.select import select
from newsarchive.urls import canonical_url

__all__ = ["extract_listing", "page_kind"]

# --- structure tables -------------------------------------------------------------------------
# class/id words (split on - _ and spaces) of blocks that hold navigation, not the main list.
NEGATIVE_TOKEN_RE = re.compile(
    r"^(?:nav|menu|footer|foot|copyright|friend|yqlj|sidebar|aside|hot|rank|paihang|phb|crumb|"
    r"breadcrumb|dqwz|tuijian|recommend|related|xgxw|xgwz|share|banner|marquee|scroll|slide|focus)\w*$"
    r"|^\w*(?:nav|menu|footer|links?|sidebar|crumb)$"
    r"|^(?:header|head|top|side|bottom|links|position|location|login|toolbar|topbar)$",
    re.I,
)
NEGATIVE_TAGS = frozenset(("nav", "header", "footer", "aside", "marquee", "select"))
# Inline elements: their text belongs to the block around them (paragraph counting).
INLINE_TAGS = frozenset(
    ("span", "font", "strong", "b", "em", "i", "u", "small", "big", "sub", "sup", "label", "code", "abbr", "cite", "q", "s", "strike", "del", "ins", "mark", "tt", "var", "time", "wbr", "br", "img")
)
SKIP_TAGS = frozenset(("html", "head", "title", "meta", "link", "base", "option", "select", "textarea", "button"))
# How far above a link the repeated item may sit (li > div > h2 > a is 3).
MAX_ITEM_DEPTH = 5
# Heights at which same-shaped sibling blocks are merged into one list (see _groups).
MERGE_LEVELS = 2
# Median title length (characters) at which a group counts fully: nav labels are 2-6 long.
TITLE_FULL = 12
# Groups scored in full (dates read) after the rough ranking.
TOP_GROUPS = 6
# Article-like URLs carry an id or a date: five digits or more in the path or query.
ARTICLE_URL_HINT_RE = re.compile(r"\d{5,}|\d{4}[-/_]\d{1,2}[-/_]\d{1,2}|/\d{4}/\d{1,2}/")
# Text that marks an article page: meta line labels followed by a colon, and neighbour links.
META_LABEL_RES = (
    re.compile(rf"(?:{P.alternatives(P.SOURCE_LABELS)})\s*[:：]"),
    re.compile(rf"(?:{P.alternatives(P.DATE_LABELS)})\s*[:：]\s*\d"),
    re.compile(rf"(?:{P.alternatives(P.AUTHOR_LABELS + P.EDITOR_LABELS + ('审核', '校对'))})\s*[:：]"),
    # A read count or the font-size widget (字号：大 中 小) only article pages carry.
    re.compile(rf"(?:{P.alternatives((*P.READ_LABELS, '字号'))})\s*[:：]"),
)
NEIGHBOUR_RE = re.compile(P.alternatives(P.PREV_LABELS + P.NEXT_LABELS))
# <meta> names CMS templates put only on article pages (TRS, Hanweb, Xinhua-style, Open Graph).
ARTICLE_META_NAMES = frozenset(
    ("articletitle", "pubdate", "publishdate", "contentsource", "contentid", "article:published_time")
)
HEADLINE_MIN_LETTERS = 8
# Weights of the page-kind decision (see page_kind).
BODY_UNIT = 250  # letters of prose worth one point
LIST_UNIT = 8  # list items worth one point
MIN_SCORE = 1.0  # below this on both sides the page is "other"

# --- dates ------------------------------------------------------------------------------------
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
FULL_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
SHORT_DATE_RE = re.compile(r"(?<![\d/.\-:])(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})日?(?![\d/.\-:])")
URL_DATE_RES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-?(0[1-9]|1[0-2])/"),
)

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_LETTER_RE = re.compile(r"[\W\d_]+")
_TOKEN_SPLIT_RE = re.compile(r"[\s_\-]+")
# An element of a link that holds only a date: "[2024-04-18]", "(2024-04-18 10:20)".
_DATE_ONLY_MAX = 24
_DATE_BRACKETS_RE = re.compile(r"[\s\[\]【】()（）:：\d]+")
_TRUNCATED_RE = re.compile(r"(?:\.{2,}|…+|。。+)$")
# A jpage datastore, with the <script type="text/xml"> that usually wraps it.
_DATASTORE_BLOCK_RE = re.compile(r"(?:<script\b[^>]*>\s*)?(?P<store><datastore\b.*?</datastore>)(?:\s*</script>)?", re.I | re.S)
RECORDS_CLASS = "jpage-records"


# --- the parsed page --------------------------------------------------------------------------
@dataclass
class _Page:
    """One parse of a page, with what both page_kind and extract_listing read from it."""

    root: lxml.html.HtmlElement
    url: str | None
    base: str | None
    scripts: str
    store: Datastore | None
    text: str  # the decoded source, for script and datastore patterns
    records: list[lxml.html.HtmlElement] = field(default_factory=list)
    # results both entry points need (main list, further pages), computed once per parse
    memo: dict[str, object] = field(default_factory=dict)


def _load_page(html: bytes | str, url: str | None) -> _Page | None:
    """Decode and parse, or None for an empty page (an undecodable one raises)."""
    if not html or (isinstance(html, str) and not html.strip()):
        return None
    return _parse(html, url)


@lru_cache(maxsize=8)
def _parse(html: bytes | str, url: str | None) -> _Page | None:
    text = decode_html(html)
    store = read_datastore(text)
    markup = _unwrap_datastores(text, store)
    markup = _CONTROL_RE.sub("", _XML_DECL_RE.sub("", markup, count=1))
    if not markup.strip():
        return None
    try:
        # huge_tree: old templates leave hundreds of <font> unclosed, past libxml2's usual depth limit
        root = lxml.html.document_fromstring(markup, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None
    _fold_trailing_roots(root)
    scripts = "\n".join(s.text for s in root.iter("script") if s.text)
    etree.strip_elements(root, "script", "style", "template", etree.Comment, with_tail=False)
    base = _base_url(root, url)
    records = root.xpath(f"//*[@class='{RECORDS_CLASS}']")
    return _Page(root, url, base, scripts, store, text, records)


def _fold_trailing_roots(root: lxml.html.HtmlElement) -> None:
    """Move content after a stray ``</html>`` (parsed as a second root) into the body."""
    body = root.find("body")
    target = body if body is not None else root
    for sibling in list(root.itersiblings()):
        if not isinstance(sibling.tag, str):
            continue
        for part in list(sibling):
            nodes = list(part) if part.tag in ("head", "body") else [part]
            for node in nodes:
                target.append(node)


def _unwrap_datastores(text: str, store: Datastore | None) -> str:
    """Replace each jpage ``<datastore>`` with its records as markup, so one parse reads them."""
    if store is None:
        return text
    if store.is_response:
        return f"<html><body>{_records_block(store.records)}</body></html>"

    def unwrap(match: re.Match[str]) -> str:
        inner = read_datastore(match.group("store"))
        return _records_block(inner.records if inner else [])

    return _DATASTORE_BLOCK_RE.sub(unwrap, text)


def _records_block(records: list[str]) -> str:
    html = "".join(records)
    tag = "table" if re.match(r"\s*<(?:tr|tbody)\b", html, re.I) else "div"
    return f'<{tag} class="{RECORDS_CLASS}">{html}</{tag}>'


def _base_url(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The page's ``<base href>`` (resolved against its URL), else the URL itself."""
    for el in root.iter("base"):
        href = resolve(el.get("href"), url)
        if href:
            return href
    return url


# --- links and repeated items -----------------------------------------------------------------
@dataclass
class _Link:
    el: lxml.html.HtmlElement
    url: str
    title: str


_Entries = list[tuple[lxml.html.HtmlElement, list[_Link]]]  # (item element, its links)


@dataclass
class _Group:
    """Sibling items of one shape under one container (or a run of same-shaped containers)."""

    container: lxml.html.HtmlElement
    items: dict[lxml.html.HtmlElement, tuple[lxml.html.HtmlElement, list[_Link]]] = field(default_factory=dict)
    rough: float = 0.0
    score: float = 0.0
    quality: float = 0.0
    date_share: float = 0.0


def _anchor_title(a: lxml.html.HtmlElement) -> str:
    """A link's title: its text, or its ``title`` attribute when the text is cut short or empty."""
    text = squash(a.text_content())
    attr = squash(a.get("title"))
    if attr and (not text or _TRUNCATED_RE.search(text) or (len(attr) > len(text) and attr.startswith(text))):
        return attr
    if text:
        return text
    img = a.find(".//img")
    return squash(img.get("alt")) if img is not None else ""


def _links(scope: Iterable[lxml.html.HtmlElement], base: str | None, pattern: re.Pattern[str] | None) -> list[_Link]:
    """Every link with a title and a fetchable URL (matching the article pattern, if one is pinned)."""
    found = []
    for top in scope:
        for a in top.iter("a"):
            url = resolve(a.get("href"), base)
            if url is None or (pattern is not None and not pattern.search(url)):
                continue
            title = _anchor_title(a)
            if title:
                found.append(_Link(a, url, title))
    return found


def _signature(el: lxml.html.HtmlElement) -> str:
    return f"{el.tag}.{' '.join(sorted((el.get('class') or '').split()))}"


def _groups(links: list[_Link]) -> list[_Group]:
    """Group links by the repeated item that holds them, at every depth up to MAX_ITEM_DEPTH.

    An item is keyed by an ancestor of its container and the shapes in between, at
    MERGE_LEVELS heights, so a list the template splits into several blocks
    (``div.cnt > ul > li`` repeated) still counts as one list.
    """
    groups: dict[tuple[object, ...], _Group] = {}
    for link in links:
        el = link.el
        for _ in range(MAX_ITEM_DEPTH):
            parent = el.getparent()
            if parent is None or parent.tag in ("html", "head"):
                break
            for key in _item_keys(el, parent):
                group = groups.get(key)
                if group is None:
                    group = groups[key] = _Group(parent)
                entry = group.items.get(el)
                if entry is None:
                    group.items[el] = (el, [link])
                elif entry[1][-1] is not link:
                    entry[1].append(link)
            if parent.tag == "body":
                break
            el = parent
    return [g for g in groups.values() if len(g.items) >= 2]


def _item_keys(item: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> list[tuple[object, ...]]:
    """Keys of an item at each merge height: (ancestor, shapes from it down to the item)."""
    keys: list[tuple[object, ...]] = []
    shapes: tuple[str, ...] = (item.tag,)
    anchor = container
    for _ in range(MERGE_LEVELS):
        shapes = (_signature(anchor), *shapes)
        upper = anchor.getparent()
        if upper is None or anchor.tag == "body":
            break
        keys.append((upper, *shapes))
        anchor = upper
    return keys or [(container, item.tag)]


def _main_link(links: list[_Link]) -> _Link:
    """The item's article link: the one with the longest title (not its category tag)."""
    return max(links, key=lambda link: len(link.title))


class _Hints:
    """Whether an element sits in navigation, a footer or a sidebar (memoised per element)."""

    def __init__(self) -> None:
        self._memo: dict[lxml.html.HtmlElement, bool] = {}

    def negative(self, el: lxml.html.HtmlElement | None) -> bool:
        path: list[lxml.html.HtmlElement] = []
        answer = False
        while el is not None and el.tag not in ("body", "html"):
            if el in self._memo:
                answer = self._memo[el]
                break
            if self._own(el):
                answer = True
                path.append(el)
                break
            path.append(el)
            el = el.getparent()
        for seen in path:  # a negative ancestor makes every element below it negative
            self._memo[seen] = answer
        return answer

    @staticmethod
    def _own(el: lxml.html.HtmlElement) -> bool:
        if el.tag in NEGATIVE_TAGS:
            return True
        words = f"{el.get('class') or ''} {el.get('id') or ''}"
        return any(NEGATIVE_TOKEN_RE.match(token) for token in _TOKEN_SPLIT_RE.split(words) if token)


def _rough_score(group: _Group, hints: _Hints) -> float:
    """Many items, titles of article length, article-like URLs, few links each, outside the chrome."""
    entries = list(group.items.values())
    count = n = len(entries)
    if all(el.tag == "a" for el, _ in entries):
        # bare links as items: when they sit in several blocks, the blocks are the real items
        blocks = len({el.getparent() for el, _ in entries})
        n = blocks if blocks > 1 else n
    mains = [_main_link(links) for _, links in entries]
    lengths = sorted(len(m.title) for m in mains)
    group.quality = min(lengths[count // 2], TITLE_FULL) / TITLE_FULL
    per_item = sum(len({link.url for link in links}) for _, links in entries) / count
    article_like = sum(1 for m in mains if ARTICLE_URL_HINT_RE.search(m.url)) / count
    penalty = 0.2 if hints.negative(group.container) else 1.0
    group.rough = n * group.quality * (0.6 + 0.4 * article_like) * penalty / max(1.0, per_item / 3)
    return group.rough


def _best_group(links: list[_Link]) -> _Group | None:
    """The main list: the best-scoring group once the dates beside its items are counted."""
    hints = _Hints()
    ranked = sorted(_groups(links), key=lambda g: _rough_score(g, hints), reverse=True)[:TOP_GROUPS]
    best = None
    for group in ranked:
        dated = sum(1 for el, links_ in group.items.values() if _item_date(el, _main_link(links_))[0] is not None)
        group.date_share = dated / len(group.items)
        group.score = group.rough * (1 + 0.5 * group.date_share)
        if best is None or group.score > best.score:
            best = group
    return best


# --- dates ------------------------------------------------------------------------------------
_RawDate = tuple[int | None, int, int]  # (year or None, month, day)


def _find_date(text: str) -> tuple[_RawDate, str] | None:
    """The first date in a text, full (2024-04-18, 2024年4月18日) or short ([04-18], 4月18日)."""
    text = text.translate(_FULLWIDTH)
    match = FULL_DATE_RE.search(text)
    if match and _valid(int(match.group(1)), int(match.group(2)), int(match.group(3))):
        return (int(match.group(1)), int(match.group(2)), int(match.group(3))), match.group(0)
    match = SHORT_DATE_RE.search(text)
    if match and _valid(2000, int(match.group(1)), int(match.group(2))):
        return (None, int(match.group(1)), int(match.group(2))), match.group(0)
    return None


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _item_date(item: lxml.html.HtmlElement, main: _Link) -> tuple[_RawDate | None, str | None]:
    """The date shown beside an item's link, and the date text if it sat inside the link.

    Inside the link only an element holding nothing but a date counts (``<a><span>title</span>
    <i>2024-04-18</i></a>``): a date in the wording of a headline is not the listing date.
    """
    link_text = main.el.text_content()
    outside = (item.tail or "") if item is main.el else item.text_content().replace(link_text, " ", 1)
    sibling = item.getnext()
    if sibling is not None and sibling.tag != item.tag and sibling.find(".//a") is None and sibling.tag != "a":
        outside += " " + sibling.text_content()  # <dt>link</dt><dd>date</dd>, <a>link</a><span>date</span>
    found = _find_date(outside)
    if found:
        return found[0], None
    for child in main.el.iterdescendants():
        text = squash(child.text_content()) if isinstance(child.tag, str) else ""
        found = _find_date(text) if text and len(text) <= _DATE_ONLY_MAX else None
        if found and _DATE_BRACKETS_RE.sub("", text.replace(found[1], "")) == "":
            return found[0], text
    return None, None


def _year_from_url(url: str, month: int, day: int) -> int | None:
    """The year of a short date, when the article URL carries the same month (t20240418_...)."""
    for pattern in URL_DATE_RES:
        for match in pattern.finditer(url):
            if int(match.group(2)) == month:
                return int(match.group(1))
    return None


def _complete_years(raw: list[_RawDate | None], urls: list[str]) -> list[str | None]:
    """ISO dates; a short date takes its year from its URL, else from dated neighbours that agree."""
    years: list[int | None] = []
    for value, url in zip(raw, urls, strict=True):
        if value is None:
            years.append(None)
        else:
            years.append(value[0] if value[0] is not None else _year_from_url(url, value[1], value[2]))
    for i, value in enumerate(raw):
        if value is not None and years[i] is None:
            years[i] = _year_between(raw, years, i)
    return [
        f"{y:04d}-{v[1]:02d}-{v[2]:02d}" if v is not None and y is not None and _valid(y, v[1], v[2]) else None
        for v, y in zip(raw, years, strict=True)
    ]


def _year_between(raw: list[_RawDate | None], years: list[int | None], i: int) -> int | None:
    """The year of the nearest dated items before and after, if both agree and bracket the date."""
    before = next(((years[j], raw[j]) for j in range(i - 1, -1, -1) if years[j] is not None and raw[j]), None)
    after = next(((years[j], raw[j]) for j in range(i + 1, len(raw)) if years[j] is not None and raw[j]), None)
    if before is None or after is None or before[0] != after[0]:
        return None
    here, first, second = raw[i], before[1], after[1]
    if here is None or first is None or second is None:
        return None
    low, high = sorted((first[1:], second[1:]))
    return before[0] if low <= here[1:] <= high else None


# --- items ------------------------------------------------------------------------------------
def _items_of(entries: _Entries) -> list[ListItem]:
    """One ListItem per repeated item: its main link, its title, the date beside it."""
    picked: list[tuple[_Link, str, _RawDate | None]] = []
    seen: set[str] = set()
    for el, links in entries:
        main = _main_link(links)
        if main.url in seen:
            continue
        seen.add(main.url)
        raw, inside = _item_date(el, main)
        title = main.title
        if inside and inside in title and title.replace(inside, "").strip():
            title = squash(title.replace(inside, " ").strip(" -–—|()（）[]【】"))
        picked.append((main, title, raw))
    dates = _complete_years([raw for _, _, raw in picked], [m.url for m, _, _ in picked])
    return [ListItem(m.url, title or None, iso) for (m, title, _), iso in zip(picked, dates, strict=True)]


def _select(root: lxml.html.HtmlElement, selector: str) -> list[object]:
    """Elements (or strings) a CSS or XPath selector names; XPath when it starts like one."""
    try:
        return select(root, selector)
    except (ValueError, etree.XPathError) as error:
        raise ValueError(f"bad selector {selector!r}: {error}") from error


def _selected_entries(page: _Page, selector: str, pattern: re.Pattern[str] | None) -> _Entries:
    """Items named by a pinned selector; each keeps the links inside it (or is one)."""
    entries = []
    for el in _select(page.root, selector):
        if isinstance(el, lxml.html.HtmlElement):
            links = _links([el], page.base, pattern)
            if links:
                entries.append((el, links))
    return entries


def _auto_entries(page: _Page, pattern: re.Pattern[str] | None) -> tuple[_Group | None, _Entries]:
    """The main list's items (memoised for the unpinned case page_kind also asks for)."""
    if pattern is not None:
        return _find_entries(page, pattern)
    if "entries" not in page.memo:
        page.memo["entries"] = _find_entries(page, None)
    return page.memo["entries"]  # type: ignore[return-value]


def _pager_link(link: _Link, pager: set[str]) -> bool:
    """A link of the pager: to one of the list's pages, by a page number or a word like
    首页/下一页 (an article's title is longer; ``1.html`` may be an article)."""
    return len(link.title) <= _PAGER_TEXT and canonical_url(link.url) in pager


_PAGER_TEXT = 4  # characters: 1, 12, 首页, 上一页, 尾页, 下一页


def _find_entries(page: _Page, pattern: re.Pattern[str] | None) -> tuple[_Group | None, _Entries]:
    """The main list's items, looked for in jpage records first when the page has them."""
    scopes: list[list[lxml.html.HtmlElement]] = [page.records, [page.root]] if page.records else [[page.root]]
    crumbs = breadcrumb_container(page.root)
    paging = _paging(page, None)
    # The pager's pages (and this page) are the way along, never list items.
    pager = {canonical_url(p.url) for p in (*paging.pages, paging.next_page) if p is not None and p.method == "GET"}
    if page.url:
        pager.add(canonical_url(page.url))
    for scope in scopes:
        links = _links(scope, page.base, pattern)
        # The breadcrumb's links are the way up, never list items.
        links = [link for link in links if not (crumbs is not None and is_inside(link.el, crumbs)) and not _pager_link(link, pager)]
        group = _best_group(links)
        if group is not None:
            return group, list(group.items.values())
        if scope is page.records and links:
            return None, [(link.el, [link]) for link in links]
        headlines = [link for link in links if len(link.title) >= _LONE_ITEM_TITLE]
        if len(headlines) == 1:  # a list page with one article left (its last page)
            return None, [(headlines[0].el, headlines)]
    return None, []


_LONE_ITEM_TITLE = 8  # characters: a headline, not a menu word


# --- pagination -------------------------------------------------------------------------------
def _paging(page: _Page, next_selector: str | None, total_records: int | None = None) -> Paging:
    """Every way the page announces further pages (memoised when no selector is pinned)."""
    if next_selector or total_records is not None:
        return _find_paging(page, next_selector, total_records)
    if "paging" not in page.memo:
        page.memo["paging"] = _find_paging(page, None)
    return page.memo["paging"]  # type: ignore[return-value]


def _find_paging(page: _Page, next_selector: str | None, total_records: int | None = None) -> Paging:
    """Every way the page announces further pages, the first next page found winning."""
    paging = Paging()
    if next_selector:
        urls = []
        for value in _select(page.root, next_selector):
            urls.append(value.get("href") if isinstance(value, lxml.html.HtmlElement) else str(value))
        paging.add(selector_paging([u for u in urls if u], page.base, page.url))
    if page.store is not None and page.store.is_response:
        paging.add(datastore_paging(page.store, page.scripts, None, page.base, page.url, total_records))
        paging.add(response_page_paging(page.text, page.url))
        return paging
    paging.add(link_paging(page.root, page.base, page.url))
    paging.add(script_paging(page.scripts, page.base, page.url))
    if page.store is not None:
        host = page.records[0].getparent() if page.records else None
        host_id = host.get("id") if host is not None else None
        paging.add(datastore_paging(page.store, page.scripts, host_id, page.base, page.url))
    return paging


# --- page kind --------------------------------------------------------------------------------
def _letters(text: str) -> int:
    """Letters only (CJK included): dates, numbers and punctuation are not prose."""
    return len(_NOT_LETTER_RE.sub("", text))


def _body_length(root: lxml.html.HtmlElement) -> float:
    """The prose of the densest block: letters outside links, credited to the paragraph's parent.

    A block's text includes its inline children (span, font...), so ``<p><span>text</span></p>``
    counts as one paragraph; a grandparent gets half, for bodies that wrap each paragraph.
    """
    in_link = {d for a in root.iter("a") for d in a.iter()}
    hints = _Hints()
    own: dict[lxml.html.HtmlElement, int] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS or el in in_link:
            continue
        count = _letters(el.text or "") + sum(_letters(child.tail or "") for child in el)
        if not count:
            continue
        block = el
        while block.tag in INLINE_TAGS and block.getparent() is not None:
            block = block.getparent()
        own[block] = own.get(block, 0) + count
    scores: dict[lxml.html.HtmlElement, float] = {}
    for block, count in own.items():
        if count < 8 or hints.negative(block):
            continue
        parent = block.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + count
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + count / 2
    return max(scores.values(), default=0.0)


def _has_article_meta(root: lxml.html.HtmlElement) -> bool:
    """A ``<meta>`` that article templates carry (ArticleTitle, PubDate, og:type=article...)."""
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in ARTICLE_META_NAMES or (name == "og:type" and (meta.get("content") or "").lower() == "article"):
            return True
    return False


def _has_headline(root: lxml.html.HtmlElement) -> bool:
    """An ``<h1>`` worded like a headline, outside the site header (where the logo sits)."""
    hints = _Hints()
    return any(_letters(h.text_content()) >= HEADLINE_MIN_LETTERS and not hints.negative(h) for h in root.iter("h1"))


def _kind(page: _Page) -> str:
    """Weigh list evidence against article evidence; "other" when neither is substantial.

    list:    repeated items (one point per LIST_UNIT, at most 3, scaled by title length),
             dates beside them and a pager (0.8 each, less for lists of under five items);
    article: prose (one point per BODY_UNIT letters, at most 3), meta-line labels (0.4 each,
             at most 2), 上一篇/下一篇 links (0.8), article ``<meta>`` tags (0.6) and a
             headline ``<h1>`` (0.4).
    A home page of many link blocks usually comes out "list", which is what a crawler wants.
    """
    if page.store is not None and page.store.is_response:
        return "list"  # a dataproxy answer is nothing but list records
    group, _ = _auto_entries(page, None)
    list_score = 0.0
    if group is not None:
        n = len(group.items)
        list_score = min(n / LIST_UNIT, 3.0) * group.quality + 0.8 * group.date_share * min(1.0, n / 5)
    next_page, pages = finish(_paging(page, None), page.url)
    if (next_page is not None or pages) and group is not None:
        list_score += 0.8 * min(1.0, len(group.items) / 5)  # a multi-page article has a pager too
    text = page.root.text_content()
    article_score = min(_body_length(page.root) / BODY_UNIT, 3.0)
    article_score += 0.4 * min(sum(1 for r in META_LABEL_RES if r.search(text)), 2)
    article_score += 0.8 if NEIGHBOUR_RE.search(text) else 0.0
    article_score += 0.6 if _has_article_meta(page.root) else 0.0
    article_score += 0.4 if _has_headline(page.root) else 0.0
    if max(list_score, article_score) < MIN_SCORE:
        return "other"
    return "article" if article_score >= list_score else "list"


# --- public API -------------------------------------------------------------------------------
def page_kind(html: bytes | str, url: str | None = None) -> str:
    """``"list"``, ``"article"`` or ``"other"``, judged from the page's structure alone.

    Empty, near-empty and undecodable pages are "other"; so is a page with neither a list nor
    prose. A portal home page made of many link blocks usually comes out "list" (its links
    are what a crawler wants from it); a Hanweb dataproxy answer is "list".
    """
    try:
        page = _load_page(html, url)
    except ExtractionError:
        return "other"
    return "other" if page is None else _kind(page)


def extract_listing(
    html: bytes | str,
    url: str | None = None,
    *,
    item_selector: str | None = None,
    next_selector: str | None = None,
    article_url_pattern: str | None = None,
    total_records: int | None = None,
) -> Listing:
    """The article links of a list page's main list, in page order, and its further pages.

    ``item_selector`` (CSS, or XPath when it starts with ``/``, ``./`` or ``(``) pins the
    repeated items; ``next_selector`` pins the next-page link (an element with ``href`` or an
    attribute value); ``article_url_pattern`` (a regex searched in the absolute URL) keeps only
    links that are articles; ``total_records`` is the record count an earlier page of the walk
    announced (``Listing.total_records``), for data-proxy answers that do not repeat it.
    Raises ExtractionError for bytes no charset reads.
    """
    page = _load_page(html, url)
    if page is None:
        return Listing(url=url)
    pattern = re.compile(article_url_pattern) if article_url_pattern else None
    if item_selector:
        entries = _selected_entries(page, item_selector, pattern)
    else:
        entries = _auto_entries(page, pattern)[1]
    next_page, pages = finish(_paging(page, next_selector, total_records), url)
    total = page.store.total if page.store is not None and page.store.total is not None else total_records
    return Listing(url=url, items=_items_of(entries), next_page=next_page, pages=pages, total_records=total)
