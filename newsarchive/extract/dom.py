"""Parsing and walking HTML trees: the small helpers every extraction step shares."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from newsarchive.controls import strip_controls
from newsarchive.extract.model import ExtractionError
from newsarchive.extract.patterns import WIDGET_TOKEN_RE

# Elements whose content is never article text.
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select", "textarea", "button", "input", "audio", "video", "map")
BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption", "html"]
)
CELL_TAGS = frozenset(("td", "th"))
_SPACE_RE = re.compile(r"[\s\u3000\xa0\u200b\u200c\u200d\ufeff]+")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Classes that mean display:none in the common front-end kits (AngularJS, Bootstrap).
_HIDDEN_CLASSES = frozenset(("ng-hide", "hide", "hidden", "d-none"))
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Removed before parsing (besides control characters): the end tags of server-side
# includes that close the document early (a header file ending in ``</body></html>``),
# which browsers ignore but after which libxml2 drops or misplaces everything.
_UNWANTED_RE = re.compile(r"</\s*(?:body|html)\s*>", re.I)
# Markup nested deeper than this is flattened after parsing (the extraction walks trees
# recursively); libxml2 itself reads 256 levels, or 2048 with its "huge" option.
MAX_DEPTH = 200
TOO_DEEP = "markup nested deeper than 2048 levels: the rest of the page was dropped"
# What an Article's ``notices`` mean, for the crawl's warnings.
NOTICES = {"too_deep": TOO_DEEP}


# Plain lxml elements: ``lxml.html``'s element classes cost a Python lookup for every
# node touched, which was a fifth of the extraction time.
Element = etree._Element
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_DEEP_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
# Tags kept when deep markup is flattened: the ones that make lines, links and pictures.
_STRUCTURE_TAGS = frozenset(("p", "br", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th"))
_STRING = etree.XPath("string()")


def text_content(el: Element) -> str:
    """All text inside an element (what ``lxml.html``'s ``text_content`` gives)."""
    return str(_STRING(el))


def drop_tree(el: Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def squash(text: str | None) -> str:
    """Collapse runs of white space (including U+3000, no-break and zero-width) and strip.

    >>> squash("\\u3000\\u3000本报讯  （记者 张三）\\xa0")
    '本报讯 （记者 张三）'
    """
    if not text:
        return ""
    return _SPACE_RE.sub(" ", strip_controls(text)).strip()


def parse_html(text: str) -> Element:
    """Parse page text into an lxml tree, refusing what is not a web page."""
    return parse_page(text)[0]


def parse_page(text: str) -> tuple[Element, bool]:
    """Parse page text into an lxml tree, and say whether markup nested beyond what the
    parser reads was dropped (the rest of the page is then missing).

    Deep markup is common in old templates (hundreds of unclosed ``<font>``): such a page
    is parsed again with libxml2's deeper limit and flattened below ``MAX_DEPTH``, so its
    text is kept; only what lies deeper than 2048 levels is lost, and then it is said.
    """
    text = _XML_DECL_RE.sub("", text, count=1)
    if not text.strip():
        raise ExtractionError("empty page")
    sample = text[:4000]
    if len(_CONTROL_RE.findall(sample)) > max(8, len(sample) // 50):
        raise ExtractionError("not an HTML page (binary content)")
    text = _UNWANTED_RE.sub("", strip_controls(text))
    root = _parse(text, _PARSER)
    dropped = False
    if _too_deep(_PARSER):
        root = _parse(text, _DEEP_PARSER)
        dropped = _too_deep(_DEEP_PARSER)
        flatten(root, MAX_DEPTH)
    if root is None or (root.find(".//body") is None and len(root) == 0):
        raise ExtractionError("cannot parse HTML: no document")
    return root, dropped


def _parse(text: str, parser: etree.HTMLParser) -> Element:
    try:
        return etree.fromstring(text, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise ExtractionError(f"cannot parse HTML: {error}") from error


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any("excessive depth" in entry.message.lower() for entry in parser.error_log)


def flatten(root: Element, limit: int) -> None:
    """Unwrap elements nested deeper than ``limit``, keeping their text (and the tags that
    make lines, links and pictures, unless those nest too)."""
    for element in [e for e, depth in _depths(root) if depth == limit and len(e)]:
        tags = {d.tag for d in element.iterdescendants() if isinstance(d.tag, str) and d.tag not in _STRUCTURE_TAGS}
        if tags:
            etree.strip_tags(element, *tags)
        if max(depth for _, depth in _depths(element)) > 8:
            etree.strip_tags(element, "*")  # structure tags nested in each other: text only


def _depths(root: Element) -> Iterator[tuple[Element, int]]:
    """Every element with its depth below ``root`` (1 for root), without recursion."""
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            yield element, depth
        else:
            depth -= 1


def strip_furniture(root: Element) -> None:
    """Remove scripts, styles, forms controls, media players and comments, keeping their
    tails."""
    for player in {_player_box(media) for media in root.iter("video", "audio")}:
        drop_tree(player)
    for el in list(root.iter(*DROP_TAGS, etree.Comment, etree.ProcessingInstruction)):
        drop_tree(el)


# A box the template names as a player (``video-player``, ``mplayer``, ``pic-video``);
# its text is the player's (time, controls, error messages), never the article's.
_PLAYER_HINT_RE = re.compile(r"player|video|audio|vjs|jwplayer|dplayer|ckplayer", re.I)
_PLAYER_MAX_PROSE = 80  # characters in one text piece: more is a paragraph, not a control


def _player_box(media: Element) -> Element:
    """The outermost player-named box around a ``<video>``/``<audio>`` that holds no
    paragraph of prose; the element itself when there is none."""
    box = media
    for ancestor in media.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if _PLAYER_HINT_RE.search(hints(ancestor)):
            if any(len(text.strip()) > _PLAYER_MAX_PROSE for text in ancestor.itertext()):
                break
            box = ancestor
    return box


def is_hidden(el: Element) -> bool:
    style = el.get("style")
    if style and _HIDDEN_STYLE_RE.search(style):
        return True
    classes = el.get("class")
    if classes and not _HIDDEN_CLASSES.isdisjoint(classes.split()):
        return True
    return el.get("hidden") is not None or (el.get("aria-hidden") == "true" and el.tag not in ("i", "span"))


# Attribute values that may hide their element, read as strings; ``is_hidden`` has the
# last word on the few elements they lead to.
_HIDING_VALUES = etree.XPath("//@style | //@class | //@hidden | //@aria-hidden")
_MAYBE_HIDING_RE = re.compile(r"none|hidden|hide|true|^$", re.I)


# An element holding more than this share of the page's text is the page itself, whatever
# its attributes say: hidden until a script shows it (``<body style="visibility:
# hidden">``, WeChat's ``js_content``), or a wrapper named like furniture (``<div
# id="nav">`` around the whole page).
MOST_OF_PAGE = 0.6


def text_length(el: Element) -> int:
    """Characters of an element's text, white space at the ends of each piece aside."""
    return sum(len(text.strip()) for text in el.itertext())


def drop_hidden(root: Element) -> int:
    """Remove hidden subtrees (elderly-mode or mobile copies, spider-only blocks)."""
    candidates = {value.getparent() for value in _HIDING_VALUES(root) if _MAYBE_HIDING_RE.search(value)}
    hidden = [el for el in candidates if is_hidden(el)]
    if hidden:
        total = text_length(root)
        hidden = [el for el in hidden if text_length(el) <= MOST_OF_PAGE * total]
    for el in hidden:
        drop_tree(el)
    return len(hidden)


def hints(el: Element) -> str:
    """The class and id of an element, the words CMS templates name their parts with."""
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def iter_lines(el: Element) -> Iterator[tuple[str, Element]]:
    """Paragraphs of an element in reading order, with the block element each came from.

    Blocks and ``<br>`` break lines; table cells join with a space and rows break.
    """
    parts: list[str] = []
    owner: list[Element] = [el]

    def flush() -> Iterator[tuple[str, Element]]:
        joined = "".join(parts)
        line = squash(WIDGET_TOKEN_RE.sub(" ", joined) if "【" in joined or "[" in joined else joined)
        parts.clear()
        if line:
            yield line, owner[0]

    def walk(node: Element, in_cell: bool) -> Iterator[tuple[str, Element]]:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag in BLOCK_TAGS and not in_cell
        if block:
            yield from flush()
            owner[0] = node
        elif tag == "br" and not in_cell:
            yield from flush()
        elif tag in CELL_TAGS or (in_cell and (tag in BLOCK_TAGS or tag == "br")):
            parts.append(" ")
        if tag in CELL_TAGS and not in_cell:
            in_cell = is_data_cell(node)
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            yield from walk(child, in_cell)
            if child.tail:
                parts.append(child.tail)
        if block:
            yield from flush()
            owner[0] = node
        elif tag in CELL_TAGS or (in_cell and tag in BLOCK_TAGS):
            parts.append(" ")

    yield from walk(el, False)
    yield from flush()


_DATA_CELL_MAX = 200


def is_data_cell(cell: Element) -> bool:
    """A cell of a data table, read as one value: short, no nested table. Word and
    online editors wrap each cell's text in ``<p>``; a layout cell holding the whole
    article is long, and its paragraphs stay lines.

    >>> row = parse_html("<table><tr><td>1</td><td><p>罚款</p><p>56万元</p></td></tr></table>")
    >>> is_data_cell(row.find(".//td[2]"))
    True
    """
    row = cell.getparent()
    if row is None or sum(1 for c in row if c.tag in CELL_TAGS) < 2 or cell.find(".//table") is not None:
        return False  # a one-cell row is a box around paragraphs, not a grid
    return len(squash(text_content(cell))) <= _DATA_CELL_MAX


# Where an inline element ends in the meta region: digits on both sides are two values
# ("<em>2021-01-20 04:29:44</em><em>39健康网</em>"), not one number.
_BOUNDARY = "\x00"
_DIGITS_ACROSS_RE = re.compile(r"(?<=\d)\x00+(?=\d)")


def text_between(
    root: Element,
    start: Element | None,
    end: Element | None,
    limit: int = 1500,
    inclusive: bool = False,
) -> str:
    """Visible text after ``start`` (or from the top) up to ``end``, lines joined by newlines.

    This is where meta lines live: between the headline and the first paragraph. Only
    the stretch asked for is walked: forward from ``start``, or backward from ``end``
    until ``limit`` characters are in hand.
    """
    if start is not None:
        events: Iterator[tuple[str, Element]] = _events_after(start, inclusive)
    elif end is not None:
        events = _events_before(end, limit)
    else:
        events = etree.iterwalk(root, events=("start", "end"))
    out: list[str] = []
    size = 0
    for event, node in events:
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            if node is end:
                break
            if node.text:
                out.append(node.text)
                size += len(node.text)
            if node.tag in BLOCK_TAGS or node.tag == "br" or node.tag in CELL_TAGS:
                out.append("\n")
        else:
            if node.tag in BLOCK_TAGS or node.tag in CELL_TAGS:
                out.append("\n")
            else:
                out.append(_BOUNDARY)
            if node.tail:
                out.append(node.tail)
                size += len(node.tail)
        if size > limit * 4 and start is not None:
            break
    text = _DIGITS_ACROSS_RE.sub(" ", "".join(out)).replace(_BOUNDARY, "")
    lines = [squash(x) for x in text.split("\n")]
    text = "\n".join(x for x in lines if x)
    return text[-limit:] if start is None else text[:limit]


def _events_after(start: Element, inclusive: bool) -> Iterator[tuple[str, Element]]:
    """Walk events in document order from ``start`` (its content if ``inclusive``, else
    from its end and tail) to the end of the document."""
    if inclusive:
        yield from etree.iterwalk(start, events=("start", "end"))
    else:
        yield "end", start
    node: Element | None = start
    while node is not None:
        for sibling in node.itersiblings():
            yield from etree.iterwalk(sibling, events=("start", "end"))
        node = node.getparent()
        if node is not None:
            yield "end", node


def _events_before(end: Element, limit: int) -> Iterator[tuple[str, Element]]:
    """Walk events in document order of the last ``limit`` or so characters before
    ``end``, gathered backward: preceding siblings, then each ancestor's opening."""
    pieces: list[Iterator[tuple[str, Element]]] = []
    size = 0
    node: Element | None = end
    while node is not None and size < limit:
        for sibling in node.itersiblings(preceding=True):
            pieces.append(etree.iterwalk(sibling, events=("start", "end")))
            size += len(etree.tostring(sibling, method="text", encoding="unicode"))
            if size >= limit:
                break
        node = node.getparent()
        if node is not None and size < limit:
            pieces.append(iter([("start", node)]))
    for piece in reversed(pieces):
        yield from piece
