"""Deterministic article generation: what one demo article says, independent of any page.

An article is a function of (seed, index, section, publication time): the same inputs always
give the same headline, byline, body and pictures, so a portal can be rebuilt in another
process and a crawl checked against what it must find. Bodies are real paragraphs from the
corpus behind a generated lead that names the county, its towns and its reporters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsarchive.demo import vocab
from newsarchive.demo.corpus import paragraphs as corpus_paragraphs
from newsarchive.demo.sections import Section

TITLE_TRIES = 60


@dataclass(frozen=True)
class Picture:
    """A picture in the body, shown after paragraph ``after`` with its caption below it."""

    caption: str
    after: int


@dataclass(frozen=True)
class Attachment:
    text: str  # the link text, a file name
    ext: str  # pdf | docx | xlsx


@dataclass
class Article:
    """Everything a page of this article shows, before any template is applied."""

    index: int
    section: str
    published: datetime  # China time (UTC+08:00), naive
    title: str
    subtitle: str | None
    source: str | None
    authors: list[str]
    author_field: str | None  # the meta line's 作者 value; None when the template has no such label
    editor: str | None
    paragraphs: list[str]
    pictures: list[Picture] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    pages: int = 1
    edits: int = 0

    def blocks(self) -> list[tuple[str, object]]:
        """The body in reading order: ("p", text), ("img", picture number), ("caption", text)."""
        out: list[tuple[str, object]] = []
        for i, text in enumerate(self.paragraphs):
            out.append(("p", text))
            for n, pic in enumerate(self.pictures, start=1):
                if pic.after == i:
                    out.append(("img", n))
                    out.append(("caption", pic.caption))
        return out

    def body_lines(self) -> list[str]:
        """The body as text lines: paragraphs and picture captions, as a reader sees them."""
        return [str(value) for kind, value in self.blocks() if kind != "img"]

    def page_blocks(self, page: int) -> list[tuple[str, object]]:
        """The blocks shown on one page of a multi-page article (split at a paragraph)."""
        blocks = self.blocks()
        if self.pages == 1:
            return blocks
        starts = [i for i, (kind, _) in enumerate(blocks) if kind == "p"]
        cut = starts[len(starts) // 2]
        return blocks[:cut] if page == 1 else blocks[cut:]


def reporters() -> tuple[str, ...]:
    """The media centre's reporters: the same names recur across articles, as on a real site."""
    rng = random.Random("demo:reporters")
    names: list[str] = []
    while len(names) < 40:
        name = rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN)
        if name not in names:
            names.append(name)
    return tuple(names)


def editors() -> tuple[str, ...]:
    rng = random.Random("demo:editors")
    names: list[str] = []
    while len(names) < 8:
        name = rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN)
        if name not in names and name not in reporters():
            names.append(name)
    return tuple(names)


_REPORTERS = reporters()
_EDITORS = editors()


def _words(rng: random.Random, published: datetime) -> dict[str, str]:
    topic, topic2 = rng.sample(vocab.TOPICS, 2)
    return {
        "county": vocab.COUNTY,
        "short": vocab.COUNTY.removesuffix("县"),
        "town": rng.choice(vocab.TOWNS),
        "dept": rng.choice(vocab.DEPARTMENTS),
        "topic": topic,
        "topic2": topic2,
        "campaign": rng.choice(vocab.CAMPAIGNS),
        "year": str(published.year),
        "n": str(rng.randint(3, 28)),
    }


def _title(rng: random.Random, kind: str, words: dict[str, str], taken: set[str]) -> str:
    shapes = {"notice": vocab.NOTICE_TITLES, "media": vocab.MEDIA_TITLES}.get(kind, vocab.NEWS_TITLES)
    for _ in range(TITLE_TRIES):
        local = dict(words, town=rng.choice(vocab.TOWNS), topic=rng.choice(vocab.TOPICS),
                     dept=rng.choice(vocab.DEPARTMENTS), campaign=rng.choice(vocab.CAMPAIGNS))
        title = rng.choice(shapes).format(**local)
        if title not in taken:
            words.update(local)
            return title
    n = 2
    while f"{title}（{n}）" in taken:
        n += 1
    return f"{title}（{n}）"


def _sentence(title: str) -> str:
    """The headline as the opening clause of the lead."""
    core = title.split("】")[-1].split("｜")[-1]
    for outlet in vocab.MEDIA_SOURCES:
        core = core.removeprefix(outlet + "：")
    return core.replace(" ", "，").replace("：", "，")


_FOLLOW = (
    "会议传达学习了上级有关会议精神，安排部署了下一阶段{topic}重点工作。",
    "据了解，今年以来，{town}围绕{topic}目标任务，细化措施、压实责任，取得了阶段性成效。",
    "{dept}相关负责人表示，将以此为契机，持续推动{topic}工作走深走实。",
    "活动旨在进一步提升群众对{topic}工作的知晓率和参与度。",
    "此次检查共发现问题{n}个，已现场督促整改完成。",
)
_CLOSING = (
    "下一步，{town}将持续巩固{topic}成果，推动各项工作落地见效。",
    "会议要求，各乡镇、各部门要提高思想认识，压实工作责任，确保{topic}各项任务按时完成。",
    "{dept}表示，将进一步完善{topic}长效机制，切实增强群众获得感、幸福感、安全感。",
)


def _news_paragraphs(rng: random.Random, words: dict[str, str], when: datetime, title: str,
                     count: int) -> list[str]:
    day = when - timedelta(days=rng.choice((0, 0, 1)))
    lead = f"{day.month}月{day.day}日，{_sentence(title)}。" + rng.choice(_FOLLOW).format(**words)
    body = [lead, *rng.sample(corpus_paragraphs(), count)]
    if rng.random() < 0.5:
        body.append(rng.choice(_CLOSING).format(**words))
    return body


def _notice_paragraphs(rng: random.Random, words: dict[str, str], when: datetime,
                       issuer: str, count: int) -> list[str]:
    return [
        "各乡镇人民政府，县级各部门：",
        f"为做好{words['year']}年{words['topic']}工作，根据有关规定，现将有关事项通知如下：",
        *rng.sample(corpus_paragraphs(), count),
        "特此通知。",
        issuer,
        f"{when.year}年{when.month}月{when.day}日",
    ]


def _names(rng: random.Random, k: int) -> list[str]:
    return rng.sample(_REPORTERS, k)


def _apply_byline(rng: random.Random, mode: str, body: list[str], words: dict[str, str],
                  when: datetime) -> tuple[list[str], str | None]:
    """Put the reporters where this byline style puts them; returns (authors, 作者 field)."""
    if mode == "lead_a":
        shape = rng.choice(("one", "two", "two_dun", "stringer", "only_stringer"))
        a, b = _names(rng, 2)
        credit, authors = {
            "one": (f"记者 {a}", [a]),
            "two": (f"记者 {a} {b}", [a, b]),
            "two_dun": (f"记者 {a}、{b}", [a, b]),
            "stringer": (f"记者 {a} 通讯员 {b}", [a, b]),
            "only_stringer": (f"通讯员 {a}", [a]),
        }[shape]
        body[0] = f"本报讯（{credit}）{body[0]}"
        return authors, None
    if mode == "lead_b":
        (a,) = _names(rng, 1)
        place = words["town"][:-1]
        body[0] = f"本报{place}电({vocab.DAILY}全媒体记者 {a}){body[0]}"
        return [a], None
    if mode == "box":
        names = _names(rng, rng.choice((1, 1, 2)))
        body.insert(0, "□ 本报记者 " + " ".join(names))
        return names, None
    if mode == "meta":
        names = _names(rng, rng.choice((1, 1, 2)))
        return names, " ".join(names)
    if mode == "media":
        (a,) = _names(rng, 1)
        md = f"{when.month}月{when.day}日"
        dateline = rng.choice(vocab.MEDIA_DATELINES).format(md=md, town=words["town"])
        body[0] = f"{dateline}（记者 {a}）{body[0]}"
        return [a], None
    return [], ("" if rng.random() < 0.5 else None)


def _pick_mode(rng: random.Random, section: Section) -> str:
    modes, weights = zip(*section.bylines, strict=True)
    return rng.choices(modes, weights)[0]


def _source(rng: random.Random, section: Section, words: dict[str, str]) -> str | None:
    key = section.key
    if key == "bmdt":
        return vocab.COUNTY + words["dept"].removeprefix("县")
    if key == "xzdt":
        return words["town"] + "人民政府"
    if key == "whly":
        return rng.choice(("示范县文旅局", vocab.DAILY))
    if key == "tzgg":
        return rng.choice(("示范县人民政府办公室", vocab.COUNTY + words["dept"].removeprefix("县")))
    if key == "mtjj":
        return rng.choice(vocab.MEDIA_SOURCES)
    if rng.random() < 0.05:
        return None
    return rng.choice((vocab.DAILY, vocab.DAILY, vocab.SITE_NAME))


def make_article(seed: int, index: int, section: Section, published: datetime, taken: set[str],
                 *, pages: int = 1, pictures: bool | None = None,
                 attachments: bool | None = None) -> Article:
    """Compose article ``index``; ``taken`` holds the headlines already used (updated here).

    ``pictures`` / ``attachments``: True forces some, False forbids, None leaves it to chance.
    """
    rng = random.Random(f"{seed}:article:{index}")
    words = _words(rng, published)
    title = _title(rng, section.kind, words, taken)
    taken.add(title)
    source = _source(rng, section, words)
    count = 8 if pages > 1 else rng.randint(2, 5)
    if section.kind == "notice":
        body = _notice_paragraphs(rng, words, published, source or "示范县人民政府办公室", count)
        authors, author_field = [], None
    else:
        body = _news_paragraphs(rng, words, published, title, count)
        authors, author_field = _apply_byline(rng, _pick_mode(rng, section), body, words, published)
    if section.family not in ("trs", "dede"):
        author_field = None
    subtitle = None
    if section.family in ("chaotian", "trs") and rng.random() < 0.2:
        subtitle = rng.choice(vocab.DECKS).format(**words)
    editor = rng.choice(_EDITORS) if section.kind != "notice" and rng.random() < 0.6 else None
    pics: list[Picture] = []
    want_pics = rng.random() < 0.25 and section.kind != "notice" if pictures is None else pictures
    if want_pics:
        first = 1 if body[0].startswith("□") else 0
        for _ in range(rng.choice((1, 1, 2))):
            after = rng.randint(first, max(first, len(body) - 2))
            caption = rng.choice(vocab.IMAGE_CAPTIONS).format(**words)
            if all(p.after != after for p in pics):
                pics.append(Picture(caption, after))
        pics.sort(key=lambda p: p.after)
    files: list[Attachment] = []
    chance = 0.45 if section.kind == "notice" else 0.05
    want_files = rng.random() < chance if attachments is None else attachments
    if want_files:
        for shape, ext in rng.sample(vocab.ATTACHMENT_TEXTS, rng.choice((1, 1, 2))):
            files.append(Attachment(shape.format(**words), ext))
    return Article(
        index=index, section=section.key, published=published, title=title, subtitle=subtitle,
        source=source, authors=authors, author_field=author_field, editor=editor,
        paragraphs=body, pictures=pics, attachments=files, pages=pages,
    )


def edit(article: Article, seed: int) -> None:
    """Revise the body as an editor would: one paragraph is replaced by new text."""
    article.edits += 1
    rng = random.Random(f"{seed}:edit:{article.index}:{article.edits}")
    first = 1 if article.paragraphs[0].startswith("□") else 0
    candidates = [i for i in range(first + 1, len(article.paragraphs))] or [len(article.paragraphs) - 1]
    where = rng.choice(candidates)
    fresh = [p for p in corpus_paragraphs() if p not in article.paragraphs]
    stamp = article.published + timedelta(days=article.edits)
    article.paragraphs[where] = (
        f"{rng.choice(fresh)}（本文于{stamp.month}月{stamp.day}日第{article.edits}次修订）"
    )
