"""The headline as displayed: the visible heading that best agrees with the page's
``<title>`` and title ``<meta>`` tags, never the ``<title>`` with the site name."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from newsarchive.extract import patterns as P
from newsarchive.extract.dom import Element, drop_tree, hints, iter_lines, squash, text_content

_TITLE_SPLIT_RE = re.compile(r"\s*(?:[_|｜]|--|-\s|\s-|—{1,2}|－|::|·\s)\s*")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TAG_WEIGHT = {"h1": 3.0, "h2": 2.0, "h3": 1.2, "h4": 1.0, "h5": 0.8, "h6": 0.6}
# How many elements before the first paragraph a headline is usually printed.
_NEAR_BODY = 80
_MAX_TITLE = 160
# A <title> whose first part is this short names a section (the rest: the site), not an article;
# then a heading near the body needs only this score to be taken as the headline.
_GENERIC_PART = 6
_SHOWN_OVER_GENERIC = 2.0


@dataclass
class TitleGuess:
    text: str
    element: Element | None


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0\"'“”‘’《》:：,，.。!！?？、·|｜_\-—－]+", "", text)


# Inside a heading: a button, or a box the template names as a player or a button
# (``article-audio``, ``tts-btn``, ``voice-player``).
_CONTROL_HINT_RE = re.compile(r"audio|player|voice|tts|listen|speech|(?:^|[\s_-])btn|button", re.I)


def _control_boxes(el: Element) -> list[Element]:
    return [
        child for child in el.iterdescendants()
        if isinstance(child.tag, str) and (child.tag == "button" or _CONTROL_HINT_RE.search(hints(child)))
    ]  # fmt: skip


def heading_text(el: Element) -> str:
    """Text of a heading; a headline broken over lines by ``<br>`` is joined, and a meta
    line some templates print inside the heading (after a ``<br>``) is left out, and so is
    a player's button beside the headline ("播报文章" with its ``<audio>``)."""
    if _control_boxes(el):
        el = copy.deepcopy(el)  # the page keeps them; only the headline's text leaves them out
        for box in _control_boxes(el):
            drop_tree(box)
    if el.find(".//br") is None:
        return squash(text_content(el))
    lines = [line for line, _ in iter_lines(el)]
    kept: list[str] = []
    for line in lines:
        if kept and (P.LABEL_RE.search(line) or re.search(r"(?:19|20)\d{2}\s*[-/年.]", line)):
            break
        kept.append(line)
    return join_lines(kept)


def join_lines(lines: list[str]) -> str:
    """One headline from the lines it is printed on: CJK on both sides of a line break
    takes no space, as in print.

    >>> join_lines(["全国人民代表大会常务委员会", "关于批准2007年决议"])
    '全国人民代表大会常务委员会关于批准2007年决议'
    """
    joined = " ".join(lines)
    return re.sub(r"(?<=[\u4e00-\u9fff“”，。：；！？（）\d])\s(?=[\u4e00-\u9fff“”（）])", "", joined)


def headline_in_lines(lines: list[tuple[str, Element]], reference: str) -> TitleGuess | None:
    """The headline as printed at the top of the body when the page has no heading for
    it (a bold centred first paragraph, often broken over lines): the first lines
    that together spell the ``<title>`` headline, with the block that holds them."""
    wanted = _norm(reference)
    if len(wanted) < 5:
        return None
    texts = [text for text, _ in lines[:6]]
    for start in range(min(2, len(texts))):
        for end in range(start + 1, min(start + 5, len(texts)) + 1):
            joined = _norm("".join(texts[start:end]))
            if joined == wanted:
                return TitleGuess(join_lines(texts[start:end]), lines[start][1])
            if not wanted.startswith(joined):
                break
    return None


_SHOWN_AS = etree.XPath("//body//*[translate(normalize-space(.), ' ', '') = $text]")


def shown_headline(root: Element, text: str) -> TitleGuess | None:
    """The element that shows the ``<title>`` headline when no heading or title-named
    element does (a bold cell of a layout table): the innermost one holding exactly it."""
    compact = re.sub(r"\s+", "", text)
    if len(compact) < 5:
        return None
    found = _SHOWN_AS(root, text=compact)
    if not found:
        return None
    shown = found[0]
    for el in found[1:]:
        if shown in el.iterancestors():
            shown = el  # the bold inside the cell, not a later copy elsewhere
    return TitleGuess(text, shown)


def title_tag_parts(root: Element) -> list[str]:
    """The pieces of ``<title>`` split at the separators sites put before their names."""
    node = root.find(".//title")
    text = squash(text_content(node)) if node is not None else ""
    if not text:
        return []
    parts = [p for p in _TITLE_SPLIT_RE.split(text) if p]
    # "标题-中国科普网": a bare hyphen before a short site name.
    head, _, tail = parts[0].rpartition("-")
    if head and 2 <= len(tail) <= 16 and _SITE_NAME_RE.search(tail):
        parts[0:1] = [head, tail]
    return parts


_SITE_NAME_RE = re.compile(r"(?:网|站|门户|政府|中心|日报|晚报|报|电视台|频道|官网|平台|在线)$")


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


def find_title(
    root: Element,
    meta: dict[str, str],
    body_start: Element | None = None,
) -> TitleGuess | None:
    """Score visible headline candidates against ``<title>`` and title meta tags, and by
    how close before the article's first paragraph they stand."""
    order_of = {el: i for i, el in enumerate(root.iter())} if body_start is not None else {}
    start_at = order_of.get(body_start, -1)
    parts = title_tag_parts(root)
    title_tag = " ".join(parts)
    meta_title = meta.get("articletitle") or meta.get("og:title") or meta.get("title") or meta.get("twitter:title") or ""
    references = [r for r in (meta_title, *parts) if r and len(r) >= 4]
    site_names = {_norm(p) for p in parts[1:]} if len(parts) > 1 else set()
    best: tuple[float, TitleGuess] | None = None
    seen: set[Element] = set()  # elements, not ids: lxml reuses proxy ids
    for order, el in enumerate(_candidates(root)):
        if el in seen:
            continue
        seen.add(el)
        text = heading_text(el)
        if not (2 <= len(text) <= _MAX_TITLE) or (el.find(".//" + "p") is not None and len(text) > 80):
            continue
        if _TRAIL_RE.match(text) or P.BREADCRUMB_INTRO_RE.match(text):
            continue  # a breadcrumb set as a heading ("首页 - 新闻动态")
        score = _TAG_WEIGHT.get(el.tag, 0.0)
        if P.TITLE_HINT_RE.search(hints(el)) and not P.SUBTITLE_HINT_RE.search(hints(el)):
            score += 1.5
        elif el.getparent() is not None and P.TITLE_HINT_RE.search(hints(el.getparent())):
            score += 1.0
        if P.SUBTITLE_HINT_RE.search(hints(el)):
            score -= 1.5
        if P.NEGATIVE_HINT_RE.search(hints(el)) or _inside_negative(el):
            score -= 2.5
        if references:
            score += 5 * max(_similarity(text, r) for r in references)
        if site_names and any(name and name in _norm(text) and name != _norm(text) for name in site_names):
            score -= 3
        elif site_names and any(name and _norm(text) in name for name in site_names):
            score -= 3  # the site's own name (a logo line), or a part of it
        if el.tag == "a" or (el.find("a") is not None and len(el.findall(".//a")) > 1):
            score -= 1.5
        if P.LABEL_RE.search(text) or len(text) < 5:
            score -= 2
        score -= order * 0.002
        if start_at >= 0:
            distance = start_at - order_of.get(el, start_at)
            if 0 < distance <= _NEAR_BODY:
                score += 2.0 * (1 - distance / _NEAR_BODY)
            elif distance < -5:
                score -= 1.0
        if best is None or score > best[0]:
            best = (score, TitleGuess(text, el))
    if best and best[0] >= 3.2:
        return best[1]
    generic = not meta_title and bool(parts) and len(parts[0]) <= _GENERIC_PART
    if best and generic and best[0] >= _SHOWN_OVER_GENERIC:
        # The <title> names only the site and the section ("首页 - 新闻动态"): a heading
        # printed just above the body is the headline.
        return best[1]
    fallback = squash(meta_title or (max(title_tag_parts(root), key=len) if title_tag else ""))
    # A <title> left open by a broken page swallows the document: not a headline.
    if not fallback or len(fallback) > _MAX_TITLE or _MARKUP_RE.search(fallback):
        return None
    return TitleGuess(fallback, None)


_TRAIL_RE = re.compile(r"^(?:网站)?(?:首页|主页)\s*[-—>»/|＞→]")
_MARKUP_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>|<<|>>")


_TITLE_BOXES = frozenset(("div", "p", "td", "span", "strong", "b", "font", "section", "header"))
# class and id values, read as strings: only those naming a title lead to an element.
_HINT_VALUES = etree.XPath("//body//@class | //body//@id")


def _candidates(root: Element) -> Iterator[Element]:
    """Headings, then elements whose class or id names a title (and, for a title box
    holding the headline and the meta line, its first children)."""
    body = root.find(".//body")
    yield from (body if body is not None else root).iter(*_HEADINGS)
    for value in _HINT_VALUES(root):
        el = value.getparent()
        if el.tag not in _TITLE_BOXES or len(el) > 6 or not P.TITLE_HINT_RE.search(value):
            continue
        yield el
        for child in el[:2]:
            if isinstance(child.tag, str) and child.tag in ("div", "p", "span", "strong", "b", "font", "a"):
                yield child


def _inside_negative(el: Element) -> bool:
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
    """The deck printed right above (引题) and below (副题) the headline, marked as a
    sub/lead title or set as a smaller heading; both, one per line, when both are there."""
    if title is None or title.element is None:
        return None
    el = title.element
    found: list[str] = []
    for sibling in _deck_candidates(el):
        text = heading_text(sibling)
        if not (4 <= len(text) <= 80) or P.LABEL_RE.search(text):
            continue
        marked = (
            P.SUBTITLE_HINT_RE.search(hints(sibling))
            or (sibling.tag in _HEADINGS and sibling.tag != el.tag)
            or _DECK_DASH_RE.match(text)  # "——石桥镇推进消防安全工作侧记": a 副题 by its dash
        )
        if marked and _norm(text) != _norm(title.text) and not re.search(r"\d{4}[-年/]", text) and text not in found:
            found.append(text)
    return "\n".join(found) or None


_DECK_DASH_RE = re.compile(r"^[—―-]{1,2}\s*\S")


def _deck_candidates(el: Element) -> list[Element]:
    """The headline's neighbours, and its title box's neighbours when the headline sits
    in a small box with the meta line (``<div class=tit><h1/><div class=info/></div>``)."""
    candidates = [el.getprevious(), el.getnext()]
    box = el.getparent()
    if box is not None and len(box) <= 4 and box.tag not in ("body", "html"):
        candidates += [box.getprevious(), box.getnext()]
    return [c for c in candidates if c is not None and isinstance(c.tag, str)]
