"""The further pages of a section (list) page, in every shape Chinese portals write them.

Three families, tried together because a page may carry more than one:

- links in the markup: ``下一页`` / ``下页`` / ``>`` / ``尾页`` and numbered pages, whatever the
  URL scheme (``list_3_2.html``, ``index_2.html``, ``?page=2``, ``index.php?...&page=2``);
- TRS WCM pages whose pager is written by script, so the HTML holds no page links:
  ``createPageHTML(12, 0, "index", "html")`` (0-based, page k is ``index_k.html``),
  ``createPageHTML('page_div', 12, 1, 'list', 'shtml', 230)`` (1-based, page n >= 2 is
  ``list_n.shtml``), and ``var countPage = 12`` / ``var currentPage = 0`` with its
  ``document.write`` of ``"index" + "_" + nextPage + "." + "html"``;
- Hanweb / 大汉 JCMS ``jpage`` lists, whose further records come from a POST to
  ``dataproxy.jsp?startrecord=16&endrecord=30&perpage=15`` carrying the column's form fields.

Everything here works on text and an already parsed tree; nothing fetches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

from newsarchive.extract.model import PageRequest

# --- label tables -----------------------------------------------------------------------------
# Words are compared after removing spaces, brackets and arrows, lower-cased.
NEXT_WORDS = frozenset(("下一页", "下页", "下一頁", "后一页", "后页", "下一版", "next", "nextpage", "下一页面"))
PREV_WORDS = frozenset(("上一页", "上页", "上一頁", "前一页", "前页", "上一版", "prev", "previous", "prevpage", "previouspage"))
FIRST_WORDS = frozenset(("首页", "第一页", "首頁", "first", "firstpage"))
LAST_WORDS = frozenset(("尾页", "末页", "最后一页", "最末页", "最后页", "尾頁", "last", "lastpage", "end"))
# Bare symbols: taken as page labels only inside a pager (a breadcrumb or "more" link uses them too).
# A single arrow is "next"; a double one is "next" on some sites and "last" on others.
NEXT_SYMBOLS = frozenset((">", "›", "＞", "〉", "→"))
NEXT_FAR_SYMBOLS = frozenset(("»", ">>", "＞＞", "》"))
PREV_SYMBOLS = frozenset(("<", "‹", "＜", "〈", "«", "<<", "＜＜", "《", "←"))
LAST_SYMBOLS = frozenset((">|", ">>|", "»|", "→|"))
FIRST_SYMBOLS = frozenset(("|<", "|<<", "|«", "|←"))
_LABEL_NOISE_RE = re.compile(r"[\s\[\]【】()（）<>«»‹›＜＞〈〉|:：.…·•]+")
_NUMBER_LABEL_RE = re.compile(r"^[\[【(（]?\s*第?\s*(\d{1,4})\s*页?\s*[\]】)）]?$")
# class/id words marking a pager block, and the current page inside it.
PAGER_HINT_RE = re.compile(r"page|pager|paging|pagination|pagelist|fenye|fanye|pg_|pagebar|pagenav", re.I)
CURRENT_HINT_RE = re.compile(r"\b(?:on|cur|current|active|selected|sel|thisclass|now|hover|checked|z_page_now)\b", re.I)
# Leaf elements whose number is not a page (a jumper's options, "15 条/页").
_NOT_PAGE_MARKS = frozenset(("script", "style", "option", "input", "select", "textarea"))
_COUNT_UNIT_RE = re.compile(r"^\s*[条页项篇个/]")
# How far up from a label link a pager block may reach, and how many links it may hold.
_PAGER_DEPTH = 3
_PAGER_MAX_LINKS = 60

# URL schemes and shapes that are never a fetchable page.
_BAD_HREF_RE = re.compile(r"^\s*(?:javascript:|mailto:|tel:|sms:|data:|about:|vbscript:|ftp:|file:|#)", re.I)
_SAME_PAGE_TAIL_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)

# Pages announced at most from one page: a script or a record count may claim millions; the
# pages beyond are still reached through each page's next page.
MAX_ANNOUNCED = 1000

# --- TRS WCM script pagers --------------------------------------------------------------------
_QUOTED = r"""(?P<q{n}>['"])(?P<{name}>[^'"]*)(?P=q{n})"""
CREATE_PAGE_RE = re.compile(
    r"createPageHTML\s*\(\s*(?:" + _QUOTED.format(n=1, name="div") + r"\s*,\s*)?"
    r"['\"]?(?P<a>\d+)['\"]?\s*,\s*['\"]?(?P<b>\d+)['\"]?\s*,\s*"
    + _QUOTED.format(n=2, name="name") + r"\s*,\s*" + _QUOTED.format(n=3, name="ext"),
    re.I,
)
COUNT_PAGE_RE = re.compile(r"\b(?:var\s+)?countPage\s*=\s*['\"]?(\d+)", re.I)
CURRENT_PAGE_RE = re.compile(r"\b(?:var\s+)?currentPage\s*=\s*['\"]?(\d+)", re.I)
# After joining "a" + "b" literals: index_" + nextPage + ".html
_WRITTEN_PAGE_RE = re.compile(
    r"""(?P<name>[\w.\-]+)_['"]\s*\+\s*\(?\s*(?:nextPage|prevPage|i|currentPage\s*[+-]\s*1)\s*\)?\s*\+\s*['"]\.(?P<ext>[A-Za-z]{2,5})\b"""
)
_JOIN_LITERALS_RE = re.compile(r"""(['"])\s*\+\s*\1""")

# --- Hanweb / 大汉 JCMS jpage -------------------------------------------------------------------
DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
HANWEB_FORM_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype")
HANWEB_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
_WINDOW_PARAMS = ("startrecord", "endrecord", "perpage")
TOTAL_RECORD_RES = (
    re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I),
    re.compile(r"\btotalRecord\s*[:=]\s*['\"]?(\d+)", re.I),
)
PER_PAGE_RES = (
    re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I),
    re.compile(r"<perpage>\s*(\d+)\s*</perpage>", re.I),
)
TOTAL_PAGE_RE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
PROXY_URL_RE = re.compile(r"\bproxyUrl\s*:\s*['\"]([^'\"]+)['\"]", re.I)
# Object literals naming the column: ajaxParam:{...} or var param_123={columnid:...}.
_PARAM_OBJECT_RE = re.compile(r"\{([^{}]*\bcolumnid\s*:[^{}]*)\}", re.I)
_PARAM_PAIR_RE = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,\s}]+))""")
_NEXTGROUP_HREF_RE = re.compile(r"<nextgroup\b[^>]*>.*?href\s*=\s*['\"]([^'\"]+)['\"]", re.I | re.S)
_PERCENT_RE = re.compile(r"%[0-9A-Fa-f]{2}")


# --- URLs -------------------------------------------------------------------------------------
def resolve(href: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL for a link, or None for script, mail, fragment and other schemes.

    Without a base a relative link is kept as written: there is nothing to resolve it against.
    """
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or _BAD_HREF_RE.match(href):
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:  # a malformed link, e.g. "http://[::1"
        return None
    scheme = parts.scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return None
    if base and not (scheme and parts.netloc):
        return None  # a broken <base> or href ("http:", "//") resolves to no page
    return url


def _split(url: str) -> SplitResult | None:
    """urlsplit, or None for a malformed URL (a page's own links can be anything)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def page_key(url: str) -> str:
    """A URL reduced to what tells pages apart: no fragment, ``/index.html`` same as ``/``."""
    parts = _split(url)
    if parts is None:
        return url
    path = parts.path or "/"
    if not parts.query:
        path = _SAME_PAGE_TAIL_RE.sub("/", path)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def same_page(a: str | None, b: str | None) -> bool:
    """Whether two URLs name the same page (used to drop links back to the current page)."""
    return a is not None and b is not None and page_key(a) == page_key(b)


def squash(text: str | None) -> str:
    """Collapse white space, including U+3000 and no-break spaces, and strip."""
    return " ".join((text or "").replace("\u3000", " ").replace("\xa0", " ").split())


# --- result -----------------------------------------------------------------------------------
@dataclass
class Paging:
    """The page after this one and every other page announced, in the order found."""

    next_page: PageRequest | None = None
    pages: list[PageRequest] = field(default_factory=list)

    def add(self, other: Paging) -> None:
        """Merge another finding: the first next page found wins, pages accumulate."""
        if self.next_page is None:
            self.next_page = other.next_page
        self.pages = self.pages + other.pages


def finish(paging: Paging, current: str | None) -> tuple[PageRequest | None, list[PageRequest]]:
    """Drop the current page and duplicates; make sure the next page is among the pages."""
    next_page = paging.next_page
    if next_page is not None and next_page.method == "GET" and same_page(next_page.url, current):
        next_page = None
    candidates = list(paging.pages)
    if next_page is not None and next_page not in candidates:
        candidates.insert(0, next_page)
    pages: list[PageRequest] = []
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    for request in candidates:
        if request.method == "GET" and same_page(request.url, current):
            continue
        key = (page_key(request.url), request.method, tuple(sorted((request.data or {}).items())))
        if key not in seen:
            seen.add(key)
            pages.append(request)
    return next_page, pages


# --- links in the markup ----------------------------------------------------------------------
def label_kind(text: str) -> str | None:
    """Which pager label a link text is: next, prev, first, last, a page number, or None.

    A trailing ``?`` marks a bare symbol, trusted only inside a pager; ``next??`` is a double
    arrow, which some sites use for the last page.

    >>> [label_kind(t) for t in ("下一页", "[尾页]", "3", "第 4 页", ">", "»", "新闻")]
    ['next', 'last', 'num', 'num', 'next?', 'next??', None]
    """
    raw = squash(text)
    if not raw or len(raw) > 12:
        return None
    if _NUMBER_LABEL_RE.match(raw):
        return "num"
    word = _LABEL_NOISE_RE.sub("", raw).lower()
    for kind, words in (("next", NEXT_WORDS), ("prev", PREV_WORDS), ("first", FIRST_WORDS), ("last", LAST_WORDS)):
        if word in words:
            return kind
    compact = raw.replace(" ", "")
    for kind, symbols in (
        ("last?", LAST_SYMBOLS),
        ("first?", FIRST_SYMBOLS),
        ("next?", NEXT_SYMBOLS),
        ("next??", NEXT_FAR_SYMBOLS),
        ("prev?", PREV_SYMBOLS),
    ):
        if compact in symbols:
            return kind
    return None


def _link_text(a: lxml_html.HtmlElement) -> str:
    """The label of a pager link: its text, else its title, else an image's alt text."""
    text = squash(a.text_content())
    if text:
        return text
    title = squash(a.get("title"))
    if title:
        return title
    img = a.find(".//img")
    return squash(img.get("alt")) if img is not None else ""


def _number(text: str) -> int | None:
    match = _NUMBER_LABEL_RE.match(squash(text))
    return int(match.group(1)) if match else None


def _hints(el: lxml_html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _pager_roots(root: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The blocks that hold a pager: around an unambiguous label link, or named like one."""
    found: list[lxml_html.HtmlElement] = []
    for a in root.iter("a"):
        kind = label_kind(_link_text(a))
        if kind in ("next", "prev", "last") or (kind == "first" and _has_label_sibling(a)):
            found.append(_climb(a))
    for el in root.iter("div", "ul", "p", "td", "span", "nav", "section", "table", "center", "form"):
        if PAGER_HINT_RE.search(_hints(el)) and _looks_like_pager(el):
            found.append(el)
    return _outermost(found)


def _has_label_sibling(a: lxml_html.HtmlElement) -> bool:
    """A ``首页`` link is a pager label only with page numbers or other labels beside it."""
    parent = _climb(a)
    for other in parent.iter("a"):
        if other is not a and label_kind(_link_text(other)) in ("num", "next", "prev", "last", "next?", "prev?"):
            return True
    return False


def _climb(a: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The pager block around a label link: a few levels up, while it stays link-poor."""
    block = a.getparent() if a.getparent() is not None else a
    for _ in range(_PAGER_DEPTH - 1):
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "html") or _count_links(parent) > _PAGER_MAX_LINKS:
            break
        if _count_links(parent) > _count_links(block) + 2 and not PAGER_HINT_RE.search(_hints(parent)):
            break
        block = parent
    return block


def _count_links(el: lxml_html.HtmlElement) -> int:
    return sum(1 for _ in el.iter("a"))


def _looks_like_pager(el: lxml_html.HtmlElement) -> bool:
    """A block named like a pager that holds page numbers or labels, and not much else."""
    links = list(el.iter("a"))
    if not links or len(links) > _PAGER_MAX_LINKS:
        return False
    kinds = [label_kind(_link_text(a)) for a in links]
    return sum(1 for k in kinds if k) >= max(2, len(links) // 2)


def _outermost(blocks: Iterable[lxml_html.HtmlElement]) -> list[lxml_html.HtmlElement]:
    """Distinct blocks, dropping any nested inside another, in document order."""
    unique = list(dict.fromkeys(blocks))
    members = set(unique)
    kept = []
    for block in unique:
        if not any(anc in members for anc in block.iterancestors()):
            kept.append(block)
    return kept


def link_paging(root: lxml_html.HtmlElement, base: str | None, current: str | None) -> Paging:
    """Further pages from pager links: labels, numbered pages, ``rel=next``."""
    links: list[tuple[str, int | None, str]] = []  # (kind, number, url)
    current_numbers: list[tuple[bool, int]] = []  # (marked as current, number)
    for block in _pager_roots(root):
        _read_pager(block, base, current, links, current_numbers)
    current_no = _current_number(current_numbers)
    pages = [PageRequest(url) for _, _, url in links]
    next_url = _pick_next(links, current_no) or _rel_next(root, base, current)
    return Paging(PageRequest(next_url) if next_url else None, pages)


def _read_pager(
    block: lxml_html.HtmlElement,
    base: str | None,
    current: str | None,
    links: list[tuple[str, int | None, str]],
    current_numbers: list[tuple[bool, int]],
) -> None:
    """Collect a pager block's links and the marks of its current page."""
    for el in block.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "a":
            text = _link_text(el)
            kind = label_kind(text)
            if kind is None:
                continue
            url = resolve(el.get("href"), base)
            number = _number(text) if kind == "num" else None
            if url is None or same_page(url, current):
                if number is not None:
                    current_numbers.append((bool(CURRENT_HINT_RE.search(_hints(el))), number))
                continue
            links.append((kind, number, url))
        elif len(el) == 0 and el.tag not in _NOT_PAGE_MARKS and not _COUNT_UNIT_RE.match(el.tail or ""):
            number = _number(el.text or "")
            if number is not None:
                current_numbers.append((True, number))


def _current_number(marks: list[tuple[bool, int]]) -> int | None:
    """The current page number, when the pager shows it unambiguously."""
    marked = {n for is_marked, n in marks if is_marked}
    if len(marked) == 1:
        return marked.pop()
    unmarked = {n for _, n in marks}
    return unmarked.pop() if len(unmarked) == 1 else None


def _pick_next(links: list[tuple[str, int | None, str]], current_no: int | None) -> str | None:
    """The next page, most trusted first: a 下一页 link, a bare ``>``, the number after the
    current one (or 2 when no page 1 is linked: this is page 1), a double arrow."""
    by_kind: dict[str, str] = {}
    for kind, _, url in links:
        by_kind.setdefault(kind, url)
    numbered = {n: url for kind, n, url in links if kind == "num" and n is not None}
    if current_no is not None:
        after = numbered.get(current_no + 1)
    else:
        after = numbered.get(2) if 1 not in numbered else None
    return by_kind.get("next") or by_kind.get("next?") or after or by_kind.get("next??")


def _rel_next(root: lxml_html.HtmlElement, base: str | None, current: str | None) -> str | None:
    for el in root.iter("a", "link"):
        if "next" in (el.get("rel") or "").lower().split():
            url = resolve(el.get("href"), base)
            if url and not same_page(url, current):
                return url
    return None


def selector_paging(urls: Iterable[str], base: str | None, current: str | None) -> Paging:
    """A next page pinned by a portal definition's selector."""
    for href in urls:
        url = resolve(href, base)
        if url and not same_page(url, current):
            return Paging(PageRequest(url), [PageRequest(url)])
    return Paging()


# --- TRS WCM script pagers --------------------------------------------------------------------
def script_paging(scripts: str, base: str | None, current: str | None) -> Paging:
    """Pages a TRS WCM pager script would write: createPageHTML(...) or var countPage."""
    if not scripts:
        return Paging()
    match = CREATE_PAGE_RE.search(scripts)
    if match:
        a, b = int(match.group("a")), int(match.group("b"))
        count, cur = max(a, b), min(a, b)  # both argument orders are met
        one_based = match.group("div") is not None
        return _numbered_files(match.group("name"), match.group("ext"), count, cur, one_based, base)
    count_match = COUNT_PAGE_RE.search(scripts)
    if count_match:
        count = int(count_match.group(1))
        cur_match = CURRENT_PAGE_RE.search(scripts)
        cur = int(cur_match.group(1)) if cur_match else 0
        name_ext = _written_name(scripts) or _name_from_url(current)
        if name_ext:
            return _numbered_files(name_ext[0], name_ext[1], count, cur, False, base)
    return Paging()


def _numbered_files(name: str, ext: str, count: int, cur: int, one_based: bool, base: str | None) -> Paging:
    """All pages ``name.ext``, ``name_1.ext``... but the current one (TRS numbering)."""
    if count <= 1 or not name or not ext:
        return Paging()
    first = 1 if one_based else 0
    numbers = range(first, count + first)

    def file(n: int) -> str:
        href = f"{name}.{ext}" if n == first else f"{name}_{n}.{ext}"
        return resolve(href, base) or href

    shown = range(max(first, cur - MAX_ANNOUNCED // 2), min(count + first, cur + MAX_ANNOUNCED // 2 + 1))
    pages = [PageRequest(file(n)) for n in shown if n != cur]
    next_page = PageRequest(file(cur + 1)) if cur + 1 in numbers else None
    return Paging(next_page, pages)


def _written_name(scripts: str) -> tuple[str, str] | None:
    """The file name a countPage script writes (``"index" + "_" + nextPage + "." + "html"``)."""
    joined = _JOIN_LITERALS_RE.sub("", scripts)
    match = _WRITTEN_PAGE_RE.search(joined)
    return (match.group("name"), match.group("ext")) if match else None


def _name_from_url(url: str | None) -> tuple[str, str] | None:
    """``index`` and ``html`` from ``.../index_3.html``: the pager's names when the script hides them."""
    if not url:
        return None
    parts = _split(url)
    if parts is None:
        return None
    last = parts.path.rsplit("/", 1)[-1]
    match = re.match(r"^([\w.\-]+?)(?:_\d+)?\.([A-Za-z]{2,5})$", last)
    return (match.group(1), match.group(2)) if match else None


# --- Hanweb / 大汉 JCMS -------------------------------------------------------------------------
@dataclass
class Datastore:
    """What a ``<datastore>`` block says besides its records."""

    records: list[str]
    total: int | None
    per_page: int | None
    nextgroup: str | None
    is_response: bool  # the document is a dataproxy answer, not a column page


DATASTORE_RE = re.compile(r"<datastore\b[^>]*>(?P<body>.*?)</datastore>", re.I | re.S)
_DATASTORE_TAG_RE = re.compile(r"<datastore\b", re.I)
_HTML_TAG_RE = re.compile(r"<(?:html|body|head)\b", re.I)
RECORD_RE = re.compile(r"<record\b[^>]*>\s*(?:<!\[CDATA\[(?P<cdata>.*?)\]\]>|(?P<plain>.*?))\s*</record>", re.I | re.S)


def read_datastore(text: str) -> Datastore | None:
    """The records and counters of a jpage datastore, in a column page or a dataproxy answer."""
    if not _DATASTORE_TAG_RE.search(text):
        return None
    blocks = list(DATASTORE_RE.finditer(text))
    if not blocks:
        return None
    records: list[str] = []
    for block in blocks:
        records.extend((m.group("cdata") or m.group("plain") or "").strip() for m in RECORD_RE.finditer(block.group("body")))
    is_response = not _HTML_TAG_RE.search(text)
    nextgroup = _NEXTGROUP_HREF_RE.search(blocks[0].group("body"))
    return Datastore(
        records=[r for r in records if r],
        total=_first_int(TOTAL_RECORD_RES, text),
        per_page=_first_int(PER_PAGE_RES, text),
        nextgroup=nextgroup.group(1).replace("&amp;", "&") if nextgroup else None,
        is_response=is_response,
    )


def _first_int(patterns: Iterable[re.Pattern[str]], text: str) -> int | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def datastore_paging(
    store: Datastore, scripts: str, host_id: str | None, base: str | None, current: str | None, total: int | None = None
) -> Paging:
    """The POST windows a jpage column page would ask the data proxy for. A data proxy's
    answer does not always repeat the column's record count: ``total`` is the count its
    column page announced."""
    if store.is_response:
        return _response_paging(store, current, store.total if store.total is not None else total)
    fields = _hanweb_fields(store, scripts, host_id)
    per_page = store.per_page or len(store.records)
    if store.total is None or not per_page or "columnid" not in fields:
        return Paging()
    proxy = _proxy_url(scripts, store.nextgroup, base)
    windows = list(_windows(len(store.records) + 1, per_page, store.total))
    pages = [PageRequest(_with_window(proxy, s, e, per_page), "POST", dict(fields)) for s, e in windows]
    return Paging(pages[0] if pages else None, pages)


def _windows(start: int, per_page: int, total: int) -> Iterator[tuple[int, int]]:
    """Record windows ``start..total``, MAX_ANNOUNCED of them at most."""
    for _ in range(MAX_ANNOUNCED):
        if start > total:
            return
        yield start, min(start + per_page - 1, total)
        start += per_page


def _with_window(url: str, start: int, end: int, per_page: int) -> str:
    """The proxy URL asking for records ``start..end`` (other query parameters kept)."""
    return f"{_window_prefix(url)}startrecord={start}&endrecord={end}&perpage={per_page}"


@lru_cache(maxsize=32)
def _window_prefix(url: str) -> str:
    parts = _split(url) or urlsplit("")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _WINDOW_PARAMS], safe="/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")) + ("&" if query else "?")


def _proxy_url(scripts: str, nextgroup: str | None, base: str | None) -> str:
    """The data proxy's address: the script's proxyUrl, else the nextgroup link's path."""
    match = PROXY_URL_RE.search(scripts)
    if match:
        path = match.group(1)
    elif nextgroup and _split(nextgroup) is not None:
        path = urlsplit(nextgroup).path or DATAPROXY_PATH
    else:
        path = DATAPROXY_PATH
    path = path.split("?", 1)[0]
    return resolve(path, base) or path


def _hanweb_fields(store: Datastore, scripts: str, host_id: str | None) -> dict[str, str]:
    """The form a jpage pager posts: the script's parameter object, else the nextgroup link's
    query and the id of the block holding the datastore, with jpage's usual defaults."""
    found: dict[str, str] = {}
    parts = _split(store.nextgroup) if store.nextgroup else None
    if parts is not None:
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key in HANWEB_FORM_FIELDS:
                found.setdefault(key, _unquote_fully(value))
    for obj in _PARAM_OBJECT_RE.finditer(scripts):  # what the script posts, all of it
        for key, *values in _PARAM_PAIR_RE.findall(obj.group(1)):
            found[key] = next((v for v in values if v), "")
    if "unitid" not in found and host_id and host_id.isdigit():
        found["unitid"] = host_id
    for key, value in HANWEB_DEFAULTS.items():
        found.setdefault(key, value)
    ordered = [key for key in HANWEB_FORM_FIELDS if key in found] + [key for key in found if key not in HANWEB_FORM_FIELDS]
    return {key: found[key] for key in ordered}


def _unquote_fully(value: str) -> str:
    """Values in a nextgroup link are sometimes encoded twice (``%25E5...``)."""
    for _ in range(2):
        if not _PERCENT_RE.search(value):
            break
        value = unquote(value)
    return value


def _response_paging(store: Datastore, current: str | None, total: int | None) -> Paging:
    """Windows after this one, when a dataproxy answer is read on its own.

    A POST answer's form fields are those of the request that fetched it: the URL does not
    hold them, so the windows carry only what the URL gives (``data`` is None unless the query
    names the column), and the crawler carries its own form over.
    """
    parts = _split(current) if current else None
    if parts is None:
        return Paging()
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    lowered = {k.lower(): v for k, v in query.items()}
    if all(k in lowered and lowered[k].isdigit() for k in _WINDOW_PARAMS) and total is not None:
        end, per_page = int(lowered["endrecord"]), int(lowered["perpage"])
        if per_page <= 0:
            return Paging()
        fields = {k: v for k, v in query.items() if k.lower() not in _WINDOW_PARAMS}
        data = fields if "columnid" in fields else None
        base_url = urlunsplit(parts._replace(query="", fragment=""))
        pages = [PageRequest(_with_window(base_url, s, e, per_page), "POST", data) for s, e in _windows(end + 1, per_page, total)]
        return Paging(pages[0] if pages else None, pages)
    return Paging()


def response_page_paging(text: str, current: str | None) -> Paging:
    """GET-style answers (``dataproxy.jsp?page=2&...``) that state ``<totalpage>``."""
    total = TOTAL_PAGE_RE.search(text)
    parts = _split(current) if current else None
    if parts is None or not total:
        return Paging()
    query = parse_qsl(parts.query, keep_blank_values=True)
    page = next((int(v) for k, v in query if k == "page" and v.isdigit()), None)
    if page is None:
        return Paging()

    def url_for(n: int) -> str:
        q = [(k, str(n) if k == "page" else v) for k, v in query]
        return urlunsplit(parts._replace(query=urlencode(q, safe="/"), fragment=""))

    last = min(int(total.group(1)), page + MAX_ANNOUNCED)
    pages = [PageRequest(url_for(n)) for n in range(page + 1, last + 1)]
    return Paging(pages[0] if pages else None, pages)
