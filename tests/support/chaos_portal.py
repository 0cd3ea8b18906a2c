"""A seeded county news portal, written from how real Chinese government portals look,
and a loopback HTTP server for it: the "chaos portal" of the completeness tests.

Nothing here comes from the crawler: it imports no ``newsarchive`` module, so the pages
are not shaped by what the extractors expect. ``ChaosPortal(seed)`` builds, from the seed
alone, a portal of 3-6 sections (栏目), each paging its list in one of the ways real CMSs
do:

``plain``       DedeCMS / EmpireCMS: 首页 上一页 1 2 3 … 下一页 尾页 links, pages
                ``list_3_2.html`` (首页 is ``list_3_1.html``) or ``index_2.html``;
``query``       PHPCMS: ``index.php?m=content&c=index&a=lists&catid=6&page=2``;
``trs_create``  TRS WCM: ``createPageHTML(12, 0, "index", "html")`` written by script, so the
                page links are not in the HTML (0-based: ``index.html``, ``index_1.html`` …);
``trs_count``   TRS WCM: ``var countPage = 12`` / ``var currentPage = 0`` and the
                ``document.write`` of ``"index" + "_" + nextPage + "." + "html"``;
``hanweb``      Hanweb / 大汉 JCMS column: the first window of records inside
                ``<script type="text/xml"><datastore>…`` with the jpage call (totalRecord,
                perPage, groupSize, proxyUrl, ajaxParam), the rest POSTed to
                ``/module/web/jpage/dataproxy.jsp?startrecord=A&endrecord=B&perpage=P``;
``chain``       no list at all: the start URL is one article, the others are reached only
                along 上一条/下一条 (the ends are ``javascript:void(0)``, 没有了 or nothing).

Articles of every section carry 上一条/下一条 links to their neighbours, and some are split
over 2-4 pages (``t20240418_123_1.html`` TRS-style, 0-based; ``123_2.html`` 1-based) with an
in-body pager. Some sections are GBK. ``portal.articles`` is the truth: for every article its
canonical URL, title, publication time, source, authors, body (all pages joined) and
section; ``portal.start_urls`` are the section entry URLs.

``serve(portal)`` runs it on 127.0.0.1 in a thread of the calling process, with a small
per-response latency (deterministic per URL) so that a killed crawl dies mid-way, a
robots.txt that allows everything, and 404 for anything else. Every request is logged.
"""

from __future__ import annotations

import contextlib
import html
import posixpath
import random
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from urllib.parse import parse_qsl, quote, urlsplit

CHINA = timezone(timedelta(hours=8))
STYLES = ("plain", "query", "trs_create", "trs_count", "hanweb", "chain")
LIST_STYLES = ("plain", "query", "trs_create", "trs_count", "hanweb")
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
# Where JCMS versions put the data proxy (older ones under jslib/jquery, some under module/jpage).
PROXIES = (DATAPROXY, "/module/jslib/jquery/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp")
MAX_ARTICLES = 260  # a portal's size at most, so that a crawl of it takes seconds
MAX_BODY = 1 << 20  # request bodies read at most (a jpage form is a few hundred bytes)

# --- vocabulary -------------------------------------------------------------------------------
COUNTIES = ("云岭县", "青溪县", "临川区", "松阳县", "白河县", "安平县", "龙泉县", "清水县", "石门县", "永和县")
CITIES = ("广元", "绵阳", "遂宁", "宜宾", "达州", "雅安", "巴中", "眉山")
TOWNS = ("城关镇", "东坝镇", "河口镇", "柳溪乡", "石桥镇", "南山乡", "新集镇", "白沙镇", "高桥乡", "马家镇", "双河镇", "桃源乡", "龙潭镇", "青龙乡")
VILLAGES = ("杨柳", "清泉", "红星", "青山", "金竹", "桂花", "新民", "和平", "光明", "朝阳", "五星", "凤凰", "白果", "茶园")
DEPTS = (
    "县发展改革局", "县教育局", "县农业农村局", "县水利局", "县卫生健康局", "县住房城乡建设局", "县交通运输局",
    "县市场监管局", "县文化广电旅游局", "县生态环境局", "县应急管理局", "县人力资源社会保障局", "县民政局",
    "县财政局", "县自然资源局", "县商务局", "县林业局", "县医保局", "县退役军人事务局", "县数据局",
)
TOPICS = (
    "乡村振兴", "人居环境整治", "安全生产", "森林防火", "防汛减灾", "营商环境优化", "高标准农田建设", "义务教育均衡发展",
    "基层医疗服务", "就业创业", "文明城市创建", "生态环境保护", "河长制", "社会治理", "项目建设", "招商引资", "民生实事",
    "食品安全", "消防安全", "春耕备耕", "产业发展", "文旅融合", "数字政府建设", "老旧小区改造", "农村供水保障", "秸秆禁烧",
    "道路交通安全", "反诈宣传", "耕地保护", "粮食安全", "茶产业发展", "电商助农", "养老服务", "乡村治理", "干部作风建设",
    "政务服务", "信访工作", "林长制", "非遗保护", "全民健身",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = (
    "建国", "晓明", "海燕", "志强", "丽娟", "红梅", "文杰", "子涵", "国华", "春燕", "永刚", "秀英", "伟", "静", "敏",
    "磊", "洋", "艳", "军", "勇", "涛", "明", "超", "霞", "平", "刚", "桂英", "玉兰", "立新", "德明", "思远", "雨轩",
    "浩然", "佳怡", "俊杰", "婷婷", "鹏飞", "雪梅", "光辉", "宏伟",
)
LEADER_TITLES = ("县委书记", "县委副书记、县长", "县委常委、常务副县长", "副县长", "县人大常委会主任", "县政协主席")
BENEFITS = ("路通了、水清了", "家门口就能看病", "农产品不愁卖了", "孩子上学方便多了", "村里环境变美了", "办事不用跑远路了")
ACTIONS = ("多措并举推进{t}", "扎实开展{t}专项行动", "跑出{t}“加速度”", "念好{t}“三字经”", "织密{t}“防护网”", "答好{t}“民生卷”")
SECTION_NAMES = (
    ("政务要闻", "zwyw"), ("部门动态", "bmdt"), ("乡镇动态", "xzdt"), ("通知公告", "tzgg"), ("领导活动", "ldhd"),
    ("图片新闻", "tpxw"), ("基层动态", "jcdt"), ("媒体聚焦", "mtjj"), ("政策解读", "zcjd"), ("工作动态", "gzdt"),
)
CHANNELS = (("新闻中心", "xwzx"), ("政务公开", "zwgk"), ("资讯", "zx"))
TITLES = (
    "{county}召开{t}工作推进会",
    "{lt}{leader}到{town}调研{t}工作",
    "{town}：{action}",
    "{dept}开展{t}专项检查",
    "我县举办{t}业务培训班",
    "关于做好{year}年{t}工作的通知",
    "{county}{t}工作取得阶段性成效",
    "{town}{village}村：{t}绘就乡村新画卷",
    "{dept}召开{t}工作会议",
    "{county}部署{quarter}{t}工作",
    "{town}召开{t}和{t2}工作会",
    "{dept}深入{town}督导{t}工作",
)
SENTENCES = (
    "{md}，{county}召开{t}工作推进会，总结前一阶段工作成效，安排部署下一步重点任务。",
    "{lt}{leader}出席会议并讲话。",
    "会议指出，{t}事关群众切身利益，各乡镇、各部门要提高政治站位，压紧压实工作责任。",
    "会议要求，要坚持问题导向，聚焦{t2}中的短板弱项，逐项制定整改措施，确保各项工作落地见效。",
    "据了解，今年以来，{town}累计投入资金{n1}万元，实施{t}项目{n2}个，惠及群众{n3}余户。",
    "{dept}相关负责人介绍，下一步将持续加大{t}工作力度，推动{t2}提质增效。",
    "活动现场，工作人员通过发放宣传资料、设置咨询台等方式，向群众普及{t}相关知识，共发放宣传资料{n3}余份。",
    "截至目前，全县{t}工作完成率达到{p1}%，较去年同期提高{p2}个百分点。",
    "{leader}强调，要以{t}为抓手，统筹推进{t2}和{t3}，奋力开创高质量发展新局面。",
    "在{town}{village}村，村民{person}告诉记者：“现在{benefit}，日子越过越红火。”",
    "调研组一行先后深入{town}、{town2}等地，实地察看{t}项目建设进展情况，详细了解项目推进中存在的困难和问题。",
    "近年来，{county}始终把{t}作为重要民生工程来抓，建立健全长效机制，取得了明显成效。",
    "下一步，{county}将进一步完善工作机制，强化督促检查，确保{t}各项任务按时保质完成。",
    "此次培训共有{n2}名基层干部参加，培训内容涵盖{t}政策解读、业务操作和典型案例分析等方面。",
    "为切实做好{t}工作，{dept}成立专项工作组，深入{town}开展督导检查，发现问题{n4}个，现场整改{n5}个。",
    "会上，{town}、{dept}等单位作了交流发言。",
    "与会人员一致表示，将认真贯彻落实会议精神，以更加务实的作风推动{t}工作取得新成效。",
    "{month}月以来，{town}组织党员干部、志愿者{n3}余人次，开展{t}集中行动{n4}次。",
    "{dept}坚持“线上+线下”相结合，累计受理群众诉求{n3}件，办结率{p1}%。",
    "{town}把{t}与{t2}结合起来，探索形成了“{n4}+{n5}”工作模式，相关做法在全县推广。",
    "“我们将继续盯紧{t}重点环节，做到底数清、情况明、措施实。”{dept}负责人{person}说。",
    "目前，{n2}个{t}项目已全部开工，完成投资{n1}万元，预计年底前全面完工。",
)


def _china(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=CHINA)


# --- the model --------------------------------------------------------------------------------
@dataclass(eq=False)
class Article:
    """One story: what a reader of its pages sees, and where its pages are."""

    number: int
    section: Section = field(repr=False)
    title: str = ""
    published: datetime = datetime(2024, 1, 1, tzinfo=CHINA)
    precision: str = "minute"  # "day", "minute" or "second": what the page shows
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    pages: list[list[str]] = field(default_factory=list)  # paragraphs, page by page
    moment: datetime = datetime(2024, 1, 1, tzinfo=CHINA)  # when it was published, to the second
    path: str = ""
    page_paths: list[str] = field(default_factory=list)
    newer: Article | None = field(default=None, repr=False)  # neighbours in the section, newest first
    older: Article | None = field(default=None, repr=False)

    @property
    def body(self) -> str:
        return "\n".join(p for page in self.pages for p in page)

    @property
    def published_at(self) -> str:
        """ISO 8601 in China time at the page's precision."""
        if self.precision == "day":
            return self.published.date().isoformat()
        return self.published.isoformat(timespec="seconds")


@dataclass(eq=False)
class Section:
    """One 栏目: its paging style, its pages' look and its articles, newest first."""

    key: str
    name: str
    channel: tuple[str, str]
    style: str
    variant: int  # template flavour of the style
    url_style: str  # "trs", "hanweb" or "plain" article URLs
    link_form: str  # "relative", "root" or "absolute" hrefs
    encoding: str  # "utf-8" or "gbk"
    declared: str  # the charset the pages declare
    header_charset: bool  # whether Content-Type names the charset
    article_look: int
    list_look: int
    date_format: int
    prev_is_newer: bool  # 上一条 links the newer neighbour
    chain_end: int  # how a 上一条/下一条 line ends at the end of the chain
    per_page: int
    articles: list[Article] = field(default_factory=list, repr=False)
    # paging details
    number_id: int = 0  # Dede typeid, PHPCMS catid, Hanweb columnid
    unit_id: int = 0  # Hanweb unitid
    group_size: int = 1  # Hanweb jpage groupSize
    ext: str = "html"
    start_index: bool = False  # start URL names index.html rather than the directory
    proxy: str = DATAPROXY  # a Hanweb column's data proxy
    chain_start: int = 0

    @property
    def directory(self) -> str:
        if self.style == "plain" and self.variant == 0:
            return f"/a/{self.key}/"
        return f"/{self.channel[1]}/{self.key}/"

    def list_path(self, index: int) -> str:
        """The path of list page ``index`` (0-based) of a list section."""
        if self.style == "plain" and self.variant == 0:  # DedeCMS
            return self.directory if index == 0 else f"{self.directory}list_{self.number_id}_{index + 1}.html"
        if self.style == "plain":  # EmpireCMS
            return f"{self.directory}index.html" if index == 0 else f"{self.directory}index_{index + 1}.html"
        if self.style == "query":
            base = f"/index.php?m=content&c=index&a=lists&catid={self.number_id}"
            return base if index == 0 else f"{base}&page={index + 1}"
        if self.style in ("trs_create", "trs_count"):
            return f"{self.directory}index.{self.ext}" if index == 0 else f"{self.directory}index_{index}.{self.ext}"
        if self.style == "hanweb":
            return f"/col/col{self.number_id}/index.html"
        raise ValueError(self.style)

    @property
    def list_count(self) -> int:
        if self.style == "hanweb":
            return 1
        return max(1, -(-len(self.articles) // self.per_page))

    @property
    def window(self) -> int:
        """Records per dataproxy window of a Hanweb column (and in its page)."""
        return self.per_page * self.group_size

    @property
    def start_path(self) -> str:
        if self.style == "chain":
            return self.articles[self.chain_start].path
        if self.style in ("plain", "trs_create", "trs_count") and not self.start_index:
            return self.directory
        return self.list_path(0)


class ChaosPortal:
    """A whole portal built from ``seed``; ``base_url`` is set by :func:`serve`."""

    def __init__(self, seed: int, base_url: str = "http://127.0.0.1") -> None:
        self.seed = seed
        self.base_url = base_url.rstrip("/")
        self.rng = rng = random.Random(seed)
        self.county = rng.choice(COUNTIES)
        self.city = rng.choice(CITIES)
        self.site_name = f"{self.county}人民政府" if rng.random() < 0.5 else f"{self.county}融媒体中心"
        self.web_id = rng.randint(2, 90)
        self.icp = f"蜀ICP备{rng.randint(10_000_000, 99_999_999)}号"
        self._titles: set[str] = set()
        self.sections = self._build_sections()
        self._number_articles()
        self._routes: dict[str, tuple] = {}
        self._route()
        self._cache: dict[tuple[str, str], bytes] = {}

    # -- building --------------------------------------------------------------------------
    def _build_sections(self) -> list[Section]:
        rng = self.rng
        count = rng.randint(3, 6)
        styles = rng.sample(STYLES, count)
        names = rng.sample(SECTION_NAMES, count)
        sections: list[tuple[Section, int]] = []
        used_ids: list[int] = []
        for style, (name, key) in zip(styles, names, strict=True):
            encoding = "gbk" if rng.random() < 0.3 else "utf-8"
            natural = {"trs_create": "trs", "trs_count": "trs", "hanweb": "hanweb"}.get(style, "plain")
            url_style = natural if rng.random() < 0.75 else rng.choice(("trs", "hanweb", "plain"))
            number_id = rng.randint(1_229_000, 1_229_999) if style == "hanweb" else rng.randint(2, 60)
            while number_id in used_ids:
                number_id += 1
            used_ids.append(number_id)
            section = Section(
                key=key,
                name=name,
                channel=rng.choice(CHANNELS),
                style=style,
                variant=rng.randint(0, 1),
                url_style=url_style,
                # jpage puts records into the column page: they link by root path or in full
                link_form=rng.choice(("root", "absolute")) if style == "hanweb" else rng.choice(("relative", "relative", "root", "absolute")),
                encoding=encoding,
                declared=rng.choice(("gbk", "GBK", "gb2312")) if encoding == "gbk" else rng.choice(("utf-8", "UTF-8")),
                header_charset=rng.random() < 0.5,
                article_look=rng.randint(0, 2),
                list_look=rng.randint(0, 2),
                date_format=rng.randint(0, 3),
                prev_is_newer=rng.random() < 0.6,
                chain_end=rng.randint(0, 2),
                per_page=rng.choice((8, 10, 12, 15, 20)),
                number_id=number_id,
                unit_id=rng.randint(3000, 9_999_999),
                ext=rng.choice(("html", "html", "shtml", "htm")),
                start_index=rng.random() < 0.4,
                proxy=rng.choice(PROXIES),
            )
            if style == "hanweb":  # four to seven windows of records, the first in the page
                while True:
                    section.per_page = rng.choice((5, 8, 10, 12, 15))
                    section.group_size = rng.choice((1, 2, 3))
                    windows = rng.randint(4, 7)
                    if (windows - 1) * section.window < 120:
                        break
                n = min(120, (windows - 1) * section.window + rng.randint(1, section.window))
            elif style == "chain":
                n = rng.randint(10, 60)
            else:
                n = rng.randint(2 * section.per_page + 1, min(70, 6 * section.per_page))
            sections.append((section, n))
        budget = rng.randint(80, MAX_ARTICLES)
        sizes = [n for _, n in sections]
        while sum(sizes) > budget:  # trim the largest section that can give, down to its minimum
            room = [(n - _least(s), i) for i, ((s, _), n) in enumerate(zip(sections, sizes, strict=True)) if n > _least(s)]
            if not room:
                break
            give, i = max(room)
            sizes[i] -= min(give, max(1, sizes[i] // 10), sum(sizes) - budget)
        for (section, _), n in zip(sections, sizes, strict=True):
            section.articles = self._make_articles(section, n)
            if section.style == "chain":
                section.chain_start = rng.choice((0, n - 1, rng.randint(1, n - 2)))
        return [section for section, _ in sections]

    def _make_articles(self, section: Section, n: int) -> list[Article]:
        rng = self.rng
        when = _china(2024, rng.randint(5, 9), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59))
        articles = []
        for i in range(n):
            if i:
                when -= timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)), hours=rng.randint(0, 9), minutes=rng.randint(0, 59), seconds=rng.randint(1, 59))
                if when.hour < 7 or when.hour > 21:  # office hours: the day before, still older
                    when = (when - timedelta(days=1)).replace(hour=rng.randint(8, 18))
            precision = ("minute", "minute", "second", "day")[section.date_format]
            published = when.replace(second=0) if precision == "minute" else when
            if precision == "day":
                published = published.replace(hour=0, minute=0, second=0)
            paragraphs = self._paragraphs(published)
            authors = self._people(rng.choice((0, 1, 1, 2)))
            lead = rng.random() < 0.35 and authors
            if lead:
                paragraphs[0] = f"本报讯（记者 {' '.join(authors)}）{paragraphs[0]}"
            page_count = rng.choice((2, 2, 3, 4)) if rng.random() < 0.14 and len(paragraphs) >= 6 else 1
            articles.append(
                Article(
                    number=0,
                    moment=when,
                    section=section,
                    title=self._title(published),
                    published=published,
                    precision=precision,
                    source=rng.choice((f"{self.county}融媒体中心", f"{self.county}人民政府办公室", rng.choice(DEPTS), f"{self.city}日报", "县委宣传部")),
                    authors=authors,
                    editor=self._people(1)[0] if rng.random() < 0.7 else None,
                    pages=_split(paragraphs, page_count, rng),
                )
            )
        return articles

    def _people(self, n: int) -> list[str]:
        names: list[str] = []
        while len(names) < n:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in names:
                names.append(name)
        return names

    def _fill(self, template: str, when: datetime) -> str:
        rng = self.rng
        t, t2, t3 = rng.sample(TOPICS, 3)
        town, town2 = rng.sample(TOWNS, 2)
        return template.format(
            county=self.county, t=t, t2=t2, t3=t3, town=town, town2=town2, village=rng.choice(VILLAGES),
            dept=rng.choice(DEPTS), lt=rng.choice(LEADER_TITLES), leader=self._people(1)[0], person=self._people(1)[0],
            benefit=rng.choice(BENEFITS), action=rng.choice(ACTIONS).format(t=t), year=when.year,
            quarter=rng.choice(("一季度", "二季度", "三季度", "四季度", "上半年", "下半年")),
            md=f"{when.month}月{when.day}日", month=when.month,
            n1=rng.randint(50, 9000), n2=rng.randint(3, 90), n3=rng.randint(100, 9000), n4=rng.randint(2, 30),
            n5=rng.randint(1, 9), p1=rng.randint(60, 99), p2=rng.randint(1, 20),
        )

    def _title(self, when: datetime) -> str:
        for _ in range(200):
            title = self._fill(self.rng.choice(TITLES), when)
            if title not in self._titles:
                self._titles.add(title)
                return title
        raise RuntimeError("ran out of titles")  # pragma: no cover - the vocabulary is large

    def _paragraphs(self, when: datetime) -> list[str]:
        rng = self.rng
        first = self._fill(SENTENCES[0], when) + self._fill(rng.choice(SENTENCES[1:3]), when)
        paragraphs = [first]
        for _ in range(rng.randint(3, 10)):
            paragraphs.append("".join(self._fill(rng.choice(SENTENCES[1:]), when) for _ in range(rng.randint(1, 4))))
        return paragraphs

    def _number_articles(self) -> None:
        """Ids grow with time over the whole portal, as a CMS hands them out; then paths."""
        every = sorted((a for s in self.sections for a in s.articles), key=lambda a: a.moment)
        number = self.rng.randint(100_000, 900_000)
        for article in every:
            number += self.rng.randint(1, 40)
            article.number = number
        for section in self.sections:
            for i, article in enumerate(section.articles):
                article.newer = section.articles[i - 1] if i else None
                article.older = section.articles[i + 1] if i + 1 < len(section.articles) else None
                article.page_paths = [self._article_path(article, k) for k in range(len(article.pages))]
                article.path = article.page_paths[0]

    def _article_path(self, article: Article, page: int) -> str:
        """TRS pages count from 0 (``t…_1.html`` is the second page); others from 1 (``_2``)."""
        d, section = article.published, article.section
        if section.url_style == "trs":
            tail = f"_{page}" if page else ""
            return f"{section.directory}{d:%Y%m}/t{d:%Y%m%d}_{article.number}{tail}.html"
        tail = f"_{page + 1}" if page else ""
        if section.url_style == "hanweb":
            column = section.number_id if section.style == "hanweb" else 1_228_000 + section.number_id
            return f"/art/{d.year}/{d.month}/{d.day}/art_{column}_{article.number}{tail}.html"
        return f"/html/{d.year}/{d:%m%d}/{article.number}{tail}.html"

    def _route(self) -> None:
        routes = self._routes
        routes["/"] = ("home",)
        routes["/index.html"] = ("home",)
        routes["/robots.txt"] = ("robots",)
        routes["/common/js/createPageHTML.js"] = ("script", CREATE_PAGE_JS)
        routes["/module/web/jpage/jpage.js"] = ("script", "/* jpage: pages a column's records (jQuery plugin) */\n")
        routes["/css/style.css"] = ("static", "text/css", b"body{margin:0;font:14px/1.8 SimSun,serif}.w1200{width:1200px;margin:0 auto}\n")
        routes["/images/logo.png"] = ("static", "image/png", PIXEL)
        for section in self.sections:
            routes.setdefault(f"/{section.channel[1]}/", ("channel", section.channel))
            if section.style != "chain":
                for index in range(section.list_count):
                    routes[_route_key(section.list_path(index))] = ("list", section, index)
                if section.style in ("plain", "trs_create", "trs_count"):
                    routes[section.directory] = ("list", section, 0)
                    routes[f"{section.directory}index.{section.ext if section.style.startswith('trs') else 'html'}"] = ("list", section, 0)
                if section.style == "plain" and section.variant == 0:
                    routes[f"{section.directory}list_{section.number_id}_1.html"] = ("list", section, 0)
                if section.style == "query":
                    routes[_route_key(f"{section.list_path(0)}&page=1")] = ("list", section, 0)
            for article in section.articles:
                for page, path in enumerate(article.page_paths):
                    routes[path] = ("article", article, page)

    # -- the truth -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def start_urls(self) -> list[str]:
        return [self.url(s.start_path) for s in self.sections]

    @property
    def articles(self) -> list[dict]:
        """Every article as a reader sees it: canonical URL (its first page), title,
        publication time, source, authors, body (all pages joined), section."""
        return [
            {
                "url": self.url(a.path),
                "title": a.title,
                "published_at": a.published_at,
                "source": a.source,
                "authors": list(a.authors),
                "body": a.body,
                "section": s.name,
                "style": s.style,
                "pages": [self.url(p) for p in a.page_paths],
            }
            for s in self.sections
            for a in s.articles
        ]

    @property
    def listed_sections(self) -> list[Section]:
        """Sections the navigation links; a 上一条/下一条-only one has no page to link."""
        return [s for s in self.sections if s.style != "chain"]

    @property
    def styles(self) -> list[str]:
        return [s.style for s in self.sections]

    def describe(self) -> str:
        """One line per section, for reports."""
        lines = []
        for s in self.sections:
            split = sum(1 for a in s.articles if len(a.pages) > 1)
            extra = f" perPage={s.per_page} groupSize={s.group_size} window={s.window}" if s.style == "hanweb" else f" per_page={s.per_page}"
            lines.append(f"{s.name} {s.style}/{s.variant} {s.encoding} urls={s.url_style} {len(s.articles)} articles, {split} split,{extra} start={s.start_path}")
        return "\n".join(lines)

    # -- answering -------------------------------------------------------------------------
    def respond(self, method: str, target: str, body: bytes = b"") -> tuple[int, list[tuple[str, str]], bytes]:
        """(status, headers, body) for a request, as the portal's web server answers it."""
        parts = urlsplit(target)
        path = parts.path or "/"
        if method not in ("GET", "HEAD", "POST"):
            return 405, [("Content-Type", "text/plain")], b"method not allowed"
        if path in PROXIES:
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            if method == "POST":
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            return 200, [("Content-Type", "text/xml;charset=UTF-8")], self._dataproxy(path, params).encode("utf-8")
        if method == "POST" and path != "/index.php":  # nginx answers a POST to a static file so
            return 405, [("Content-Type", "text/html")], b"<html><body><h1>405 Not Allowed</h1></body></html>"
        route = self._routes.get(_route_key(target))
        if route is None:
            return 404, [("Content-Type", "text/html; charset=utf-8")], NOT_FOUND.encode("utf-8")
        kind = route[0]
        if kind == "robots":
            return 200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow:\n"
        if kind == "script":
            return 200, [("Content-Type", "application/javascript")], route[1].encode("utf-8")
        if kind == "static":
            return 200, [("Content-Type", route[1])], route[2]
        key = (_route_key(target), "page")
        if key not in self._cache:
            if kind == "home":
                text, section = self._home(), None
            elif kind == "channel":
                text, section = self._channel(route[1]), None
            elif kind == "list":
                text, section = self._list(route[1], route[2], path_of(target)), route[1]
            else:
                text, section = self._article(route[1], route[2]), route[1].section
            encoding = section.encoding if section else "utf-8"
            self._cache[key] = text.encode(encoding)
        section = route[1] if kind == "list" else route[1].section if kind == "article" else None
        if section is not None and section.encoding == "gbk":
            content_type = f"text/html; charset={section.declared}" if section.header_charset else "text/html"
        else:
            content_type = "text/html; charset=utf-8" if section is None or section.header_charset else "text/html"
        return 200, [("Content-Type", content_type)], self._cache[key]

    # -- links -----------------------------------------------------------------------------
    def href(self, source: str, target: str, form: str) -> str:
        """A link from the page at ``source`` to ``target`` as the section writes them."""
        if form == "absolute":
            return html.escape(self.url(target))
        if form == "root":
            return html.escape(target)
        here = path_of(source)
        directory = here if here.endswith("/") else here.rsplit("/", 1)[0] + "/"
        to_path, _, query = target.partition("?")
        rel = posixpath.relpath(to_path, directory.rstrip("/") or "/")
        if to_path.endswith("/") and rel != ".":
            rel += "/"
        if not rel.startswith("."):
            rel = "./" + rel
        if rel in ("./.", "."):
            rel = "./"
        return html.escape(rel + (f"?{query}" if query else ""))

    # -- pages -----------------------------------------------------------------------------
    def _head(self, title: str, section: Section | None, extra: str = "") -> str:
        charset = section.declared if section else "utf-8"
        meta = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'
            if section is None or section.variant == 0
            else f'<meta charset="{charset}">'
        )
        return (
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            f'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n{meta}\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n"
            f'<meta name="SiteName" content="{html.escape(self.site_name)}">\n{extra}'
            '<link href="/css/style.css" rel="stylesheet" type="text/css" />\n'
            "</head>\n"
        )

    def _top(self, here: str) -> str:
        links = "".join(
            f'<li><a href="{self.href(here, s.start_path, "root")}">{html.escape(s.name)}</a></li>'
            for s in self.listed_sections
        )
        return (
            '<body>\n<div class="top"><div class="w1200"><span class="date"><script>document.write(new Date().toLocaleDateString());</script></span>'
            '<a href="javascript:void(0)" onclick="SetHome(this,window.location)">设为首页</a> | <a href="javascript:void(0)">加入收藏</a> | <a href="javascript:void(0)">无障碍浏览</a></div></div>\n'
            f'<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{html.escape(self.site_name)}" /></a></div>'
            '<div class="search"><form action="javascript:void(0)"><input type="text" name="q" placeholder="请输入关键字" /><input type="button" value="搜索" /></form></div></div>\n'
            f'<div class="nav"><ul><li><a href="/">首页</a></li>{links}</ul></div>\n'
        )

    def _bottom(self) -> str:
        return (
            '<div class="footer"><div class="w1200">'
            '<p><a href="javascript:void(0)">网站地图</a> | <a href="javascript:void(0)">联系我们</a> | <a href="javascript:void(0)">使用帮助</a></p>'
            f"<p>主办：{html.escape(self.site_name)}办公室&nbsp;&nbsp;承办：{html.escape(self.county)}融媒体中心</p>"
            f"<p>{self.icp}&nbsp;&nbsp;网站标识码：{5100000000 + self.web_id}&nbsp;&nbsp;川公网安备 {51082102000000 + self.web_id}号</p>"
            '<p>建议使用1920×1080分辨率浏览本网站</p></div></div>\n'
            "<script>var _hmt = _hmt || [];</script>\n</body>\n</html>\n"
        )

    def _crumbs(self, section: Section, here: str, current: bool) -> str:
        """当前位置：首页 > 频道 > 栏目 (> 正文)."""
        channel_name, channel_key = section.channel
        parts = [f'<a href="{self.href(here, "/", section.link_form)}">首页</a>']
        if section.style in ("trs_create", "trs_count") or (section.style == "plain" and section.variant == 1):
            parts.append(f'<a href="{self.href(here, f"/{channel_key}/", section.link_form)}">{channel_name}</a>')
        if section.style == "chain":
            parts.append(f"<span>{section.name}</span>")  # its column page is built by script: no list to read
        elif current:
            parts.append(f"<span>{section.name}</span>")
        else:
            parts.append(f'<a href="{self.href(here, section.start_path, section.link_form)}">{section.name}</a>')
        if not current:
            parts.append("正文")
        sep = (" &gt; ", " &gt;&gt; ", " &raquo; ")[section.list_look]
        label = ("当前位置：", "您现在的位置：", "当前位置: ")[section.list_look]
        return f'<div class="location">{label}{sep.join(parts)}</div>\n'

    def _home(self) -> str:
        blocks = []
        for section in self.listed_sections:
            items = "".join(
                f'<li><a href="{self.href("/", a.path, "root")}" target="_blank">{html.escape(a.title)}</a><span>{a.published:%m-%d}</span></li>'
                for a in section.articles[:1]
            )
            blocks.append(
                f'<div class="box"><div class="box_tit"><h3>{section.name}</h3><a class="more" href="{self.href("/", section.start_path, "root")}">更多&gt;&gt;</a></div><ul>{items}</ul></div>'
            )
        return self._head(self.site_name, None) + self._top("/") + '<div class="main w1200">' + "\n".join(blocks) + "</div>\n" + self._bottom()

    def _channel(self, channel: tuple[str, str]) -> str:
        name, key = channel
        here = f"/{key}/"
        rows = "".join(
            f'<li><a href="{self.href(here, s.start_path, "root")}">{s.name}</a></li>' for s in self.listed_sections if s.channel == channel
        )
        return (
            self._head(f"{name}_{self.site_name}", None) + self._top(here)
            + f'<div class="location">当前位置：<a href="/">首页</a> &gt; {name}</div>\n'
            + f'<div class="main w1200"><div class="sub_nav"><ul>{rows}</ul></div></div>\n' + self._bottom()
        )

    # -- list pages --------------------------------------------------------------------------
    def _item(self, section: Section, article: Article, here: str) -> str:
        link = self.href(here, article.path, section.link_form)
        title = html.escape(article.title)
        shown = title if len(article.title) <= 24 or section.list_look != 1 else html.escape(article.title[:22]) + "..."
        day = f"{article.published:%Y-%m-%d}"
        if section.list_look == 0:
            return f'<li><a href="{link}" target="_blank" title="{title}">{shown}</a><span class="date">{day}</span></li>'
        if section.list_look == 1:
            return f'<tr><td class="bt"><a href="{link}" target="_blank" title="{title}">{shown}</a></td><td class="rq" width="90">[{day}]</td></tr>'
        return f'<li><span class="fr">{day}</span><a href="{link}" target="_blank" title="{title}">{shown}</a></li>'

    def _items(self, section: Section, articles: list[Article], here: str) -> str:
        rows = "\n".join(self._item(section, a, here) for a in articles)
        if section.list_look == 1:
            return f'<table class="list_table" width="100%" border="0" cellspacing="0" cellpadding="0">\n{rows}\n</table>'
        css = ("list", "list", "news_list")[section.list_look]
        return f'<ul class="{css}">\n{rows}\n</ul>'

    def _list(self, section: Section, index: int, here: str) -> str:
        pages = section.list_count
        chunk = section.articles[index * section.per_page : (index + 1) * section.per_page]
        if section.style == "hanweb":
            body = self._hanweb_column(section, here)
        else:
            pager = {
                "plain": self._plain_pager,
                "query": self._plain_pager,
                "trs_create": self._trs_create_pager,
                "trs_count": self._trs_count_pager,
            }[section.style](section, index, pages, here)
            body = self._items(section, chunk, here) + "\n" + pager
        extra = ""
        if section.style == "trs_create" and section.variant == 1:
            extra = '<script type="text/javascript" src="/common/js/createPageHTML.js"></script>\n'
        elif section.style == "trs_create":
            extra = f"<script type=\"text/javascript\">\n{CREATE_PAGE_JS}</script>\n"
        if section.style == "hanweb":
            extra = '<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>\n'
        sidebar = "".join(
            f'<li><a href="{self.href(here, s.start_path, "root")}">{s.name}</a></li>' for s in self.listed_sections if s is not section
        )
        return (
            self._head(f"{section.name}_{self.site_name}", section, extra)
            + self._top(here)
            + '<div class="main w1200">\n'
            + f'<div class="left"><div class="left_tit">{section.channel[0]}</div><ul class="left_nav">{sidebar}</ul></div>\n'
            + '<div class="right">\n'
            + self._crumbs(section, here, current=True)
            + f'<div class="right_tit"><h2>{section.name}</h2></div>\n'
            + f'<div class="list_box">\n{body}\n</div>\n'
            + "</div>\n</div>\n"
            + self._bottom()
        )

    def _plain_pager(self, section: Section, index: int, pages: int, here: str) -> str:
        def link(i: int, text: str, css: str = "") -> str:
            target = section.list_path(i)
            if section.style == "plain" and section.variant == 0 and i == 0:
                target = f"{section.directory}list_{section.number_id}_1.html"  # DedeCMS names page 1 so
            if section.style == "query" and i == 0:
                target = f"{section.list_path(0)}&page=1"
            cls = f' class="{css}"' if css else ""
            return f'<a href="{self.href(here, target, section.link_form)}"{cls}>{text}</a>'

        total = len(section.articles)
        parts = []
        if section.style == "query":
            parts.append(f'<a class="a1">{total}条</a>')
        else:
            parts.append(f"<span class=\"pageinfo\">共 <strong>{pages}</strong>页<strong>{total}</strong>条记录</span>")
        parts.append(link(0, "首页"))
        parts.append(link(index - 1, "上一页", "a1") if index > 0 else '<span class="disabled">上一页</span>')
        first = max(0, min(index - 4, pages - 10))
        for i in range(first, min(pages, first + 10)):
            parts.append(f'<span class="current">{i + 1}</span>' if i == index else link(i, str(i + 1)))
        parts.append(link(index + 1, "下一页", "a1") if index + 1 < pages else '<span class="disabled">下一页</span>')
        parts.append(link(pages - 1, "尾页"))
        css = ("pagelist", "pages")[section.variant]
        return f'<div class="{css}" id="pages">{" ".join(parts)}</div>'

    def _trs_create_pager(self, section: Section, index: int, pages: int, here: str) -> str:
        call = f'createPageHTML({pages}, {index}, "index", "{section.ext}");'
        if section.variant == 1:
            call = f"createPageHTML({pages},{index},\"index\",\"{section.ext}\");"
        return f'<div class="page" style="text-align:center">\n<script type="text/javascript">\n{call}\n</script>\n</div>'

    def _trs_count_pager(self, section: Section, index: int, pages: int, here: str) -> str:
        ext = section.ext
        return f"""<div class="fy">
<script type="text/javascript">
var currentPage = {index};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {pages}//共多少页
document.write("共"+countPage+"页&nbsp;&nbsp;");
//设置首页、上一页代码
if(countPage>1&&currentPage!=0)
\tdocument.write("<a href=\\"index."+"{ext}\\">首页</a>&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
\tdocument.write("<a href=\\"index"+"_" + prevPage + "."+"{ext}\\">上一页</a>&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
\tdocument.write("<a href=\\"index."+"{ext}\\">上一页</a>&nbsp;");
else
\tdocument.write("上一页&nbsp;");
//设置下一页、尾页代码
if(countPage>1&&currentPage!=(countPage-1))
\tdocument.write("<a href=\\"index"+"_" + nextPage + "."+"{ext}\\">下一页</a>&nbsp;");
else
\tdocument.write("下一页&nbsp;");
if(countPage>1&&currentPage!=(countPage-1))
\tdocument.write("<a href=\\"index"+"_" + (countPage-1) + "."+"{ext}\\">尾页</a>&nbsp;");
</script>
</div>"""

    # -- Hanweb / 大汉 JCMS ------------------------------------------------------------------------
    def _record(self, section: Section, article: Article, here: str) -> str:
        return f"<record><![CDATA[\n{self._item(section, article, here)}\n]]></record>"

    def _ajax_param(self, section: Section) -> str:
        webname = self.site_name
        if section.variant == 0:
            return (
                f"{{col:1,appid:1,webid:{self.web_id},path:'/',columnid:{section.number_id},sourceContentType:1,"
                f"unitid:{section.unit_id},webname:'{webname}',permissiontype:0}}"
            )
        return (
            f"{{col:'1',appid:'1',webid:'{self.web_id}',path:'/',columnid:'{section.number_id}',sourceContentType:'1',"
            f"unitid:'{section.unit_id}',webname:'{webname}',permissiontype:'0'}}"
        )

    def _hanweb_column(self, section: Section, here: str) -> str:
        first = section.articles[: section.window]
        records = "\n".join(self._record(section, a, here) for a in first)
        nextgroup = (
            f"{section.proxy}?page=1&webid={self.web_id}&path=/&columnid={section.number_id}&unitid={section.unit_id}"
            f"&webname={quote(self.site_name)}&permissiontype=0"
        )
        wrap_before = "<table width=\"100%\">" if section.list_look == 1 else f'<ul class="{("list", "list", "news_list")[section.list_look]}">'
        wrap_after = "</table>" if section.list_look == 1 else "</ul>"
        return (
            f'<div id="{section.unit_id}"><script type="text/xml"><datastore>\n'
            f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>\n'
            f"<recordset>\n{records}\n</recordset>\n</datastore></script></div>\n"
            "<script>$(function(){"
            f"$('#{section.unit_id}').jpage({{themeName:'default',showMode:'full',dataBefore:'{wrap_before}',dataAfter:'{wrap_after}',"
            f"totalRecord:{len(section.articles)},openCookies:false,configCookies:false,groupSize:{section.group_size},"
            f"proxyUrl:'{section.proxy}',perPage:{section.per_page},barPosition:'bottom',ajaxParam:{self._ajax_param(section)}}});"
            "});</script>"
        )

    def _dataproxy(self, path: str, params: dict[str, str]) -> str:
        """jpage's data proxy: records ``startrecord..endrecord`` of the column the form names."""
        section = next(
            (
                s for s in self.sections
                if s.style == "hanweb" and s.proxy == path and params.get("columnid") == str(s.number_id)
                and params.get("unitid") == str(s.unit_id) and params.get("webid") == str(self.web_id)
            ),
            None,
        )
        try:
            start, end = int(params["startrecord"]), int(params["endrecord"])
            per_page = int(params.get("perpage") or 0)
        except (KeyError, ValueError):
            section = None
        if section is None or start < 1 or end < start:
            return '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>0</totalrecord>\n<totalpage>0</totalpage>\n<recordset>\n</recordset>\n</datastore>\n'
        total = len(section.articles)
        chosen = section.articles[start - 1 : min(end, total)]
        records = "\n".join(self._record(section, a, section.list_path(0)) for a in chosen)
        pages = -(-total // (per_page or section.per_page))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n"
            f"<recordset>\n{records}\n</recordset>\n</datastore>\n"
        )

    # -- article pages --------------------------------------------------------------------------
    def _date_text(self, article: Article) -> str:
        d = article.published
        return (f"{d:%Y-%m-%d %H:%M}", f"{d:%Y年%m月%d日 %H:%M}", f"{d:%Y-%m-%d %H:%M:%S}", f"{d:%Y-%m-%d}")[article.section.date_format]

    def _meta_line(self, article: Article) -> str:
        section = article.section
        date = self._date_text(article)
        source = html.escape(article.source) if article.source else ""
        names = " ".join(article.authors)
        look = section.article_look
        if look == 0:
            parts = [f"发布时间：{date}"]
            if article.source:
                parts.append(f"来源：{source}")
            parts.append(f"作者：{names}")
            parts.append('【字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】')
            return '<div class="xl_info">' + "&nbsp;&nbsp;&nbsp;".join(parts) + "</div>"
        if look == 1:
            spans = [f"<span>日期：{date}</span>"]
            if article.source:
                spans.append(f"<span>信息来源：{source}</span>")
            if names:
                spans.append(f"<span>作者：{names}</span>")
            spans.append('<span>浏览次数：<span id="hits"></span></span>')
            return '<div class="art_info">' + " ".join(spans) + "</div>"
        parts = [f"时间：{date}"]
        if article.source:
            parts.append(f"来源：{source}")
        if names:
            parts.append(f"记者：{names}")
        parts.append('阅读：<span id="views"></span>')
        return '<div class="info">' + "\u3000".join(parts) + "</div>"

    def _neighbour_line(self, article: Article, label: str, other: Article | None, here: str) -> str:
        section = article.section
        if other is not None:
            return f'<p>{label}：<a href="{self.href(here, other.path, section.link_form)}" title="{html.escape(other.title)}">{html.escape(other.title)}</a></p>'
        if section.chain_end == 0:
            return f'<p>{label}：<a href="javascript:void(0)">没有了</a></p>'
        if section.chain_end == 1:
            return f"<p>{label}：没有了</p>"
        return ""

    def _article_pager(self, article: Article, page: int, here: str) -> str:
        count = len(article.pages)
        if count == 1:
            return ""

        def link(i: int, text: str) -> str:
            return f'<a href="{self.href(here, article.page_paths[i], "relative")}">{text}</a>'

        parts = [link(page - 1, "上一页") if page else "<span>上一页</span>"]
        for i in range(count):
            parts.append(f'<span class="current">{i + 1}</span>' if i == page else link(i, str(i + 1)))
        parts.append(link(page + 1, "下一页") if page + 1 < count else "<span>下一页</span>")
        parts.append(f"<span>共{count}页</span>")
        return f'<div class="page-break" id="page_fy" style="text-align:center">{" ".join(parts)}</div>\n'

    def _article(self, article: Article, page: int) -> str:
        section = article.section
        here = article.page_paths[page]
        pub = f"{article.published:%Y-%m-%d %H:%M}" if article.precision != "day" else f"{article.published:%Y-%m-%d}"
        meta = ""
        if section.url_style in ("trs", "hanweb") and section.variant == 0:
            meta = (
                f'<meta name="ArticleTitle" content="{html.escape(article.title)}">\n<meta name="PubDate" content="{pub}">\n'
                + (f'<meta name="ContentSource" content="{html.escape(article.source)}">\n' if article.source else "")
                + f'<meta name="ColumnName" content="{section.name}">\n'
            )
        paragraphs = "\n".join(
            f'<p style="text-indent:2em;">{html.escape(p)}</p>' if section.article_look != 2 else f"<p>\u3000\u3000{html.escape(p)}</p>"
            for p in article.pages[page]
        )
        if section.prev_is_newer:
            prev, following = article.newer, article.older
        else:
            prev, following = article.older, article.newer
        labels = (("上一篇", "下一篇"), ("上一条", "下一条"), ("上一篇", "下一篇"))[section.article_look]
        neighbours = self._neighbour_line(article, labels[0], prev, here) + self._neighbour_line(article, labels[1], following, here)
        editor = f'<div class="editor">【责任编辑：{article.editor}】</div>\n' if article.editor else ""
        title = html.escape(article.title)
        look = section.article_look
        if look == 0:
            content = (
                f'<div class="xl_con">\n<div class="xl_tit"><h1>{title}</h1></div>\n{self._meta_line(article)}\n'
                f'<div class="TRS_Editor" id="zoom"><div class="Custom_UnionStyle">\n{paragraphs}\n</div></div>\n'
                f"{self._article_pager(article, page, here)}{editor}"
                f'<div class="xl_sxp">{neighbours}</div>\n'
                '<div class="xl_tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>\n</div>'
            )
        elif look == 1:
            content = (
                '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="article">\n'
                f'<tr><td class="title" align="center"><h2 class="art_tit">{title}</h2></td></tr>\n'
                f"<tr><td>{self._meta_line(article)}</td></tr>\n"
                f'<tr><td class="bt_content" id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n{paragraphs}\n<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></td></tr>\n'
                f"<tr><td>{self._article_pager(article, page, here)}{editor}</td></tr>\n"
                f'<tr><td class="sxt">{neighbours}</td></tr>\n</table>'
            )
        else:
            content = (
                f'<div class="article">\n<h1 class="arc_title">{title}</h1>\n{self._meta_line(article)}\n'
                f'<div class="content" id="article_content">\n{paragraphs}\n</div>\n'
                f"{self._article_pager(article, page, here)}{editor}"
                f'<div class="prenext">{neighbours}</div>\n'
                '<div class="related"><h3>相关新闻</h3><ul id="related"></ul><script>/* 相关新闻由脚本加载 */</script></div>\n</div>'
            )
        return (
            self._head(f"{article.title}_{section.name}_{self.site_name}", section, meta)
            + self._top(here)
            + '<div class="main w1200">\n'
            + self._crumbs(section, here, current=False)
            + content
            + "\n</div>\n"
            + self._bottom()
        )


def _least(section: Section) -> int:
    """The fewest articles a section may have and still page the way its style pages:
    three list pages, four Hanweb record windows, a chain of ten."""
    if section.style == "chain":
        return 10
    if section.style == "hanweb":
        return 3 * section.window + 1
    return 2 * section.per_page + 1


def _split(paragraphs: list[str], pages: int, rng: random.Random) -> list[list[str]]:
    """Paragraphs spread over ``pages`` pages, at least two on each."""
    if pages == 1:
        return [paragraphs]
    cuts = sorted(rng.sample(range(2, len(paragraphs) - 1), pages - 1)) if len(paragraphs) >= 2 * pages + 1 else []
    if len(cuts) != pages - 1 or any(b - a < 2 for a, b in zip([0, *cuts], [*cuts, len(paragraphs)], strict=True)):
        step = len(paragraphs) // pages
        cuts = [step * k for k in range(1, pages)]
    bounds = [0, *cuts, len(paragraphs)]
    return [paragraphs[a:b] for a, b in pairwise(bounds)]


def path_of(target: str) -> str:
    return urlsplit(target).path or "/"


def _route_key(target: str) -> str:
    """Path and query with the parameters in a fixed order (a server does not care)."""
    parts = urlsplit(target)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return (parts.path or "/") + (f"?{query}" if query else "")


PIXEL = bytes.fromhex(  # a 1x1 transparent PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
NOT_FOUND = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
    "<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"
)

# What TRS WCM templates ship as their pager: page 0 is NAME.EXT, page k is NAME_k.EXT.
CREATE_PAGE_JS = r"""function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount <= 1){ return; }
	var nCurrIndex = _nCurrIndex || 0;
	function pageName(i){ return (i == 0 ? _sPageName : _sPageName + "_" + i) + "." + _sPageExt; }
	document.write("<span>共" + _nPageCount + "页</span>&nbsp;");
	if(nCurrIndex == 0){ document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;"); }
	else{
		document.write("<a href=\"" + pageName(0) + "\">首页</a>&nbsp;");
		document.write("<a href=\"" + pageName(nCurrIndex - 1) + "\">上一页</a>&nbsp;");
	}
	for(var i = 0; i < _nPageCount; i++){
		if(i == nCurrIndex){ document.write("<span class=\"current\">" + (i + 1) + "</span>&nbsp;"); }
		else{ document.write("<a href=\"" + pageName(i) + "\">" + (i + 1) + "</a>&nbsp;"); }
	}
	if(nCurrIndex + 1 == _nPageCount){ document.write("<span>下一页</span>&nbsp;<span>尾页</span>"); }
	else{
		document.write("<a href=\"" + pageName(nCurrIndex + 1) + "\">下一页</a>&nbsp;");
		document.write("<a href=\"" + pageName(_nPageCount - 1) + "\">尾页</a>");
	}
}
"""


# --- the server -------------------------------------------------------------------------------
@dataclass
class Hit:
    method: str
    target: str
    status: int
    body: bytes = b""
    at: float = 0.0  # time.monotonic() when it arrived


class Site:
    """A served portal: its base URL, start URLs, truth, and the log of requests."""

    def __init__(self, portal: ChaosPortal, latency: tuple[float, float]) -> None:
        self.portal = portal
        self.latency = latency
        self.lock = threading.Lock()
        self.log: list[Hit] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return self.portal.base_url

    @property
    def start_urls(self) -> list[str]:
        return self.portal.start_urls

    @property
    def articles(self) -> list[dict]:
        return self.portal.articles

    def record(self, hit: Hit) -> None:
        with self.lock:
            self.log.append(hit)

    def requests(self) -> list[Hit]:
        with self.lock:
            return list(self.log)

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()

    def delay(self, method: str, target: str) -> float:
        """Deterministic per request target: the same URL always takes as long."""
        low, high = self.latency
        if high <= 0:
            return 0.0
        fraction = (zlib.crc32(f"{method} {target}".encode()) % 1000) / 999
        return low + (high - low) * fraction


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # a stalled client does not keep a thread for ever

    def do_GET(self) -> None:
        self._answer("GET", b"")

    def do_HEAD(self) -> None:
        self._answer("HEAD", b"")

    def do_POST(self) -> None:
        try:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
        except ValueError:
            length = 0
        self._answer("POST", self.rfile.read(length) if length > 0 else b"")

    def _answer(self, method: str, body: bytes) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        arrived = time.monotonic()
        status, headers, payload = site.portal.respond(method, self.path, body)
        site.record(Hit(method, self.path, status, body, arrived))
        wait = site.delay(method, self.path)
        if wait:
            time.sleep(wait)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed mid-response (the point of the tests) is no error of the portal's."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(portal: ChaosPortal, port: int = 0, latency: tuple[float, float] = (0.005, 0.015)) -> Iterator[Site]:
    """Serve ``portal`` on 127.0.0.1 (``port`` 0: a free one) until the block ends."""
    server = _Server(("127.0.0.1", port), _Handler)
    site = Site(portal, latency)
    server.site = site  # type: ignore[attr-defined]
    site.server = server
    portal.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    portal._cache.clear()  # pages with absolute links name the new port
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"chaos-portal-{portal.seed}", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
