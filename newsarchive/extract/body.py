"""The article body: find the content container by text and punctuation density, then
read its paragraphs and drop the furniture around them.

Scoring follows the readability family: every run of text scores its block and, with
decay, the block's ancestors; punctuation counts most, since Chinese prose is dense
with ，and 。 while menus and link lists are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from newsarchive.extract import patterns as P
from newsarchive.extract.bylines import is_byline_line
from newsarchive.extract.dom import BLOCK_TAGS, CELL_TAGS, hints, iter_lines, squash

_PUNCT_RE = re.compile(r"[，。；！？、：“”,;!?]")
_INLINE_OK = frozenset(["a", "span", "font", "strong", "b", "em", "i", "u", "sup", "sub", "small", "big", "label", "abbr", "cite", "q", "s", "strike", "mark", "ins", "del"])
_DECAY = (1.0, 0.9, 0.5, 0.25)
_TABLE_PARTS = frozenset(("td", "th", "tr", "tbody", "thead", "tfoot"))


@dataclass
class Body:
    element: lxml.html.HtmlElement
    lines: list[tuple[str, lxml.html.HtmlElement]] = field(default_factory=list)


def _block_of(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    node = el
    while node is not None and node.tag in _INLINE_OK:
        node = node.getparent()
    return node if node is not None else el


def _chunk_score(text: str) -> float:
    length = len(text)
    punct = len(_PUNCT_RE.findall(text))
    if length < 12 and punct == 0:
        return 0.0
    return 1.0 + punct + min(length / 40.0, 6.0)


def score_blocks(root: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, float]:
    """Readability-style scores of every container that holds prose."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag == "a":
            continue
        pieces = [el.text or ""] if el.tag not in ("html", "head") else []
        pieces.extend(child.tail or "" for child in el if isinstance(child.tag, str) or child.tail)
        text = squash("".join(pieces))
        if not text:
            continue
        if _in_link(el):
            continue
        score = _chunk_score(text)
        if not score:
            continue
        node = _block_of(el)
        level = 0
        while node is not None and level < len(_DECAY) and node.tag != "html":
            scores[node] = scores.get(node, 0.0) + score * _DECAY[level]
            # Table structure is one unit: a cell's text counts for its table.
            if node.tag not in _TABLE_PARTS or level == 0:
                level += 1
            node = node.getparent()
    return scores


def _in_link(el: lxml.html.HtmlElement) -> bool:
    node = el
    for _ in range(3):
        node = node.getparent()
        if node is None:
            return False
        if node.tag == "a":
            return True
    return False


def link_density(el: lxml.html.HtmlElement) -> float:
    total = len(squash(el.text_content())) or 1
    linked = sum(len(squash(a.text_content())) for a in el.iter("a"))
    return min(linked / total, 1.0)


def find_body(root: lxml.html.HtmlElement, selector_el: lxml.html.HtmlElement | None = None) -> Body | None:
    """The element holding the article text, or None for a page without prose."""
    if selector_el is not None:
        return Body(selector_el)
    scores = score_blocks(root)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:12]
    best: tuple[float, lxml.html.HtmlElement] | None = None
    for el, score in ranked:
        adjusted = score * (1.0 - link_density(el)) ** 2
        h = hints(el)
        if P.CONTENT_HINT_RE.search(h):
            adjusted *= 1.25
        if P.NEGATIVE_HINT_RE.search(h) and not P.CONTENT_HINT_RE.search(h):
            adjusted *= 0.5
        if el.tag in ("body", "html"):
            adjusted *= 0.7
        if best is None or adjusted > best[0]:
            best = (adjusted, el)
    if best is None or best[0] < 4:
        return None
    return Body(_widen(best[1]))


def _widen(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A lone paragraph stands for its box: climb while the parent adds little text
    (an image, a caption), so pictures and short lines beside it are kept."""
    node = el
    length = len(squash(node.text_content()))
    for _ in range(1):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if len(squash(parent.text_content())) > length + 20 or link_density(parent) > 0.3:
            break
        node = parent
    return node


_DATE_ONLY_RE = re.compile(r"^[\[【(（\s]*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?|\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*月?[\]】)）\s]*$")


def _is_meta_line(line: str) -> bool:
    if _DATE_ONLY_RE.match(line):
        return True
    labels = P.LABEL_RE.findall(line)
    has_date = bool(re.search(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}", line))
    if len(labels) >= 2 and len(line) < 160:
        return True
    return bool(labels) and has_date and len(line) < 100


def body_lines(body: Body, subtitle: str | None) -> list[tuple[str, lxml.html.HtmlElement]]:
    """The article's paragraphs: no meta lines, widgets or trailers (the headline and
    deck, if repeated, are left for :func:`split_deck`)."""
    lines = list(iter_lines(body.element))
    norm_sub = _norm(subtitle or "")
    out: list[tuple[str, lxml.html.HtmlElement]] = []
    for line, owner in lines:
        if P.END_MARKER_RE.match(line) and out:
            break
        at_start = all(_is_deck_line(text) for text, _ in out)
        if _skip_line(line, norm_sub, at_start):
            continue
        out.append((line, owner))
    while out and _is_trailer(out[-1][0]):
        out.pop()
    return out


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def _skip_line(line: str, norm_sub: str, at_start: bool) -> bool:
    if at_start and norm_sub and _norm(line) == norm_sub:
        return True
    if at_start and _is_meta_line(line):
        return True
    if P.EDITOR_LINE_RE.match(line) and len(line) < 60:
        return True
    if P.JUNK_LINE_RE.match(line) and len(line) < 40 and not _PUNCT_RE.search(line[6:]):
        return True
    return bool(_is_widget(line))


_WIDGET_RE = re.compile(
    r"^(?:[【\[]?\s*(?:字[体号]|大|中|小|打印|关闭|收藏|分享|纠错|返回顶部|默认|放大|缩小|正常|A\+|A-|\s)+[】\]]?\s*)+$|"
    r"^(?:分享到|分享至)[:：]?|^(?:扫一扫|扫描二维码|用微信扫描)|^(?:Play Video|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2})"
)


def _is_widget(line: str) -> bool:
    return bool(_WIDGET_RE.match(line)) and len(line) < 60


def _is_trailer(line: str) -> bool:
    if (P.EDITOR_LINE_RE.match(line) and len(line) < 60) or _WIDGET_RE.match(line):
        return True
    return _is_meta_line(line) or (bool(P.JUNK_LINE_RE.match(line)) and len(line) < 40)


def body_html(element: lxml.html.HtmlElement, kept: set[int]) -> str:
    """The cleaned markup of the content: structural tags only, no attributes but src/href/alt."""
    from lxml import etree

    clone = lxml.html.fromstring(lxml.html.tostring(element, encoding="unicode"))
    for el in clone.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            if name not in ("src", "href", "alt", "title", "colspan", "rowspan"):
                del el.attrib[name]
    etree.strip_tags(clone, "font", "span", "o:p", "center")
    return lxml.html.tostring(clone, encoding="unicode", method="html").strip()


__all__ = ["BLOCK_TAGS", "CELL_TAGS", "Body", "body_html", "body_lines", "find_body"]


_DECK_MAX = 60


def split_deck(lines: list[tuple[str, lxml.html.HtmlElement]], title: str | None) -> tuple[list[str], list[tuple[str, lxml.html.HtmlElement]]]:
    """Newspaper headline blocks repeated at the top of the body: the 引题 above the
    headline and the 副题 below it are the deck; the repeated headline is dropped.

    Only when the headline itself reappears among the first lines, so a short first
    paragraph is never mistaken for a deck.
    """
    norm_title = _norm(title or "")
    if not norm_title:
        return [], lines
    for index, (line, _) in enumerate(lines[:4]):
        if _norm(line) != norm_title:
            continue
        before = [text for text, _ in lines[:index]]
        if not all(_is_deck_line(text) for text in before):
            return [], lines
        after_end = index + 1
        while (
            after_end < min(len(lines), index + 3)
            and _is_deck_line(lines[after_end][0])
            and not is_byline_line(lines[after_end][0])
            and after_end + 1 < len(lines)
        ):
            after_end += 1
        return before + [text for text, _ in lines[index + 1 : after_end]], lines[after_end:]
    for index, (line, _) in enumerate(lines[1:6], start=1):
        # A print headline block (引题/主题/副题) above the dateline: not body text.
        if P.DATELINE_RE.match(line):
            if all(_is_deck_line(text) for text, _ in lines[:index]):
                return [], lines[index:]
            break
    return [], lines


def _is_deck_line(line: str) -> bool:
    return len(line) <= _DECK_MAX and not re.search(r"[。！？；]", line) and not P.LABEL_RE.search(line)
