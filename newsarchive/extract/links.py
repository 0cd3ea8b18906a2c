"""Links around and inside the article: breadcrumb, 上一条/下一条, images, attachments."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html

from newsarchive.extract import patterns as P
from newsarchive.extract.dom import hints, squash
from newsarchive.extract.model import Attachment, Image

_BAD_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#", "vbscript:")
_ICON_RE = re.compile(r"logo|icon|qrcode|erweima|ewm|share|weixin|weibo|wx_|btn|button|arrow|spacer|blank|pixel|loading|ad[_-]|banner|next_?page|pre_?page|prev_?page|fanye|arrow", re.I)


_PROMO_CAPTION_RE = re.compile(r"二维码|公众号|扫码|扫一扫|关注我们|客户端下载")


def page_base(root: lxml.html.HtmlElement, url: str | None, meta: dict[str, str]) -> str | None:
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
        joined = urljoin(base, href)
        scheme = urlsplit(joined).scheme
        return joined if scheme in ("http", "https") else None
    return href


def breadcrumb(root: lxml.html.HtmlElement) -> list[str]:
    """The section path (当前位置: 首页>>资讯>>正文) as a list, without a trailing 正文."""
    container = _breadcrumb_container(root)
    if container is None:
        return []
    link_texts = [t for t in (squash(a.text_content()) for a in container.iter("a")) if t]
    text = P.BREADCRUMB_INTRO_RE.sub("", squash(container.text_content()))
    if not _CRUMB_SEPARATOR_RE.search(text) and len(link_texts) >= 2:
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


def _breadcrumb_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The innermost short element introduced by 当前位置, named like a breadcrumb, or
    made of links joined by > separators; the first such element of the page wins."""
    body = root.find(".//body")
    scope = body if body is not None else root
    best: tuple[int, int, lxml.html.HtmlElement] | None = None
    for order, el in enumerate(scope.iter("div", "p", "span", "td", "nav", "ul", "ol", "li", "section", "header", "em", "strong", "font")):
        text = squash(el.text_content())
        if not (2 <= len(text) <= 160) or el.find(".//a") is None:
            continue
        score = 0
        if P.BREADCRUMB_INTRO_RE.match(text):
            score += 3
        if P.BREADCRUMB_CLASS_RE.search(hints(el)):
            score += 2
        separators = len(_CRUMB_SEPARATOR_RE.findall(text))
        if separators and separators >= len(list(el.iter("a"))) - 1:
            score += 2
        if score < 2 or (_CRUMB_SEPARATOR_RE.search(text) is None and not P.BREADCRUMB_INTRO_RE.match(text)):
            continue
        if best is not None and is_inside(el, best[2]) and score >= best[0] - 1:
            best = (max(score, best[0]), best[1], el)
        elif best is None or score > best[0]:
            best = (score, order, el)
    if best is None:
        return None
    container = best[2]
    # "当前位置：<a>首页</a>" alone in its <li>: the crumbs are the parent's links.
    for _ in range(2):
        parent = container.getparent()
        if len(list(container.iter("a"))) >= 2 or parent is None or len(squash(parent.text_content())) > 160:
            break
        container = parent
    return container


def is_inside(el: lxml.html.HtmlElement, ancestor: lxml.html.HtmlElement) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def neighbours(root: lxml.html.HtmlElement, base: str | None) -> tuple[str | None, str | None]:
    """The hrefs of 上一条/下一条 (or 上一篇/下一篇), None at the ends of a chain."""
    return _neighbour(root, P.PREV_LABELS, base), _neighbour(root, P.NEXT_LABELS, base)


def _neighbour(root: lxml.html.HtmlElement, labels: tuple[str, ...], base: str | None) -> str | None:
    alternatives = "|".join(labels)
    inside = re.compile(rf"^\s*[【\[<(（]?\s*(?:{alternatives})\s*[】\]>)）]?\s*[:：]?")
    before = re.compile(rf"(?:{alternatives})\s*[】\]>)）]?\s*[:：]?\s*$")
    for a in root.iter("a"):
        text = squash(a.text_content())
        match = inside.match(text)
        if match:
            rest = text[match.end() :]
            if P.NO_NEIGHBOUR_RE.search(rest) and len(rest) <= 8:
                return None
            return resolve(a.get("href"), base)
        previous = a.getprevious()
        if previous is not None:
            lead = squash(previous.text_content() + (previous.tail or ""))
        else:
            parent = a.getparent()
            lead = squash(parent.text or "") if parent is not None else ""
        if lead and before.search(lead[-12:]):
            if P.NO_NEIGHBOUR_RE.search(text) and len(text) <= 8:
                return None
            return resolve(a.get("href"), base)
    return None


def images(body: lxml.html.HtmlElement, base: str | None) -> list[Image]:
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


def _in_ad(img: lxml.html.HtmlElement, stop: lxml.html.HtmlElement) -> bool:
    node = img.getparent()
    while node is not None and node is not stop:
        if P.AD_HINT_RE.search(hints(node)):
            return True
        node = node.getparent()
    return False


_CAPTION_HINT_RE = re.compile(r"caption|desc|pic_?txt|pictext|img_?txt|imgtext|note|zhu|tushuo|explain", re.I)


def _caption_block(img: lxml.html.HtmlElement) -> str | None:
    """A caption printed as the image's own short paragraph or the one right after it."""
    block = img.getparent()
    while block is not None and block.tag not in ("p", "div", "td", "figure", "center"):
        block = block.getparent()
    if block is None:
        return None
    own = squash(block.text_content())
    if 2 <= len(own) <= 150 and len(block.findall(".//img")) == 1:
        return own
    if own:
        return None
    following = block.getnext()
    if following is None or following.find(".//img") is not None:
        return None
    text = squash(following.text_content())
    style = (following.get("style") or "") + (following.get("align") or "")
    if 2 <= len(text) <= 150 and (re.search(r"center", style, re.I) or _CAPTION_HINT_RE.search(hints(following))):
        return text
    return None


def _caption(img: lxml.html.HtmlElement) -> str | None:
    alt = squash(img.get("alt") or img.get("title") or "")
    figure = img.getparent()
    while figure is not None and figure.tag not in ("figure", "p", "div", "td"):
        figure = figure.getparent()
    if figure is not None:
        caption = figure.find(".//figcaption")
        if caption is not None and squash(caption.text_content()):
            return squash(caption.text_content())
    block_caption = _caption_block(img)
    if block_caption:
        return block_caption
    if alt and not re.fullmatch(r"[\w\-. ]+\.(?:jpe?g|png|gif|bmp|webp)|image|图片|img", alt, re.I):
        return alt
    return alt or None


def attachments(scope: lxml.html.HtmlElement, base: str | None) -> list[Attachment]:
    """Linked files (pdf, doc(x), xls(x), wps, ofd, zip, rar…) with their link text."""
    found: list[Attachment] = []
    seen: set[str] = set()
    for a in scope.iter("a"):
        href = a.get("href") or ""
        if not P.ATTACHMENT_RE.search(href.split("?")[0] + ("?" if "?" in href else "")) and not P.ATTACHMENT_RE.search(href):
            continue
        url = resolve(href, base)
        if not url or url in seen:
            continue
        seen.add(url)
        found.append(Attachment(url, squash(a.text_content()) or url.rsplit("/", 1)[-1]))
    return found
