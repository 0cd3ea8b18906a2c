"""The article body: find the content container by text and punctuation density, then
read its paragraphs and drop the furniture around them.

Scoring follows the readability family: every run of text scores its block and, with
decay, the block's ancestors; punctuation counts most, since Chinese prose is dense
with ，and 。 while menus and link lists are not.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from newsarchive.controls import strip_controls
from newsarchive.extract import patterns as P
from newsarchive.extract.bylines import is_byline_line
from newsarchive.extract.dates import find_dates
from newsarchive.extract.dom import (
    BLOCK_TAGS,
    CELL_TAGS,
    MOST_OF_PAGE,
    Element,
    hints,
    iter_lines,
    squash,
    text_content,
    text_length,
)

_PUNCT_RE = re.compile(r"[，。；！？、：“”,;!?]")
_SENTENCE_PUNCT_RE = re.compile(r"[，。；！？、：,;!?]")
_INLINE_OK = frozenset(["a", "span", "font", "strong", "b", "em", "i", "u", "sup", "sub", "small", "big", "label", "abbr", "cite", "q", "s", "strike", "mark", "ins", "del"])
_DECAY = (1.0, 0.9, 0.5, 0.25)
_TABLE_PARTS = frozenset(("td", "th", "tr", "tbody", "thead", "tfoot"))


@dataclass
class Body:
    """The content container, and the attachment list some templates print just after it."""

    element: Element
    appendix: list[Element] = field(default_factory=list)

    def parts(self) -> list[Element]:
        return [self.element, *self.appendix]


def _chunk_score(text: str, in_cell: bool = False) -> float:
    """A block's worth as prose: punctuation, then length. A short cell of a table
    (a data table in a notice) counts a little; a short line elsewhere is furniture."""
    length = len(text)
    punct = len(_PUNCT_RE.findall(text))
    if length < 12 and punct == 0:
        return 0.5 if in_cell and length >= 2 else 0.0
    return 1.0 + punct + min(length / 40.0, 6.0)


def score_blocks(root: Element) -> dict[Element, float]:
    """Readability-style scores of every container that holds prose.

    Text is gathered per block first, so a paragraph that Word or an online editor cut
    into many ``<span>`` pieces scores as the one paragraph it is. One walk of the tree,
    not entering links, ``<head>`` or furniture regions.
    """
    texts: dict[Element, list[str]] = {}
    furniture = furniture_roots(root)
    stack: list[tuple[Element, Element]] = [(root, root)]
    while stack:
        el, block = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in ("a", "head") or el in furniture:
            continue
        if tag not in _INLINE_OK:
            block = el
        pieces = [el.text or ""]
        pieces.extend(child.tail or "" for child in el if child.tail)
        if tag != "html" and any(piece.strip() for piece in pieces):
            texts.setdefault(block, []).extend(pieces)
        stack.extend((child, block) for child in reversed(el))
    scores: dict[Element, float] = {}
    for block, pieces in texts.items():
        text = squash("".join(pieces))
        score = _chunk_score(text, in_cell=block.tag in CELL_TAGS or _in_cell(block))
        level = 0
        node = block
        while score and node is not None and level < len(_DECAY) and node.tag != "html":
            scores[node] = scores.get(node, 0.0) + score * _DECAY[level]
            # Table structure is one unit: a cell's text counts for its table; a wrapper
            # around a single child (editor <section> nests) is one unit with it.
            parent = node.getparent()
            if level == 0 or not (node.tag in _TABLE_PARTS or (parent is not None and len(parent) == 1)):
                level += 1
            node = parent
    return scores


# class and id values are read as strings (no element objects) and only the few that
# name furniture lead to their element.
_HINT_VALUES = etree.XPath("//body//@class | //body//@id")
_FURNITURE_ANY_RE = re.compile("|".join(P.FURNITURE_WORDS), re.I)


def furniture_roots(root: Element) -> set[Element]:
    """Elements the template names as furniture (``nav-panel``, ``header-container``,
    ``footer``, ``banquanmianze``): mega-menus and copyright notices hold real
    sentences, but never the article's."""
    found: set[Element] = set()
    for value in _HINT_VALUES(root):
        if _FURNITURE_ANY_RE.search(value) and any(
            P.FURNITURE_WORD_RE.match(w) and not P.CONTENT_HINT_RE.search(w) for w in value.split()
        ):
            found.add(value.getparent())
    if found:
        total = text_length(root)
        found = {el for el in found if text_length(el) <= MOST_OF_PAGE * total}
    return found


def _in_cell(el: Element) -> bool:
    parent = el.getparent()
    return parent is not None and parent.tag in CELL_TAGS


_LINK_TEXT = etree.XPath(".//a//text()")
_NON_SPACE_RE = re.compile(r"[^\s\u3000\xa0]")


def link_density(el: Element) -> float:
    """Share of an element's visible characters that are link text (white space aside)."""
    total = len(_NON_SPACE_RE.findall(text_content(el))) or 1
    linked = len(_NON_SPACE_RE.findall("".join(_LINK_TEXT(el))))
    return min(linked / total, 1.0)


_CONTENT_BONUS = 1.25


def find_body(root: Element, selector_el: Element | None = None) -> Body | None:
    """The element holding the article text, or None for a page without prose."""
    if selector_el is not None:
        return Body(selector_el)
    scores = score_blocks(root)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:20]
    best: tuple[float, Element] | None = None
    for el, score in ranked:
        if best is not None and score * _CONTENT_BONUS <= best[0]:
            break  # ranked by score: no later element can do better
        h = hints(el)
        adjusted = score * (1.0 - link_density(el)) ** 2
        if P.CONTENT_HINT_RE.search(h):
            adjusted *= _CONTENT_BONUS
        if P.NEGATIVE_HINT_RE.search(h) and not P.CONTENT_HINT_RE.search(h):
            adjusted *= 0.5
        if el.tag in ("body", "html"):
            adjusted *= 0.7
        if best is None or adjusted > best[0]:
            best = (adjusted, el)
    if best is None or best[0] < 4:
        return None
    element = _widen(best[1])
    return Body(element, _appendix(element))


def _appendix(element: Element) -> list[Element]:
    """Blocks right after the content box that list the article's files (附件：…).

    Many CMSs print the attachment list outside the editor's box; it is part of the
    article as displayed."""
    found: list[Element] = []
    while element.getnext() is None and element.getparent() is not None and len(element.getparent()) == 1:
        element = element.getparent()  # the editor's box inside a template wrapper
    for sibling in list(element.itersiblings())[:6]:
        if not isinstance(sibling.tag, str):
            continue
        text = squash(text_content(sibling))
        if not text:
            continue
        files = any(P.ATTACHMENT_RE.search(a.get("href") or "") for a in sibling.iter("a"))
        if not (files or text.startswith("附件")) or len(text) > 600:
            break
        found.append(sibling)
    return found


def _widen(el: Element) -> Element:
    """A lone paragraph stands for its box: climb while the parent adds little text
    (an image, a caption), so pictures and short lines beside it are kept. A box that
    already holds blocks is not a lone paragraph: what is around it is furniture."""
    if any(child.tag in _BOX_TAGS for child in el):
        return el
    parent = el.getparent()
    if parent is None or parent.tag in ("body", "html"):
        return el
    if len(squash(text_content(parent))) > len(squash(text_content(el))) + 20 or link_density(parent) > 0.3:
        return el
    return parent


_BOX_TAGS = frozenset(("div", "p", "section", "table", "article", "ul", "ol"))


_DATE_ONLY_RE = re.compile(r"^[\[【(（\s]*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?|\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*月?[\]】)）\s]*$")


def _is_meta_line(line: str) -> bool:
    if _DATE_ONLY_RE.match(line):
        return True
    labels = P.LABEL_RE.findall(line)
    has_date = bool(re.search(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}", line))
    if len(labels) >= 2 and len(line) < 160:
        return True
    return bool(labels) and has_date and len(line) < 100


def body_lines(body: Body, subtitle: str | None) -> list[tuple[str, Element]]:
    """The article's paragraphs: no meta lines, widgets or trailers (the headline and
    deck, if repeated, are left for :func:`split_deck`)."""
    lines = _until_signature(list(line for part in body.parts() for line in iter_lines(part)))
    norm_sub = _norm(subtitle or "")
    out: list[tuple[str, Element]] = []
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


_SIGNATURE_RE = re.compile(r"^[\[【(（]?\s*(?:责任编辑|责编|编辑|作者|采写|撰稿|记者|通讯员)\s*[:：]")
_SIGNATURE_MIN_LINES = 3


def _until_signature(lines: list[tuple[str, Element]]) -> list[tuple[str, Element]]:
    """An article ends with its signature block (作者：/责任编辑：…); when teasers of other
    stories follow it inside the same box, they are cut off. Only a signature in the
    second half counts, so a byline printed above the lead never truncates the text."""
    signatures = [i for i, (text, _) in enumerate(lines) if len(text) <= 80 and _SIGNATURE_RE.match(text)]
    late = [i for i in signatures if i >= _SIGNATURE_MIN_LINES and i >= len(lines) // 2]
    if not late:
        return lines
    end = late[0]
    while end + 1 < len(lines) and end + 1 in signatures:  # the rest of the signature block
        end += 1
    return lines[: end + 1]


_LIST_ITEMS_MIN = 5
_HEADLINE_LINK_MIN = 6


def looks_like_list(lines: list[tuple[str, Element]]) -> bool:
    """A section page's list read as if it were prose: many lines that are a headline
    link with its date (``市政府召开… 2024-04-18``), the shape of every CMS list."""
    items = 0
    for text, owner in lines:
        if len(text) > 200 or not find_dates(text):
            continue
        for a in owner.iter("a"):
            linked = squash(text_content(a))
            if len(linked) >= _HEADLINE_LINK_MIN and (text.startswith(linked) or text.endswith(linked) or len(linked) * 3 >= len(text)):
                items += 1
                break
    return items >= _LIST_ITEMS_MIN and items * 4 >= len(lines)


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def _skip_line(line: str, norm_sub: str, at_start: bool) -> bool:
    if at_start and norm_sub and _norm(line) == norm_sub:
        return True
    if at_start and _is_meta_line(line):
        return True
    if P.NOT_BODY_LINE_RE.match(line) and len(line) < 60:
        return True
    if P.JUNK_LINE_RE.match(line) and len(line) < 40 and not _SENTENCE_PUNCT_RE.search(line[6:]):
        return True
    return bool(_is_widget(line))


_WIDGET_RE = re.compile(
    r"^(?:[【\[]?\s*(?:字[体号]|大|中|小|打印|关闭|收藏|分享|纠错|返回顶部|默认|放大|缩小|正常|A\+|A-|\s)+[】\]]?\s*)+$|"
    r"^(?:分享到|分享至)[:：]?|^(?:扫一扫|扫描二维码|用微信扫描)|^(?:Play Video|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2})|"
    # the pager of an article split over pages: "1234下一页", "上一页 1 2 3 下一页 尾页"
    r"^(?=.*(?:[上下]一?页|尾页|末页))(?:[上下]一?页|首页|尾页|末页|共\s*\d+\s*页|第?\s*\d{1,3}\s*页?|[\[\]【】<>«»|\s])+$|"
    r"^(?:[【\[]\d{1,3}[】\]]\s*){2,}$|"
    # fold-outs, like buttons and follow-us lines
    r"^(?:阅读|展开|查看)(?:剩余)?全文|^[+＋]\d{1,3}$|^(?:请?关注|欢迎关注)(?:微信)?公众号"
)


def _is_widget(line: str) -> bool:
    return bool(_WIDGET_RE.match(line)) and len(line) < 60


def _is_trailer(line: str) -> bool:
    """Furniture closing the content box: an editor line, a widget, a meta line with
    its date or counter. A closing credit (供稿/文/图/记者…) is printed as part of the
    article and stays."""
    if (P.NOT_BODY_LINE_RE.match(line) and len(line) < 60) or _WIDGET_RE.match(line):
        return True
    return (_is_meta_line(line) and not _is_credit_line(line)) or (bool(P.JUNK_LINE_RE.match(line)) and len(line) < 40)


_CREDIT_LABELS = frozenset((*P.AUTHOR_LABELS, *P.SOURCE_LABELS))


def _is_credit_line(line: str) -> bool:
    labels = [m.group("label") for m in P.LABEL_RE.finditer(line)]
    return not _DATE_ONLY_RE.match(line) and all(label is None or label in _CREDIT_LABELS for label in labels)


def body_html(body: Body) -> str:
    """The cleaned markup of the content: structural tags only, no attributes but
    src/href/alt/title and table spans, and no link or picture that runs a script: the
    markup is shown by whoever reads the archive (Datasette, an export opened in a browser)."""
    return "\n".join(_clean_html(part) for part in body.parts())


_KEPT_ATTRIBUTES = frozenset(("src", "href", "alt", "title", "colspan", "rowspan"))
# Browsers ignore white space and control characters anywhere in a URL's scheme.
_IGNORED_IN_URL_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")


def _runs_script(url: str) -> bool:
    return _IGNORED_IN_URL_RE.sub("", url).lower().startswith(_SCRIPT_SCHEMES)


def _clean_html(element: Element) -> str:
    clone = copy.deepcopy(element)
    clone.tail = None
    for el in clone.iter():
        if not isinstance(el.tag, str):
            continue
        for name in list(el.attrib):
            if name not in _KEPT_ATTRIBUTES or (name in ("src", "href") and _runs_script(el.attrib[name])):
                del el.attrib[name]
    etree.strip_tags(clone, "font", "span", "o:p", "center")
    return strip_controls(lxml.html.tostring(clone, encoding="unicode", method="html").strip())


__all__ = ["BLOCK_TAGS", "CELL_TAGS", "Body", "body_html", "body_lines", "find_body"]


_DECK_MAX = 60


def split_deck(lines: list[tuple[str, Element]], title: str | None) -> tuple[list[str], list[tuple[str, Element]]]:
    """Newspaper headline blocks repeated at the top of the body: the 引题 above the
    headline and the 副题 below it are the deck; the repeated headline is dropped.

    Only when the headline itself reappears among the first lines, so a short first
    paragraph is never mistaken for a deck.
    """
    norm_title = _norm(title or "")
    if not norm_title:
        return [], lines
    for index, span in _headline_spans(lines, norm_title):
        before = [text for text, _ in lines[:index]]
        if not all(_is_deck_line(text) for text in before):
            return [], lines
        after_end = index + span
        while (
            after_end < min(len(lines), index + span + 2)
            and _is_deck_line(lines[after_end][0])
            and not is_byline_line(lines[after_end][0])
            and after_end + 1 < len(lines)
        ):
            after_end += 1
        return before + [text for text, _ in lines[index + span : after_end]], lines[after_end:]
    for index, (line, _) in enumerate(lines[1:6], start=1):
        # A print headline block (引题/主题/副题) above the dateline: not body text.
        if P.DATELINE_RE.match(line):
            if all(_is_deck_line(text) for text, _ in lines[:index]):
                return [], lines[index:]
            break
    return [], lines


def _headline_spans(lines: list[tuple[str, Element]], norm_title: str) -> list[tuple[int, int]]:
    """Where the headline is repeated among the first lines: (first line, line count);
    a headline broken over up to three lines counts too."""
    for index in range(min(4, len(lines))):
        joined = ""
        for span in range(1, 4):
            if index + span > len(lines):
                break
            joined += _norm(lines[index + span - 1][0])
            if joined == norm_title:
                return [(index, span)]
            if not norm_title.startswith(joined):
                break
    return []


def _is_deck_line(line: str) -> bool:
    return len(line) <= _DECK_MAX and not re.search(r"[。！？；]", line) and not P.LABEL_RE.search(line)
