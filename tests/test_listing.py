"""List pages: telling them from articles, and reading the main list's links, titles and dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.extract.listing import extract_listing, page_kind
from newsarchive.extract.model import Listing, ListItem, PageRequest

FIXTURES = Path(__file__).parent / "fixtures"
LIST_PAGES = sorted(p for p in (FIXTURES / "lists").iterdir() if p.suffix in (".html", ".xml"))
ARTICLE_PAGES = sorted((FIXTURES / "articles").glob("*.html"))


def _expected(page: Path) -> dict:
    return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def _request(value: dict | None) -> PageRequest | None:
    return PageRequest(**value) if value else None


def _list_page(rows: list[tuple[str, str, str]], *, extra: str = "", wrap: str = "ul") -> str:
    """A small list page: ``rows`` of (href, title, date text) inside a content block."""
    items = "".join(
        f'<li><a href="{href}">{title}</a><span>{shown}</span></li>' for href, title, shown in rows
    )
    return f"""<html><body>
    <div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xw/">新闻</a></li><li><a href="/gk/">公开</a></li></ul></div>
    <div class="content"><{wrap} class="list">{items}</{wrap}></div>{extra}
    <div class="footer"><p>版权所有 示例市人民政府</p></div></body></html>"""


TITLES = [
    "市政府召开常务会议研究部署近期重点工作",
    "全市安全生产工作会议召开",
    "我市启动春季植树造林活动",
    "市领导调研重点项目建设进展",
    "全市优化营商环境大会召开",
    "我市举行重大项目集中开工仪式",
]


# --- fixtures ---------------------------------------------------------------------------------
def test_every_list_fixture_has_its_expectations() -> None:
    assert LIST_PAGES
    missing = [p.name for p in LIST_PAGES if not p.with_suffix(".json").exists()]
    assert missing == []


@pytest.mark.parametrize("page", LIST_PAGES, ids=lambda p: p.name)
def test_list_fixture(page: Path) -> None:
    expected = _expected(page)
    data = page.read_bytes()
    listing = extract_listing(data, expected["url"])
    assert page_kind(data, expected["url"]) == expected["kind"]
    assert listing.url == expected["url"]
    assert len(listing.items) == expected["count"]
    assert listing.items[0] == ListItem(**expected["first"])
    assert listing.items[-1] == ListItem(**expected["last"])
    for spot in expected.get("spot", []):
        index = spot.pop("index")
        assert listing.items[index] == ListItem(**spot)
    assert listing.next_page == _request(expected["next_page"])
    assert sorted(p.url for p in listing.pages) == sorted(expected["pages"])
    assert len({(p.url, p.method) for p in listing.pages}) == len(listing.pages)
    assert expected["url"] not in [p.url for p in listing.pages if p.method == "GET"]


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda p: p.name)
def test_article_pages_are_not_list_pages(page: Path) -> None:
    url = None
    if page.with_suffix(".json").exists():
        url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8")).get("url")
    assert page_kind(page.read_bytes(), url) == "article"


def test_written_fixtures_have_provenance() -> None:
    provenance = (FIXTURES / "PROVENANCE.tsv").read_text(encoding="utf-8").splitlines()
    header = provenance[0].split("\t")
    rows = {
        r.split("\t")[0]: dict(zip(header, r.split("\t"), strict=False))
        for r in provenance[1:]
        if r
    }
    for page in LIST_PAGES:
        assert page.name in rows, page.name
        assert rows[page.name]["page_kind"] == "list"


# --- page kind --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "html",
    [
        b"",
        "",
        "   ",
        "<html><body></body></html>",
        "<p>你好</p>",
        b"<html><head><title>x</title></head></html>",
    ],
)
def test_empty_and_near_empty_pages_are_other(html: bytes | str) -> None:
    assert page_kind(html) == "other"


def test_article_with_related_news_and_long_nav_is_an_article() -> None:
    nav = "".join(f'<li><a href="/col/col{i}/index.html">栏目{i}</a></li>' for i in range(30))
    body = "".join(
        f"<p>{'　　为深入贯彻落实全市经济工作会议精神，进一步推动重点项目建设提质增效，会议对下一步工作作出部署。' * 2}</p>"
        for _ in range(6)
    )
    related = "".join(
        f'<li><a href="/art/2024/4/{d}/art_1_{d}00.html">{TITLES[d % 6]}</a><span>2024-04-{d:02d}</span></li>'
        for d in range(1, 11)
    )
    html = f"""<html><head><title>t</title></head><body><div class="nav"><ul>{nav}</ul></div>
    <div class="article"><h1>市政府召开常务会议研究部署近期重点工作</h1>
    <div class="info">发布时间：2024-04-18 10:20　来源：市政府办公室　浏览次数：</div>
    <div class="content">{body}</div>
    <div class="prevnext"><a href="/art/2024/4/17/art_1_9.html">上一篇：全市安全生产工作会议召开</a></div>
    <div class="related"><h3>相关新闻</h3><ul>{related}</ul></div></div></body></html>"""
    assert page_kind(html) == "article"


def test_list_page_with_a_column_introduction_is_a_list() -> None:
    intro = "<p>本栏目发布市政府常务会议、重要活动和重点工作等政务信息，欢迎社会各界监督。</p>"
    rows = [
        (f"./202404/t202404{d:02d}_{d}00.html", TITLES[d % 6], f"2024-04-{d:02d}")
        for d in range(1, 21)
    ]
    html = _list_page(
        rows, extra=intro + '<div class="page"><a href="index_1.html">下一页</a></div>'
    )
    assert page_kind(html, "http://www.example.gov.cn/xw/index.html") == "list"


def test_datastore_answer_is_a_list() -> None:
    xml = "<?xml version='1.0' encoding='UTF-8'?><datastore><totalrecord>2</totalrecord><recordset>"
    xml += "".join(
        f"<record><![CDATA[<li><a href='/art/2024/4/1/art_1_{i}.html'>{TITLES[i]}</a><span>2024-04-01</span></li>]]></record>"
        for i in range(2)
    )
    xml += "</recordset></datastore>"
    assert page_kind(xml.encode()) == "list"
    assert [
        i.url
        for i in extract_listing(
            xml, "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
        ).items
    ] == [
        "http://www.example.gov.cn/art/2024/4/1/art_1_0.html",
        "http://www.example.gov.cn/art/2024/4/1/art_1_1.html",
    ]


# --- items ------------------------------------------------------------------------------------
def test_empty_page_gives_an_empty_listing() -> None:
    assert extract_listing(b"", "http://www.example.gov.cn/") == Listing(
        url="http://www.example.gov.cn/"
    )


@pytest.mark.parametrize(
    ("shown", "href", "expected"),
    [
        ("2024-04-18", "/a/1.html", "2024-04-18"),
        ("2024/4/18", "/a/1.html", "2024-04-18"),
        ("2024.04.18", "/a/1.html", "2024-04-18"),
        ("2024年4月18日", "/a/1.html", "2024-04-18"),
        ("(2024-04-18 22:26:38)", "/a/1.html", "2024-04-18"),
        ("２０２４－０４－１８", "/a/1.html", "2024-04-18"),
        ("[04-18]", "/xw/202404/t20240418_123.html", "2024-04-18"),
        ("4月18日", "/art/2024/4/18/art_1_2.html", "2024-04-18"),
        ("[04-18]", "/a/1.html", None),  # no year anywhere: None, not a guess
        ("[04-18]", "/xw/202403/t20240330_123.html", None),  # the URL's month disagrees
        ("2024-02-30", "/a/1.html", None),
        ("点击：56", "/a/1.html", None),
    ],
)
def test_dates_beside_links(shown: str, href: str, expected: str | None) -> None:
    rows = [(href, TITLES[0], shown)] + [(f"/b/{i}.html", TITLES[i], "") for i in range(1, 4)]
    listing = extract_listing(_list_page(rows), "http://www.example.gov.cn/xw/")
    assert listing.items[0].date == expected


def test_short_date_takes_the_year_of_agreeing_neighbours() -> None:
    rows = [
        ("/xw/202404/t20240418_1.html", TITLES[0], "04-18"),
        ("/xw/content_2.html", TITLES[1], "04-17"),
        ("/xw/202404/t20240416_3.html", TITLES[2], "04-16"),
        ("/xw/content_4.html", TITLES[3], "01-05"),  # outside its neighbours' span: unknown
        ("/xw/202403/t20240330_5.html", TITLES[4], "03-30"),
    ]
    dates = [i.date for i in extract_listing(_list_page(rows), "http://www.example.gov.cn/").items]
    assert dates == ["2024-04-18", "2024-04-17", "2024-04-16", None, "2024-03-30"]


def test_links_resolve_and_bad_schemes_are_dropped() -> None:
    rows = [
        ("./202404/t20240418_1.html", TITLES[0], "2024-04-18"),
        ("../tzgg/202404/t20240417_2.html", TITLES[1], "2024-04-17"),
        ("javascript:void(0)", TITLES[2], "2024-04-16"),
        ("mailto:web@example.gov.cn", TITLES[3], "2024-04-15"),
        ("#top", TITLES[4], "2024-04-14"),
        ("ftp://ftp.example.gov.cn/a.doc", TITLES[5], "2024-04-13"),
        ("/xw/202404/t20240412_7.html", TITLES[0] + "（二）", "2024-04-12"),
        ("https://www.example.org/xw/1.html", TITLES[1] + "（转载）", "2024-04-11"),
    ]
    listing = extract_listing(_list_page(rows), "http://www.example.gov.cn/xw/gzdt/index.html")
    assert [i.url for i in listing.items] == [
        "http://www.example.gov.cn/xw/gzdt/202404/t20240418_1.html",
        "http://www.example.gov.cn/xw/tzgg/202404/t20240417_2.html",
        "http://www.example.gov.cn/xw/202404/t20240412_7.html",
        "https://www.example.org/xw/1.html",
    ]


def test_base_href_wins_over_the_page_url() -> None:
    rows = [(f"t2024041{i}_{i}.html", TITLES[i], f"2024-04-1{i}") for i in range(4)]
    html = _list_page(rows).replace(
        "<html>", '<html><head><base href="http://cms.example.gov.cn/pub/xw/"></head>'
    )
    listing = extract_listing(html, "http://www.example.gov.cn/xw/")
    assert listing.items[0].url == "http://cms.example.gov.cn/pub/xw/t20240410_0.html"


def test_without_a_url_relative_links_stay_relative() -> None:
    rows = [(f"/xw/{i}.html", TITLES[i], "2024-04-18") for i in range(3)]
    assert [i.url for i in extract_listing(_list_page(rows)).items] == [
        "/xw/0.html",
        "/xw/1.html",
        "/xw/2.html",
    ]


def test_title_attribute_replaces_a_truncated_link_text() -> None:
    rows = [(f"/xw/{i}.html", "x", "2024-04-18") for i in range(3)]
    html = _list_page(rows).replace(
        '<a href="/xw/0.html">x</a>',
        '<a href="/xw/0.html" title="关于印发示例市2024年政务公开工作要点的通知">关于印发示例市2024年政务...</a>',
    )
    html = html.replace('<a href="/xw/1.html">x</a>', f'<a href="/xw/1.html">{TITLES[1]}</a>')
    html = html.replace('<a href="/xw/2.html">x</a>', f'<a href="/xw/2.html">{TITLES[2]}</a>')
    items = extract_listing(html, "http://www.example.gov.cn/").items
    assert items[0].title == "关于印发示例市2024年政务公开工作要点的通知"


def test_date_inside_the_link_is_read_and_kept_out_of_the_title() -> None:
    records = "".join(
        f'<li><a href="/art/2026/9/1{i}/art_7_{i}.html"><span class="list_title">{TITLES[i]}</span><i>2026-09-1{i}</i></a></li>'
        for i in range(3)
    )
    html = f'<html><body><div class="main"><ul class="list">{records}</ul></div></body></html>'
    item = extract_listing(html, "http://www.example.gov.cn/").items[0]
    assert (item.title, item.date) == (TITLES[0], "2026-09-10")


def test_a_date_in_the_wording_of_a_headline_is_not_the_listing_date() -> None:
    rows = [(f"/xw/{i}.html", f"市政府召开4月1{i}日专题会议部署防汛工作", "") for i in range(4)]
    items = extract_listing(_list_page(rows), "http://www.example.gov.cn/").items
    assert (items[0].title, items[0].date) == ("市政府召开4月10日专题会议部署防汛工作", None)


def test_deeply_nested_markup_does_not_break_the_walk() -> None:
    rows = [(f"/xw/{i}.html", TITLES[i], "2024-04-18") for i in range(4)]
    html = _list_page(rows).replace('<div class="content">', '<div class="content">' + "<font>" * 1000)
    assert len(extract_listing(html, "http://www.example.gov.cn/").items) == 4
    assert page_kind(html) in ("list", "other")


def test_category_tag_link_is_not_the_item() -> None:
    rows = "".join(
        f'<li><span>(2020-08-16 22:0{i}:00)</span><a href="/shehui/">[社会]</a> <a href="/20/0816/22/A{i}.html">{TITLES[i]}</a></li>'
        for i in range(5)
    )
    html = f'<html><body><div class="cnt"><ul class="list_txt">{rows}</ul></div></body></html>'
    items = extract_listing(html, "http://news.example.com/latest/").items
    assert [i.url for i in items] == [
        f"http://news.example.com/20/0816/22/A{i}.html" for i in range(5)
    ]
    assert items[0] == ListItem(
        "http://news.example.com/20/0816/22/A0.html", TITLES[0], "2020-08-16"
    )


def test_hot_sidebar_with_more_links_is_not_the_main_list() -> None:
    rows = [(f"./202404/t2024041{i}_{i}.html", TITLES[i], f"2024-04-1{i}") for i in range(6)]
    hot = "".join(
        f'<li><a href="/zt/202403/t202403{i:02d}_{i}.html">热点专题报道标题第{i}篇内容</a></li>'
        for i in range(1, 13)
    )
    html = _list_page(rows, extra=f'<div class="hot-news"><h3>热点新闻</h3><ul>{hot}</ul></div>')
    items = extract_listing(html, "http://www.example.gov.cn/xw/").items
    assert len(items) == 6
    assert items[0].url == "http://www.example.gov.cn/xw/202404/t20240410_0.html"


def test_table_rows_are_items() -> None:
    rows = "".join(
        f'<tr><td><img src="/dot.gif"></td><td><a href="/xw/{i}.html">{TITLES[i]}</a></td><td>2024-04-1{i}</td></tr>'
        for i in range(5)
    )
    html = f'<html><body><table class="menu"><tr><td><a href="/">首页</a></td></tr></table><table class="list">{rows}</table></body></html>'
    items = extract_listing(html, "http://www.example.gov.cn/").items
    assert [(i.title, i.date) for i in items] == [(TITLES[i], f"2024-04-1{i}") for i in range(5)]


def test_definition_list_dates_sit_in_the_dd() -> None:
    rows = "".join(f'<dt><a href="/xw/{i}.html">{TITLES[i]}</a></dt><dd>2024-04-1{i}</dd>' for i in range(4))
    html = f'<html><body><div class="list"><dl>{rows}</dl></div></body></html>'
    items = extract_listing(html, "http://www.example.gov.cn/").items
    assert [i.date for i in items] == [f"2024-04-1{i}" for i in range(4)]


def test_a_list_split_over_several_blocks_is_one_list() -> None:
    blocks = "".join(
        f'<div class="cnt"><ul class="l">{"".join(f"<li><a href=/x/{b}{i}.html>{TITLES[i]}第{b}组</a><span>2024-04-1{i}</span></li>" for i in range(5))}</ul></div>'
        for b in range(4)
    )
    html = f'<html><body><div class="nav"><a href="/">首页</a></div><div id="panel">{blocks}</div></body></html>'
    assert len(extract_listing(html, "http://www.example.gov.cn/").items) == 20


def test_same_article_twice_is_listed_once() -> None:
    rows = [(f"/xw/{i}.html", TITLES[i], "2024-04-18") for i in range(4)] + [
        ("/xw/0.html", TITLES[0], "2024-04-18")
    ]
    assert len(extract_listing(_list_page(rows), "http://www.example.gov.cn/").items) == 4


# --- overrides --------------------------------------------------------------------------------
OVERRIDE_PAGE = """<html><body>
<div class="news"><ul>
<li><a href="/art/2024/4/18/art_1_1.html">市政府召开常务会议研究部署近期重点工作</a><span>2024-04-18</span></li>
<li><a href="/special/2024/zt.html">专题：学习贯彻党的二十届三中全会精神</a><span>2024-04-17</span></li>
<li><a href="/art/2024/4/16/art_1_3.html">全市安全生产工作会议召开</a><span>2024-04-16</span></li>
</ul></div>
<div class="box"><p class="row"><a href="/art/2024/4/1/art_2_1.html">政策解读：一图读懂示例市营商环境条例</a> 2024-04-01</p>
<p class="row"><a href="/art/2024/4/2/art_2_2.html">政策解读：示例市人才新政十条问答</a> 2024-04-02</p></div>
<div class="pg"><a class="go" href="/col/col1/index_2.html">more</a></div>
</body></html>"""


def test_article_url_pattern_keeps_only_articles() -> None:
    listing = extract_listing(
        OVERRIDE_PAGE,
        "http://www.example.gov.cn/col/col1/index.html",
        article_url_pattern=r"/art/\d{4}/",
    )
    assert [i.url.rsplit("/", 1)[-1] for i in listing.items] == ["art_1_1.html", "art_1_3.html"]


@pytest.mark.parametrize(
    "selector", ["div.box p.row", "//div[@class='box']/p", "(//p[@class='row'])"]
)
def test_item_selector_pins_the_items(selector: str) -> None:
    listing = extract_listing(
        OVERRIDE_PAGE, "http://www.example.gov.cn/col/col1/index.html", item_selector=selector
    )
    assert [(i.url, i.date) for i in listing.items] == [
        ("http://www.example.gov.cn/art/2024/4/1/art_2_1.html", "2024-04-01"),
        ("http://www.example.gov.cn/art/2024/4/2/art_2_2.html", "2024-04-02"),
    ]


def test_item_selector_may_name_the_links_themselves() -> None:
    listing = extract_listing(
        OVERRIDE_PAGE, "http://www.example.gov.cn/col/col1/index.html", item_selector="div.box a"
    )
    assert [i.date for i in listing.items] == ["2024-04-01", "2024-04-02"]


@pytest.mark.parametrize("selector", ["div.pg a.go", "//div[@class='pg']/a/@href"])
def test_next_selector_pins_the_next_page(selector: str) -> None:
    listing = extract_listing(
        OVERRIDE_PAGE, "http://www.example.gov.cn/col/col1/index.html", next_selector=selector
    )
    assert listing.next_page == PageRequest("http://www.example.gov.cn/col/col1/index_2.html")


def test_bad_selector_is_reported() -> None:
    with pytest.raises(ValueError, match="selector"):
        extract_listing(OVERRIDE_PAGE, item_selector="//div[")
