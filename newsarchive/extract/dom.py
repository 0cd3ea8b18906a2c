"""Parsing and walking HTML trees: the small helpers every extraction step shares."""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from newsarchive.extract.model import ExtractionError

# Elements whose content is never article text.
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select", "textarea", "button", "input", "audio", "video", "map")
BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption", "html"]
)
CELL_TAGS = frozenset(("td", "th"))
_SPACE_RE = re.compile(r"[\s\u3000\xa0\u200b\u200c\u200d\ufeff]+")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def squash(text: str | None) -> str:
    """Collapse runs of white space (including U+3000, no-break and zero-width) and strip.

    >>> squash("\\u3000\\u3000本报讯  （记者 张三）\\xa0")
    '本报讯 （记者 张三）'
    """
    if not text:
        return ""
    return _SPACE_RE.sub(" ", text).strip()


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse page text into an lxml tree, refusing what is not a web page."""
    text = _XML_DECL_RE.sub("", text, count=1)
    if not text.strip():
        raise ExtractionError("empty page")
    sample = text[:4000]
    if len(_CONTROL_RE.findall(sample)) > max(8, len(sample) // 50):
        raise ExtractionError("not an HTML page (binary content)")
    text = _CONTROL_RE.sub("", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"cannot parse HTML: {error}") from error
    if root is None or (root.find(".//body") is None and len(root) == 0):
        raise ExtractionError("cannot parse HTML: no document")
    return root


def strip_furniture(root: lxml.html.HtmlElement) -> None:
    """Remove scripts, styles, forms controls and comments, keeping their tails."""
    for el in list(root.iter(*DROP_TAGS, etree.Comment, etree.ProcessingInstruction)):
        if el.getparent() is not None:
            el.drop_tree()


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    style = el.get("style")
    if style and _HIDDEN_STYLE_RE.search(style):
        return True
    return el.get("hidden") is not None or (el.get("aria-hidden") == "true" and el.tag not in ("i", "span"))


def drop_hidden(root: lxml.html.HtmlElement) -> int:
    """Remove hidden subtrees (elderly-mode or mobile copies, spider-only blocks)."""
    hidden = [el for el in root.iter() if isinstance(el.tag, str) and is_hidden(el)]
    for el in hidden:
        if el.getparent() is not None:
            el.drop_tree()
    return len(hidden)


def hints(el: lxml.html.HtmlElement) -> str:
    """The class and id of an element, the words CMS templates name their parts with."""
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def iter_lines(el: lxml.html.HtmlElement) -> Iterator[tuple[str, lxml.html.HtmlElement]]:
    """Paragraphs of an element in reading order, with the block element each came from.

    Blocks and ``<br>`` break lines; table cells join with a space and rows break.
    """
    parts: list[str] = []
    owner: list[lxml.html.HtmlElement] = [el]

    def flush() -> Iterator[tuple[str, lxml.html.HtmlElement]]:
        line = squash("".join(parts))
        parts.clear()
        if line:
            yield line, owner[0]

    def walk(node: lxml.html.HtmlElement) -> Iterator[tuple[str, lxml.html.HtmlElement]]:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block:
            yield from flush()
            owner[0] = node
        elif tag == "br":
            yield from flush()
        elif tag in CELL_TAGS:
            parts.append(" ")
        elif tag == "img":
            pass
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            yield from walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            yield from flush()
            owner[0] = node
        elif tag in CELL_TAGS:
            parts.append(" ")

    yield from walk(el)
    yield from flush()


def text_of(el: lxml.html.HtmlElement) -> str:
    return squash(el.text_content())


def text_between(
    root: lxml.html.HtmlElement,
    start: lxml.html.HtmlElement | None,
    end: lxml.html.HtmlElement | None,
    limit: int = 1500,
    inclusive: bool = False,
) -> str:
    """Visible text after ``start`` (or from the top) up to ``end``, lines joined by newlines.

    This is where meta lines live: between the headline and the first paragraph.
    """
    out: list[str] = []
    size = 0
    active = start is None
    for event, node in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            if node is end:
                break
            if inclusive and node is start:
                active = True
            if active and node.text:
                out.append(node.text)
                size += len(node.text)
            if active and (node.tag in BLOCK_TAGS or node.tag == "br" or node.tag in CELL_TAGS):
                out.append("\n")
        else:
            if node is start:
                active = True
            if active and (node.tag in BLOCK_TAGS or node.tag in CELL_TAGS):
                out.append("\n")
            if active and node.tail:
                out.append(node.tail)
                size += len(node.tail)
        if size > limit * 4 and start is not None:
            break
    lines = [squash(x) for x in "".join(out).split("\n")]
    text = "\n".join(x for x in lines if x)
    return text[-limit:] if start is None else text[:limit]


def text_after(root: lxml.html.HtmlElement, start: lxml.html.HtmlElement, limit: int = 600) -> str:
    return text_between(root, start, None, limit)


def is_ancestor(ancestor: lxml.html.HtmlElement, el: lxml.html.HtmlElement) -> bool:
    node = el
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False
