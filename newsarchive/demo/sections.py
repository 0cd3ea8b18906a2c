"""The demo portal's sections (栏目) and the URL scheme of the CMS family each one imitates.

A real county portal is often a patchwork: the media centre's own TRS channels, a Hanweb
government-information module, an old PHPCMS or DedeCMS sub-site. Each section here keeps the
URL shapes its family writes, so that a crawler meets them exactly as on the real sites.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Channel:
    """The breadcrumb level between 首页 and a section, with the page it links to."""

    name: str
    path: str


CHANNELS = {
    "zx": Channel("资讯", "/zx/"),
    "xz": Channel("乡镇", "/col/col1561001/index.html"),
    "ms": Channel("民生", "/index.php?m=content&c=index&a=lists&catid=2"),
    "ly": Channel("旅游", "/lvyou/"),
    "zwgk": Channel("政务公开", "/zwgk/"),
    "zt": Channel("专题", "/zt/"),
}


class Scheme:
    """Where one CMS family puts list pages, articles, pictures and attachments."""

    id_base = 0
    spread = 1  # ids advance by this much per article, leaving gaps like a shared database

    def doc_id(self, index: int) -> int:
        return self.id_base + index * self.spread + (index * 7 % self.spread)

    def spare_id(self, index: int) -> int:
        """An id near ``doc_id(index)`` that no article uses (for list items that are not articles)."""
        if self.spread > 1:
            return self.id_base + index * self.spread + ((index * 7 + 1) % self.spread)
        return self.id_base + 900_000 + index

    def list_path(self, page: int) -> str:
        raise NotImplementedError

    def list_aliases(self) -> tuple[str, ...]:
        """Other paths that serve the first list page (a channel directory, say)."""
        return ()

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        raise NotImplementedError

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        raise NotImplementedError

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        raise NotImplementedError

    def href(self, from_path: str, to_path: str, host: str) -> str:
        """A link as this family writes it on the page at ``from_path``."""
        return to_path


def relative(from_path: str, to_path: str) -> str:
    """A ``./`` or ``../`` link, the way TRS WCM publishes them."""
    if "?" in to_path:
        to_path, query = to_path.split("?", 1)
        query = "?" + query
    else:
        query = ""
    base = from_path.rsplit("/", 1)[0] or "/"
    rel = posixpath.relpath(to_path, base)
    if to_path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if not rel.startswith("../"):
        rel = "./" + rel
    return rel + query


@dataclass(frozen=True)
class TrsScheme(Scheme):
    """TRS WCM: ``index.html``, ``index_1.html``…; ``./202404/t20240418_1234567.html``."""

    root: str
    id_base: int = 1_230_000
    spread: int = 3

    def list_path(self, page: int) -> str:
        return f"{self.root}index.html" if page == 1 else f"{self.root}index_{page - 1}.html"

    def list_aliases(self) -> tuple[str, ...]:
        return (self.root,)

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        suffix = "" if page == 1 else f"_{page}"
        return f"{self.root}{when:%Y%m}/t{when:%Y%m%d}_{doc_id}{suffix}.html"

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"{self.root}{when:%Y%m}/W0{when:%Y%m%d}{doc_id}{n:03d}.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"{self.root}{when:%Y%m}/P0{when:%Y%m%d}{doc_id}{n:03d}.{ext}"

    def href(self, from_path: str, to_path: str, host: str) -> str:
        return relative(from_path, to_path)


@dataclass(frozen=True)
class HanwebScheme(Scheme):
    """Hanweb JCMS: ``/col/col1561003/index.html``; ``/art/2024/4/18/art_1561003_30401234.html``."""

    column: int
    unit: int
    web: int = 3185
    id_base: int = 30_400_000
    spread: int = 3

    def list_path(self, page: int) -> str:
        return f"/col/col{self.column}/index.html"

    def list_aliases(self) -> tuple[str, ...]:
        return (f"/col/col{self.column}/",)

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        suffix = "" if page == 1 else f"_{page}"
        return f"/art/{when.year}/{when.month}/{when.day}/art_{self.column}_{doc_id}{suffix}.html"

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"/picture/0/{when:%y%m%d%H%M}{doc_id % 10000:04d}{n}.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"/module/download/downfile.jsp?classid=0&filename={when:%y%m%d%H%M}{doc_id % 10000:04d}{n}.{ext}"


@dataclass(frozen=True)
class PhpcmsScheme(Scheme):
    """PHPCMS v9: every page is ``/index.php`` with m/c/a/catid/id/page in the query."""

    catid: int
    id_base: int = 300

    def list_path(self, page: int) -> str:
        base = f"/index.php?m=content&c=index&a=lists&catid={self.catid}"
        return base if page == 1 else f"{base}&page={page}"

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        base = f"/index.php?m=content&c=index&a=show&catid={self.catid}&id={doc_id}"
        return base if page == 1 else f"{base}&page={page}"

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"/uploadfile/{when:%Y}/{when:%m%d}/{when:%Y%m%d%H%M%S}{doc_id % 1000:03d}{n}.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"/uploadfile/{when:%Y}/{when:%m%d}/{when:%Y%m%d%H%M%S}{doc_id % 1000:03d}{n}.{ext}"

    def href(self, from_path: str, to_path: str, host: str) -> str:
        return f"http://{host}{to_path}"


@dataclass(frozen=True)
class DedeScheme(Scheme):
    """DedeCMS: ``list_3_1.html``, ``list_3_2.html``…; ``/whly/20240513/123.html``, ``123_2.html``."""

    root: str
    typeid: int
    id_base: int = 100

    def list_path(self, page: int) -> str:
        return f"{self.root}list_{self.typeid}_{page}.html"

    def list_aliases(self) -> tuple[str, ...]:
        return (self.root,)

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        suffix = "" if page == 1 else f"_{page}"
        return f"{self.root}{when:%Y%m%d}/{doc_id}{suffix}.html"

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"/uploads/allimg/{when:%y%m%d}/1-{when:%y%m%d%H%M%S}{n}.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"/uploads/soft/{when:%y%m%d}/1-{when:%y%m%d%H%M%S}{n}.{ext}"


@dataclass(frozen=True)
class EmpireScheme(Scheme):
    """EmpireCMS: ``index.html``, ``index_2.html``…; ``/tzgg/2024-04-18/1234.html``."""

    root: str
    id_base: int = 1200

    def list_path(self, page: int) -> str:
        return f"{self.root}index.html" if page == 1 else f"{self.root}index_{page}.html"

    def list_aliases(self) -> tuple[str, ...]:
        return (self.root,)

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        suffix = "" if page == 1 else f"_{page}"
        return f"{self.root}{when:%Y-%m-%d}/{doc_id}{suffix}.html"

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"/d/file{self.root}{when:%Y-%m-%d}/{doc_id:x}{n:02d}a7.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"/d/file{self.root}{when:%Y-%m-%d}/{doc_id:x}{n:02d}f3.{ext}"


@dataclass(frozen=True)
class FounderScheme(Scheme):
    """Newspaper CMS: ``/mtjj/?page=2``; ``/mtjj/2024-05/13/content_117184963.htm``."""

    root: str
    id_base: int = 117_180_000
    spread: int = 3

    def list_path(self, page: int) -> str:
        return self.root if page == 1 else f"{self.root}?page={page}"

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        suffix = "" if page == 1 else f"_{page}"
        return f"{self.root}{when:%Y-%m}/{when:%d}/content_{doc_id}{suffix}.htm"

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"{self.root}{when:%Y-%m}/{when:%d}/{doc_id}_{n}.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"{self.root}{when:%Y-%m}/{when:%d}/{doc_id}_{n}.{ext}"

    def href(self, from_path: str, to_path: str, host: str) -> str:
        return relative(from_path, to_path)


@dataclass(frozen=True)
class FaultScheme(Scheme):
    """The fault section: plain paths under ``/fault/``, named after what they do."""

    root: str = "/fault/"

    def list_path(self, page: int) -> str:
        return f"{self.root}index.html" if page == 1 else f"{self.root}index_{page}.html"

    def list_aliases(self) -> tuple[str, ...]:
        return (self.root,)

    def article_path(self, doc_id: int, when: datetime, page: int = 1) -> str:
        raise LookupError("fault pages are named, not numbered")

    def picture_path(self, doc_id: int, when: datetime, n: int) -> str:
        return f"{self.root}pic_{doc_id}_{n}.png"

    def attachment_path(self, doc_id: int, when: datetime, n: int, ext: str) -> str:
        return f"{self.root}file_{doc_id}_{n}.{ext}"


@dataclass(frozen=True)
class Section:
    """One 栏目: its name, breadcrumb, page template family, pagination style and URLs."""

    key: str
    name: str
    channel: Channel
    style: str  # pagination style, as reported by DemoPortal.sections()
    family: str  # article/list template family (render.py)
    cms: str
    kind: str  # news | notice | media: what kind of articles it carries
    per_page: int
    precision: str  # what its meta line shows: "date" | "minute" | "second"
    weight: float  # share of generated articles
    scheme: Scheme
    charset: str = "utf-8"
    bylines: tuple[tuple[str, float], ...] = field(default=(("none", 1.0),))

    @property
    def crumbs(self) -> list[str]:
        """The breadcrumb as the truth records it (without 正文)."""
        return ["首页", self.channel.name, self.name]


SECTIONS: tuple[Section, ...] = (
    Section(
        "zwyw", "政务要闻", CHANNELS["zx"], "trs_createpagehtml", "chaotian", "TRS WCM", "news",
        20, "minute", 0.20, TrsScheme("/zx/zwyw/"),
        bylines=(("lead_a", 0.35), ("lead_b", 0.2), ("box", 0.15), ("none", 0.3)),
    ),
    Section(
        "bmdt", "部门动态", CHANNELS["zx"], "trs_countpage", "trs", "TRS WCM", "news",
        15, "minute", 0.14, TrsScheme("/zx/bmdt/"),
        bylines=(("meta", 0.45), ("lead_a", 0.25), ("none", 0.3)),
    ),
    Section(
        "xzdt", "乡镇动态", CHANNELS["xz"], "hanweb_jpage", "hanweb", "Hanweb JCMS", "news",
        15, "date", 0.14, HanwebScheme(column=1561003, unit=5163019),
        bylines=(("lead_a", 0.3), ("none", 0.7)),
    ),
    Section(
        "msgz", "民生关注", CHANNELS["ms"], "phpcms_pages", "phpcms", "PHPCMS", "news",
        20, "second", 0.12, PhpcmsScheme(catid=5),
        bylines=(("lead_a", 0.4), ("box", 0.2), ("none", 0.4)),
    ),
    Section(
        "whly", "文化旅游", CHANNELS["ly"], "dedecms_list", "dede", "DedeCMS", "news",
        18, "date", 0.12, DedeScheme("/whly/", typeid=3), charset="gbk",
        bylines=(("meta", 0.5), ("none", 0.5)),
    ),
    Section(
        "ldhd", "领导活动", CHANNELS["zx"], "prevnext_chain", "chaotian", "TRS WCM", "news",
        1, "minute", 0.08, TrsScheme("/zx/ldhd/"),
        bylines=(("lead_a", 0.4), ("lead_b", 0.3), ("none", 0.3)),
    ),
    Section(
        "tzgg", "通知公告", CHANNELS["zwgk"], "index_n_links", "empire", "EmpireCMS", "notice",
        16, "date", 0.10, EmpireScheme("/tzgg/"),
    ),
    Section(
        "mtjj", "媒体聚焦", CHANNELS["zx"], "page_param", "founder", "Founder", "media",
        15, "second", 0.10, FounderScheme("/mtjj/"),
        bylines=(("media", 0.8), ("none", 0.2)),
    ),
)

FAULT_SECTION = Section(
    "fault", "故障测试", CHANNELS["zt"], "endless_pagination", "chaotian", "TRS WCM", "news",
    15, "minute", 0.0, FaultScheme(),
    bylines=(("lead_a", 1.0),),
)

BY_KEY: dict[str, Section] = {s.key: s for s in (*SECTIONS, FAULT_SECTION)}
