"""The headline as displayed: the visible heading that best agrees with the page's
``<title>`` and title ``<meta>`` tags, never the ``<title>`` with the site name."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from newsarchive.extract import patterns as P
from newsarchive.extract.dom import hints, squash

_TITLE_SPLIT_RE = re.compile(r"\s*(?:[_|｜]|--|-\s|\s-|—{1,2}|－|::|·\s)\s*")
_HEADINGS = ("h1", "h2", "h3", "h4")
_TAG_WEIGHT = {"h1": 3.0, "h2": 2.0, "h3": 1.2, "h4": 1.0}
_MAX_TITLE = 160


@dataclass
class TitleGuess:
    text: str
    element: lxml.html.HtmlElement | None


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0\"'“”‘’《》:：,，.。!！?？、·|｜_\-—－]+", "", text)


def heading_text(el: lxml.html.HtmlElement) -> str:
    """Text of a heading; a headline broken over lines by ``<br>`` is joined."""
    parts: list[str] = []
    for piece in el.itertext():
        parts.append(piece)
    text = squash(" ".join(p.strip() for p in parts if p.strip()))
    # CJK on both sides of a space that came from a line break: no space in print.
    return re.sub(r"(?<=[\u4e00-\u9fff“”，。：；！？（）])\s(?=[\u4e00-\u9fff“”（）])", "", text) if _has_br(el) else text


def _has_br(el: lxml.html.HtmlElement) -> bool:
    return el.find(".//br") is not None


def title_tag_parts(root: lxml.html.HtmlElement) -> list[str]:
    """The pieces of ``<title>`` split at the separators sites put before their names."""
    node = root.find(".//title")
    text = squash(node.text_content()) if node is not None else ""
    if not text:
        return []
    return [p for p in _TITLE_SPLIT_RE.split(text) if p]


def _similarity(candidate: str, reference: str) -> float:
    """Share of the candidate's characters found, in order, in the reference (0..1)."""
    a, b = _norm(candidate), _norm(reference)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(len(a), len(b)) * 0.5 + 0.5
    common = sum(1 for ch in set(a) if ch in b)
    return common / max(len(set(a)), 1) * 0.6


def find_title(root: lxml.html.HtmlElement, meta: dict[str, str]) -> TitleGuess | None:
    """Score visible headline candidates against ``<title>`` and title meta tags."""
    title_tag = " ".join(title_tag_parts(root))
    meta_title = meta.get("articletitle") or meta.get("og:title") or meta.get("title") or meta.get("twitter:title") or ""
    references = [r for r in (meta_title, title_tag) if r]
    best: tuple[float, TitleGuess] | None = None
    seen: set[int] = set()
    for order, el in enumerate(_candidates(root)):
        if id(el) in seen:
            continue
        seen.add(id(el))
        text = heading_text(el)
        if not (2 <= len(text) <= _MAX_TITLE) or el.find(".//" + "p") is not None and len(text) > 80:
            continue
        score = _TAG_WEIGHT.get(el.tag, 0.0)
        if P.TITLE_HINT_RE.search(hints(el)) and not P.SUBTITLE_HINT_RE.search(hints(el)):
            score += 1.5
        if P.SUBTITLE_HINT_RE.search(hints(el)):
            score -= 1.5
        if P.NEGATIVE_HINT_RE.search(hints(el)) or _inside_negative(el):
            score -= 2.5
        if references:
            score += 5 * max(_similarity(text, r) for r in references)
        if el.tag == "a" or el.find("a") is not None and len(el.findall(".//a")) > 1:
            score -= 1.5
        if P.LABEL_RE.search(text) or len(text) < 5:
            score -= 2
        score -= order * 0.002
        if best is None or score > best[0]:
            best = (score, TitleGuess(text, el))
    if best and best[0] >= 3.5:
        return best[1]
    fallback = meta_title or (max(title_tag_parts(root), key=len) if title_tag else "")
    return TitleGuess(squash(fallback), None) if fallback else None


def _candidates(root: lxml.html.HtmlElement):
    body = root.find(".//body")
    scope = body if body is not None else root
    for el in scope.iter(*_HEADINGS):
        yield el
    for el in scope.iter("div", "p", "td", "span", "strong", "b", "font", "section", "header"):
        h = hints(el)
        if h.strip() and P.TITLE_HINT_RE.search(h) and len(el) <= 6:
            yield el


def _inside_negative(el: lxml.html.HtmlElement) -> bool:
    node = el.getparent()
    depth = 0
    while node is not None and depth < 6:
        h = hints(node)
        if h.strip() and re.search(r"footer|nav|menu|sidebar|related|xgxw|recommend|hot|rank|list|links", h, re.I) and not re.search(
            r"content|article|detail|main", h, re.I
        ):
            return True
        node = node.getparent()
        depth += 1
    return False


def find_subtitle(title: TitleGuess | None) -> str | None:
    """A deck printed right above or below the headline, marked as a sub/lead title."""
    if title is None or title.element is None:
        return None
    el = title.element
    for sibling in (el.getprevious(), el.getnext()):
        if sibling is None or not isinstance(sibling.tag, str):
            continue
        text = heading_text(sibling)
        if not (4 <= len(text) <= 80) or P.LABEL_RE.search(text):
            continue
        if P.SUBTITLE_HINT_RE.search(hints(sibling)) or sibling.tag in _HEADINGS and sibling.tag != el.tag:
            if _norm(text) != _norm(title.text) and not re.search(r"\d{4}[-年/]", text):
                return text
    return None
