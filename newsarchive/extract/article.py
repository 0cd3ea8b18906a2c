"""``extract_article``: the pipeline from page bytes to an :class:`Article`, step by step.

decode → parse → read ``<meta>`` → drop furniture and hidden copies → headline → body
container → paragraphs → meta line (between headline and body) → date, source,
bylines → links → the pages that continue a split article. Each step is a pure function
in its own module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from newsarchive.extract import bylines, dates, links
from newsarchive.extract import patterns as P
from newsarchive.extract.body import (
    Body,
    body_html,
    body_lines,
    find_body,
    looks_like_list,
    split_deck,
)
from newsarchive.extract.continuation import continuation_urls
from newsarchive.extract.decode import decode_html
from newsarchive.extract.dom import (
    TOO_DEEP,
    Element,
    drop_hidden,
    iter_lines,
    parse_page,
    squash,
    strip_furniture,
    text_between,
    text_content,
)
from newsarchive.extract.meta import DATE_KEYS, SOURCE_KEYS, first_of, read_meta
from newsarchive.extract.model import Article, ExtractionError
from newsarchive.extract.select import select
from newsarchive.extract.title import (
    TitleGuess,
    find_subtitle,
    find_title,
    headline_in_lines,
    shown_headline,
    title_tag_parts,
)

# Below this much body text, a page without a visible headline is not an article.
_HEADLESS_MIN_TEXT = 500
SELECTABLE_FIELDS = ("title", "subtitle", "body", "published_at", "source", "authors", "editor", "breadcrumb")


def extract_article(
    html: bytes | str,
    url: str | None = None,
    *,
    selectors: Mapping[str, str] | None = None,
    content_type: str | None = None,
) -> Article:
    """Every field of an article page; raises :class:`ExtractionError` for a page that
    is not an article (empty, binary, or with no text)."""
    try:
        return _extract(html, url, selectors or {}, content_type)
    except ExtractionError as error:
        error.url = error.url or url
        raise
    except (ValueError, TypeError, RecursionError, UnicodeError) as error:  # lxml oddities on broken pages
        raise ExtractionError(f"cannot read page: {error.__class__.__name__}: {error}", url) from error


def _extract(html: bytes | str, url: str | None, selectors: Mapping[str, str], content_type: str | None) -> Article:
    root, dropped = parse_page(decode_html(html, content_type))
    try:
        article = _read(root, url, selectors)
    except ExtractionError as error:
        if dropped:  # the article may be in the part of the page the parser could not read
            error.reason = f"{error.reason} ({TOO_DEEP})"
        raise
    if dropped:
        article.notices.append("too_deep")
    return article


def _read(root: Element, url: str | None, selectors: Mapping[str, str]) -> Article:
    meta = read_meta(root)
    base = links.page_base(root, url, meta)
    strip_furniture(root)
    pinned = {name: _select(root, expr) for name, expr in selectors.items()}
    drop_hidden(root)

    body = find_body(root, _first(pinned.get("body")))
    if body is None:
        raise ExtractionError("no article text found", url)
    more_pages = continuation_urls(body.element, url, base)
    raw_body = body_lines(body, None)
    if not raw_body:
        raise ExtractionError("no article text found", url)
    if looks_like_list(raw_body):
        raise ExtractionError("a list of links, not an article", url)
    title = _pinned_title(pinned.get("title")) or find_title(root, meta, raw_body[0][1])
    if title is not None and title.element is None:
        title = headline_in_lines(raw_body, title.text) or shown_headline(root, title.text) or title
    if (title is None or title.element is None) and sum(len(line) for line, _ in raw_body) < _HEADLESS_MIN_TEXT:
        # A home or channel page: a blurb of prose and no headline shown for it.
        raise ExtractionError("no headline and little text: not an article page", url)
    subtitle = _pinned_text(pinned.get("subtitle")) or find_subtitle(title)
    if subtitle:
        raw_body = body_lines(body, subtitle)
    deck, lines = split_deck(raw_body, title.text if title else None)
    subtitle = subtitle or ("\n".join(deck) if deck else None)
    if not lines:
        raise ExtractionError("no article text found", url)

    first_owner = lines[0][1]
    top = _meta_region(root, title, first_owner, body, deck)
    bottom = _trailer_region(root, body, lines)
    above = text_between(root, None, title.element, limit=300) if title and title.element is not None else ""
    top_fields = bylines.parse_meta(top)
    bottom_fields = bylines.parse_meta(bottom, leads=False)
    above_fields = bylines.parse_meta(above, leads=False)
    text_lines = [line for line, _ in lines]

    published_at, published_from = _published(top_fields, bottom_fields, above_fields, meta, url, pinned.get("published_at"))
    article = Article(
        url=url,
        title=title.text if title else None,
        subtitle=subtitle,
        published_at=published_at,
        published_at_from=published_from,
        source=_pinned_text(pinned.get("source"))
        or top_fields.source
        or bottom_fields.source
        or above_fields.source
        or _meta_source(meta, "\n".join((above, top, bottom, *text_lines)))
        or top_fields.issuer
        or above_fields.issuer
        or bylines.unlabelled_outlet(top, _site_names(root, meta)),
        authors=_authors(pinned.get("authors"), top_fields, bottom_fields, text_lines),
        editor=_pinned_text(pinned.get("editor")) or top_fields.editor or bottom_fields.editor or _closing_editor(text_lines),
        body="\n".join(text_lines),
        body_html=body_html(body),
        breadcrumb=_section(root, pinned.get("breadcrumb")),
        images=links.images(body.element, base),
        attachments=links.attachments(_attachment_scopes(body), base),
        read_count=top_fields.read_count or bylines.read_count(top) or bylines.read_count(bottom[:200]),
    )
    article.prev_url, article.next_url = links.neighbours(root, base)
    article.more_pages = more_pages
    return article


def _meta_region(
    root: Element, title: TitleGuess | None, first_owner: Element, body: Body, deck: list[str]
) -> str:
    """Text from the headline to the first paragraph: where the meta line is printed.

    The headline's own text is left out, but not what its element holds after it
    (some templates print the meta line inside the ``<h1>``, after a ``<br>``); the
    deck is left out too, its dates are not the publication's.
    """
    if title is None or title.element is None:
        return text_between(root, None, first_owner)
    region = text_between(root, title.element, first_owner, inclusive=True)
    if not region:
        region = text_between(root, title.element, body.element, inclusive=True)
    lines = region.split("\n")
    wanted = _compact(title.text)
    consumed = ""
    while lines and wanted.startswith(_compact(consumed + lines[0])) and consumed != wanted:
        consumed += lines.pop(0)
    return "\n".join(line for line in lines if line not in deck)


def _trailer_region(root: Element, body: Body, kept: list[tuple[str, Element]]) -> str:
    """What follows the last paragraph: staff lines inside the content box, then the
    text after it, up to related news. Editors and bottom meta lines live here."""
    raw = list(iter_lines(body.element))
    last = kept[-1] if kept else None
    after: list[str] = []
    seen_last = last is None
    for line, owner in raw:
        if seen_last:
            after.append(line)
        elif (line, owner) == last:
            seen_last = True
    staff = [line for line, _ in raw if len(line) < 60 and (P.EDITOR_LINE_RE.match(line) or _EDITOR_LABEL_RE.search(line))]
    text = "\n".join([*staff, *after, text_between(root, body.element, None, limit=400)])
    lines: list[str] = []
    for line in text.split("\n"):
        if P.END_MARKER_RE.match(line) and not P.EDITOR_LINE_RE.match(line):
            break
        lines.append(line)
    return "\n".join(lines)


_EDITOR_LABEL_RE = re.compile(r"(?:" + "|".join(P.EDITOR_LABELS) + r")\s*[:：]")


def _compact(text: str) -> str:
    return "".join(text.split())


def _select(root: Element, expression: str) -> list[Element]:
    return [r for r in select(root, expression) if isinstance(r, Element)]


def _first(found: list[Element] | None) -> Element | None:
    return found[0] if found else None


def _pinned_text(found: list[Element] | None) -> str | None:
    text = squash(" ".join(text_content(el) for el in found)) if found else ""
    return text or None


def _pinned_title(found: list[Element] | None) -> TitleGuess | None:
    text = _pinned_text(found)
    return TitleGuess(text, found[0]) if text and found else None


def _published(
    top: bylines.MetaFields,
    bottom: bylines.MetaFields,
    above: bylines.MetaFields,
    meta: dict[str, str],
    url: str | None,
    pinned: list[Element] | None,
) -> tuple[str | None, str | None]:
    """The visible meta line first, then ``<meta>`` tags, then the URL."""
    if pinned:
        iso = dates.parse_date(_pinned_text(pinned) or "")
        if iso:
            return iso, "page"
    for fields in (top, bottom, above):
        labelled = sorted((label in P.SECONDARY_DATE_LABELS, index) for index, (label, _) in enumerate(fields.dates) if label)
        if labelled:
            return fields.dates[labelled[0][1]][1].iso, "page"
    if top.dates:
        return top.dates[0][1].iso, "page"
    raw = first_of(meta, DATE_KEYS)
    if raw:
        iso = dates.parse_date(raw)
        if iso:
            return iso, "meta"
    if above.dates:  # an e-paper's issue date over the page, the only date it shows
        return above.dates[-1][1].iso, "page"
    iso = dates.date_from_url(url)
    return (iso, "url") if iso else (None, None)


def _site_names(root: Element, meta: dict[str, str]) -> list[str]:
    """The site's own names: ``og:site_name`` and the parts of the ``<title>``."""
    return [meta.get("og:site_name", ""), meta.get("sitename", ""), *title_tag_parts(root)]


def _meta_source(meta: dict[str, str], shown: str) -> str | None:
    """The source ``<meta>`` tag, when the page shows its value around the headline or in
    the body (unlabelled beside the date, a closing signature): CMSs fill the tag with the
    site's own name where the page names no source."""
    raw = first_of(meta, SOURCE_KEYS)
    value = bylines.clean_source(raw) if raw else None
    return value if value and value in shown else None


def _authors(
    pinned: list[Element] | None,
    top: bylines.MetaFields,
    bottom: bylines.MetaFields,
    lines: list[str],
) -> list[str]:
    if pinned:
        return bylines.split_names(_pinned_text(pinned) or "")
    names = list(top.authors)
    names += bylines.lead_authors(lines)
    edge = [line for line in lines[:2] + lines[-2:] if len(line) <= 50]
    for line in edge:
        fields = bylines.parse_meta(line, leads=False)
        names += fields.authors
        if bylines.is_byline_line(line):
            names += bylines.lead_authors([line])
    names += bylines.trailing_authors(lines)
    for line in lines:
        if len(line) <= 50 and ("摄影" in line or "摄像" in line or "撰稿" in line):
            names += bylines.parse_meta(line, leads=False).authors
    names += bottom.authors
    editor_names = set((top.editor or "").split()) | set((bottom.editor or "").split())
    return [n for n in dict.fromkeys(names) if n not in editor_names or n in top.authors]


def _closing_editor(lines: list[str]) -> str | None:
    """An editor named in the credit line that closes the text (``摄影/张艳 编辑/苏芳``)."""
    for line in lines[-2:]:
        if len(line) <= 60:
            editor = bylines.parse_meta(line, leads=False).editor
            if editor:
                return editor
    return None


def _section(root: Element, pinned: list[Element] | None) -> list[str]:
    if pinned:
        text = _pinned_text(pinned) or ""
        return [p for p in P.BREADCRUMB_SEPARATORS_RE.split(P.BREADCRUMB_INTRO_RE.sub("", text)) if p]
    return links.breadcrumb(root)


def _attachment_scopes(body: Body) -> list[Element]:
    """The body, widened to its parent when the attachment list sits just after it."""
    parent = body.element.getparent()
    if parent is not None and len(list(parent.iter("a"))) <= 40 and "附件" in squash(text_content(parent))[-2000:]:
        return [parent, *body.appendix]
    return body.parts()
