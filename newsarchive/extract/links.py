"""Links around and inside the article: breadcrumb, 上一条/下一条, images, attachments."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsarchive.extract import patterns as P
from newsarchive.extract.dom import Element, hints, squash, text_content
from newsarchive.extract.model import Attachment, Image

_BAD_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#", "vbscript:")
_ICON_RE = re.compile(r"logo|icon|qrcode|erweima|ewm|share|weixin|weibo|wx_|btn|button|arrow|spacer|blank|pixel|loading|ad[_-]|banner|next_?page|pre_?page|prev_?page|fanye|arrow", re.I)


_PROMO_CAPTION_RE = re.compile(r"二维码|公众号|扫码|扫一扫|关注我们|客户端下载")


def page_base(root: Element, url: str | None, meta: dict[str, str]) -> str | None:
    """The URL relative links resolve against: ``<base>``, then the given URL, then the page's own claims."""
    base = root.find(".//base[@href]")
    if base is not None and _is_http(base.get("href", "")):
        return base.get("href") if url is None else urljoin(url, base.get("href"))
    if url:
        return url
    for link in root.iterfind(".//link[@rel]"):
        if "canonical" in (link.get("rel") or "").lower() and _is_http(link.get("href", "")):
            return link.get("href")
    for key in ("og:url", "url"):
        if _is_http(meta.get(key, "")):
            return meta[key]
    return None


def _is_http(href: str) -> bool:
    return href.strip().lower().startswith(("http://", "https://"))


def resolve(href: str | None, base: str | None) -> str | None:
    """An absolute HTTP(S) URL for an href, or None for scripts, anchors and empties."""
    if href is None:
        return None
    href = squash(href)
    if not href or href.lower().startswith(_BAD_SCHEMES):
        return None
    if base:
        try:
            joined = urljoin(base, href)
            parts = urlsplit(joined)
        except ValueError:  # a malformed link, e.g. "http://[::1"
            return None
        return joined if parts.scheme in ("http", "https") and parts.netloc else None
    return href


def breadcrumb(root: Element) -> list[str]:
    """The section path (当前位置: 首页>>资讯>>正文) as a list, without a trailing 正文."""
    container = breadcrumb_container(root)
    if container is None:
        return []
    link_texts = [t for t in (squash(text_content(a)) for a in container.iter("a")) if t]
    text = P.BREADCRUMB_INTRO_RE.sub("", squash(text_content(container)))
    if not _CRUMB_SEPARATOR_RE.search(text) and link_texts:
        text = " > ".join(link_texts)  # crumbs drawn by CSS, not by separators in the text
    parts: list[str] = []
    for part in _CRUMB_SPLIT_RE.split(text):
        part = P.BREADCRUMB_INTRO_RE.sub("", squash(part))
        if not part:
            continue
        if part not in link_texts:
            # Furniture after the last crumb ("武汉 搜索 网站地图"): keep the crumb only.
            prefix = next((t for t in link_texts if part.startswith(t + " ")), None)
            part = prefix or part
        parts.append(part)
    while parts and parts[-1] in P.BREADCRUMB_TAIL:
        parts.pop()
    return [p for p in parts if len(p) <= 30][:10]


_CRUMB_SPLIT_RE = re.compile(r"\s*(?:>>|»|›|＞＞|>|＞|→|/|\\|－|—)\s*")
_CRUMB_SEPARATOR_RE = re.compile(r"(?:>>|»|›|＞|>|→)")


def breadcrumb_container(root: Element) -> Element | None:
    """The innermost short element introduced by 当前位置, named like a breadcrumb, or
    made of links joined by > separators; the first such element of the page wins."""
    best: tuple[int, int, Element] | None = None
    for order, el in enumerate(_CRUMB_CANDIDATES(root)):
        text = squash(text_content(el))
        if not (2 <= len(text) <= 160):
            continue
        score = 0
        introduced = bool(P.BREADCRUMB_INTRO_RE.match(text))
        if introduced:
            score += 3
        named = bool(P.BREADCRUMB_CLASS_RE.search(hints(el)))
        if named:
            score += 2
        separators = len(_CRUMB_SEPARATOR_RE.findall(text))
        if separators and separators >= len(list(el.iter("a"))) - 1:
            score += 2
        if score < 2 or not (separators or introduced or (named and _only_links(el, text))):
            continue
        if best is not None and is_inside(el, best[2]) and score >= best[0] - 1:
            best = (max(score, best[0]), best[1], el)
        elif best is None or score > best[0]:
            best = (score, order, el)
    if best is None:
        return None
    container = best[2]
    # "当前位置：<a>首页</a>" alone in its <li>: the crumbs are the parent's links. A
    # container whose own text already holds a separator has its crumbs ("首页 > <span>
    # 图片新闻</span>"): its parent would add the page's heading to them.
    for _ in range(2):
        parent = container.getparent()
        if len(list(container.iter("a"))) >= 2 or parent is None or len(squash(text_content(parent))) > 160:
            break
        inner = P.BREADCRUMB_INTRO_RE.sub("", squash(text_content(container))).lstrip(">»›＞→ ")
        if _CRUMB_SEPARATOR_RE.search(inner):  # a separator between two crumbs of its own
            break
        container = parent
    return container


_CRUMB_TAGS = ("div", "p", "span", "td", "nav", "ul", "ol", "li", "section", "header", "em", "strong", "font", "h2", "h3", "h4", "h5", "h6")
# Short elements holding a link, found by libxml2 in one pass (the length test in XPath
# keeps the Python loop to a few dozen elements).
_CRUMB_CANDIDATES = etree.XPath(
    "//body//*[" + " or ".join(f"self::{tag}" for tag in _CRUMB_TAGS) + "][.//a][string-length(normalize-space(.)) <= 200]"
)


def _only_links(el: Element, text: str) -> bool:
    """A crumb trail drawn by CSS: nothing but its links and a closing 正文."""
    rest = text
    for a in el.iter("a"):
        rest = rest.replace(squash(text_content(a)), "", 1)
    rest = squash(rest)
    return not rest or rest in P.BREADCRUMB_TAIL


def is_inside(el: Element, ancestor: Element) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def neighbours(root: Element, base: str | None) -> tuple[str | None, str | None]:
    """The hrefs of 上一条/下一条 (or 上一篇/下一篇), None at the ends of a chain."""
    texts = _NEIGHBOUR_TEXTS(root)
    return _neighbour(texts, P.PREV_LABELS, base), _neighbour(texts, P.NEXT_LABELS, base)


# Text nodes that may hold a neighbour label, found by libxml2 by their first characters.
_NEIGHBOUR_TEXTS = etree.XPath(
    "//body//text()[" + " or ".join(f"contains(., '{ch}')" for ch in sorted({label[0] for label in P.PREV_LABELS + P.NEXT_LABELS})) + "]"
)


def _neighbour(texts: list[str], labels: tuple[str, ...], base: str | None) -> str | None:
    alternatives = "|".join(labels)
    inside = re.compile(rf"^\s*[【\[<(（]?\s*(?:{alternatives})\s*[】\]>)）]?\s*[:：]?")
    before = re.compile(rf"(?:{alternatives})\s*[】\]>)）]?\s*[:：]?\s*$")
    for a in _label_anchors(texts, labels):
        text = squash(text_content(a))
        match = inside.match(text)
        if match:
            rest = text[match.end() :]
            if rest and P.NO_NEIGHBOUR_RE.search(rest) and len(rest) <= 8:
                return None
            return resolve(a.get("href"), base)
        previous = a.getprevious()
        if previous is not None:
            lead = squash(text_content(previous) + (previous.tail or ""))
        else:
            parent = a.getparent()
            lead = squash(parent.text or "") if parent is not None else ""
        if lead and before.search(lead[-12:]):
            if P.NO_NEIGHBOUR_RE.search(text) and len(text) <= 8:
                return None
            return resolve(a.get("href"), base)
    return None


def _label_anchors(texts: list[str], labels: tuple[str, ...]) -> list[Element]:
    """Links holding a label or printed right after one, in page order: found from the
    few text nodes that hold a label, not by reading every link of the page."""
    label_re = re.compile("|".join(labels))
    found: list[Element] = []
    for text in texts:
        owner = text.getparent()  # type: ignore[attr-defined]
        if owner is None or not label_re.search(text):
            continue
        if text.is_tail:  # type: ignore[attr-defined]
            nearby = owner.xpath("ancestor::a | following::a[1]")
        else:
            nearby = owner.xpath("ancestor-or-self::a | descendant::a[1] | following::a[1]")
        found.extend(a for a in nearby if a not in found)
    return found


def images(body: Element, base: str | None) -> list[Image]:
    """Pictures of the article with their captions (``alt`` or a caption line below)."""
    found: list[Image] = []
    seen: set[str] = set()
    for img in body.iter("img"):
        src = img.get("src") or img.get("data-src") or img.get("oldsrc") or img.get("data-original")
        url = resolve(src, base)
        if not url or url in seen or _ICON_RE.search(url) or _ICON_RE.search(hints(img)):
            continue
        if _in_ad(img, body):
            continue
        width = img.get("width", "")
        if width.isdigit() and int(width) < 40:
            continue
        caption = _caption(img)
        if caption and _PROMO_CAPTION_RE.search(caption):
            continue
        seen.add(url)
        found.append(Image(url, caption))
    return found


def _in_ad(img: Element, stop: Element) -> bool:
    node = img.getparent()
    while node is not None and node is not stop:
        if P.AD_HINT_RE.search(hints(node)):
            return True
        node = node.getparent()
    return False


_CAPTION_HINT_RE = re.compile(r"caption|desc|pic_?txt|pictext|img_?txt|imgtext|note|zhu|tushuo|explain", re.I)
# How a caption reads: a photo credit at its end, a pointer at its start, or the news
# photo lead "5月13日，在…" in a short line.
_CAPTION_TEXT_RE = re.compile(
    r"(?:摄|供图|图|资料图|截图|发|摄影\s*[:：]?\s*[\u4e00-\u9fff]{2,4})\s*[)）]?\s*[。.]?$|"
    r"^(?:图为|图[:：]|[上下左右]图|▲|△|↑|↓|图片[:：])"
)
_PHOTO_LEAD_RE = re.compile(r"^\d{1,2}月\d{1,2}日[，,]")
_PHOTO_LEAD_MAX = 80
_CAPTION_STYLE_RE = re.compile(r"font-size\s*:\s*(?:[5-9]|10(?:\.5)?)pt|font-size\s*:\s*1[0-3]px|楷体|kaiti|simkai", re.I)
_GENERIC_ALT_RE = re.compile(r"[\w\-. ]+\.(?:jpe?g|png|gif|bmp|webp)|image|图片|img|点击(?:查看)?(?:高清)?(?:原图|大图|图片)|查看原图", re.I)


def _caption_block(img: Element) -> str | None:
    """A caption printed as the image's own short paragraph or the one right after it."""
    block = img.getparent()
    while block is not None and block.tag not in _PICTURE_BOXES:
        block = block.getparent()
    if block is None:
        return None
    own = squash(text_content(block))
    if 2 <= len(own) <= 150 and len(block.findall(".//img")) == 1:
        return own
    if own:
        return None
    following = _block_after(block)
    if following is None or following.find(".//img") is not None:
        return None
    text = squash(text_content(following))
    if 2 <= len(text) <= 150 and _reads_as_caption(following, text):
        return text
    return None


_PICTURE_BOXES = ("p", "div", "td", "figure", "center", "section")


def _block_after(block: Element) -> Element | None:
    """The block printed after a picture's box: its next sibling, past the wrappers
    editors nest pictures in, or the cell below in a picture table."""
    node = block
    while node.getnext() is None and node.getparent() is not None and len(node.getparent()) == 1:
        node = node.getparent()
    following = node.getnext()
    if following is None and node.tag == "td":
        following = _cell_below(node)
    return following


def _cell_below(cell: Element) -> Element | None:
    """The first cell of the next row: where picture tables print the caption."""
    row = cell.getparent()
    below = row.getnext() if row is not None else None
    if below is None or below.tag != "tr":
        return None
    return next((c for c in below if c.tag in ("td", "th")), None)


def _reads_as_caption(block: Element, text: str) -> bool:
    """The paragraph under a picture is its caption when it is marked, styled or worded
    as one: a caption class, small or 楷体 type, centred plain (not bold) text, a photo
    credit (…摄, …供图), or a short news-photo lead (5月13日，在…)."""
    if _CAPTION_HINT_RE.search(hints(block)):
        return True
    if _CAPTION_TEXT_RE.search(text) or (_PHOTO_LEAD_RE.match(text) and len(text) <= _PHOTO_LEAD_MAX):
        return True
    styles = " ".join((el.get("style") or "") + " " + (el.get("face") or "") for el in block.iter())
    if _CAPTION_STYLE_RE.search(styles):
        return True
    centred = re.search(r"text-align\s*:\s*center", block.get("style") or "", re.I) or (block.get("align") or "").lower() == "center"
    bold = "".join(squash(text_content(b)) for b in block.iter("strong", "b"))
    return bool(centred) and len(bold) < len(text) / 2


def _caption(img: Element) -> str | None:
    alt = squash(img.get("alt") or img.get("title") or "")
    figure = img.getparent()
    while figure is not None and figure.tag not in _PICTURE_BOXES:
        figure = figure.getparent()
    if figure is not None:
        caption = figure.find(".//figcaption")
        if caption is not None and squash(text_content(caption)):
            return squash(text_content(caption))
    block_caption = _caption_block(img)
    if block_caption:
        return block_caption
    if alt and not _GENERIC_ALT_RE.fullmatch(alt):
        return alt
    return alt or None


def attachments(scopes: list[Element], base: str | None) -> list[Attachment]:
    """Linked files (pdf, doc(x), xls(x), wps, ofd, zip, rar…) with their link text."""
    found: list[Attachment] = []
    seen: set[str] = set()
    for a in (a for scope in scopes for a in scope.iter("a")):
        href = a.get("href") or ""
        if not P.ATTACHMENT_RE.search(href.split("?")[0] + ("?" if "?" in href else "")) and not P.ATTACHMENT_RE.search(href):
            continue
        url = resolve(href, base)
        if not url or url in seen:
            continue
        seen.add(url)
        found.append(Attachment(url, squash(text_content(a)) or url.rsplit("/", 1)[-1]))
    return found
