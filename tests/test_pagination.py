"""Further pages of list pages: pager links, TRS WCM pager scripts, Hanweb jpage data proxies."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from newsarchive.extract.listing import extract_listing
from newsarchive.extract.model import PageRequest
from newsarchive.extract.pagination import label_kind, page_key, resolve

ROWS = "".join(
    f'<li><a href="./202404/t2024041{i}_{i}.html">市政府召开第{i}次常务会议研究部署重点工作</a><span>2024-04-1{i}</span></li>'
    for i in range(8)
)


def _page(pager: str, *, head: str = "", rows: str = ROWS) -> str:
    """A list page with ``pager`` under its list."""
    return f"""<html><head>{head}</head><body>
    <div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xw/">新闻中心</a></li></ul></div>
    <div class="main"><ul class="list">{rows}</ul><div class="page">{pager}</div></div>
    <div class="footer">主办单位：示例市人民政府</div></body></html>"""


def _urls(requests: list[PageRequest]) -> list[str]:
    return [r.url for r in requests]


def _tail(requests: list[PageRequest]) -> list[str]:
    return [r.url.rsplit("/", 1)[-1] for r in requests]


# --- labels and URLs --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("下一页", "next"),
        ("下页", "next"),
        ("[下一页]", "next"),
        ("下一页>>", "next"),
        ("Next", "next"),
        ("上一页", "prev"),
        ("首页", "first"),
        ("尾页", "last"),
        ("末页", "last"),
        ("最后一页", "last"),
        ("3", "num"),
        ("[4]", "num"),
        ("第 5 页", "num"),
        (">", "next?"),
        ("»", "next??"),
        (">>", "next??"),
        ("<<", "prev?"),
        ("新闻中心", None),
        ("上一篇", None),
        ("", None),
    ],
)
def test_label_kind(text: str, kind: str | None) -> None:
    assert label_kind(text) == kind


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("./index_1.html", "http://www.example.gov.cn/xw/index_1.html"),
        ("../tz/index.html", "http://www.example.gov.cn/tz/index.html"),
        ("?page=2", "http://www.example.gov.cn/xw/index.html?page=2"),
        ("javascript:void(0)", None),
        ("JavaScript:goPage(2)", None),
        ("#page=2", None),
        ("mailto:a@example.gov.cn", None),
        ("ftp://ftp.example.gov.cn/", None),
        ("http://[::1", None),
        ("", None),
    ],
)
def test_resolve(href: str, expected: str | None) -> None:
    assert resolve(href, "http://www.example.gov.cn/xw/index.html") == expected


def test_page_key_treats_index_as_the_directory() -> None:
    assert page_key("http://www.example.gov.cn/xw/index.html#top") == page_key(
        "http://www.example.gov.cn/xw/"
    )
    assert page_key("http://www.example.gov.cn/xw/index.html") != page_key(
        "http://www.example.gov.cn/xw/index_1.html"
    )


# --- plain links ------------------------------------------------------------------------------
URL = "http://www.example.gov.cn/xw/index_2.html"


def test_next_link_and_numbered_pages() -> None:
    pager = (
        '<a href="index.html">首页</a> <a href="index_1.html">上一页</a> <a href="index.html">1</a> '
        '<a href="index_1.html">2</a> <span class="current">3</span> <a href="index_3.html">4</a> '
        '<a href="index_4.html">5</a> <a href="index_3.html">下一页</a> <a href="index_9.html">尾页</a>'
    )
    listing = extract_listing(_page(pager), URL)
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/index_3.html")
    assert sorted(_tail(listing.pages)) == sorted(
        ["index.html", "index_1.html", "index_3.html", "index_4.html", "index_9.html"]
    )


def test_dedecms_list_pages() -> None:
    pager = (
        "<ul class='pagelist'><li><a>首页</a></li><li class='thisclass'>1</li><li><a href='list_3_2.html'>2</a></li>"
        "<li><a href='list_3_3.html'>3</a></li><li><a href='list_3_2.html'>下一页</a></li><li><a href='list_3_3.html'>末页</a></li></ul>"
    )
    listing = extract_listing(_page(pager), "http://www.example.cn/a/news/")
    assert listing.next_page == PageRequest("http://www.example.cn/a/news/list_3_2.html")
    assert _tail(listing.pages) == ["list_3_2.html", "list_3_3.html"]


def test_query_pages() -> None:
    pager = '<a href="?page=1">1</a> <b>2</b> <a href="?page=3">3</a> <a href="?page=3">下页</a>'
    listing = extract_listing(_page(pager), "http://www.example.gov.cn/news/list.php?page=2")
    assert listing.next_page == PageRequest("http://www.example.gov.cn/news/list.php?page=3")
    assert _urls(listing.pages) == [
        "http://www.example.gov.cn/news/list.php?page=1",
        "http://www.example.gov.cn/news/list.php?page=3",
    ]


def test_bare_arrow_inside_a_pager_is_next() -> None:
    pager = '<a href="list_1.html">&lt;</a> <a href="list_1.html">1</a> <em>2</em> <a href="list_3.html">3</a> <a href="list_3.html">&gt;</a>'
    listing = extract_listing(_page(pager), "http://www.example.gov.cn/xw/list_2.html")
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/list_3.html")


def test_numbers_alone_give_the_page_after_the_current_one() -> None:
    pager = '<div class="pagination"><a href="index.html">1</a><a class="active" href="javascript:;">2</a><a href="index_3.html">3</a><a href="index_4.html">4</a></div>'
    listing = extract_listing(_page(pager), URL)
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/index_3.html")


def test_first_page_with_only_numbers() -> None:
    pager = '<div class="pages"><span>1</span><a href="index_2.html">2</a><a href="index_3.html">3</a></div>'
    listing = extract_listing(_page(pager), "http://www.example.gov.cn/xw/index.html")
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/index_2.html")


@pytest.mark.parametrize("href", ["javascript:void(0)", "#", "#page=2", "index_2.html"])
def test_next_link_that_goes_nowhere_is_no_next_page(href: str) -> None:
    pager = f'<a href="index_1.html">上一页</a> <a href="{href}">下一页</a>'
    listing = extract_listing(_page(pager), URL)
    assert listing.next_page is None
    assert _tail(listing.pages) == ["index_1.html"]


def test_rel_next() -> None:
    html = _page("", head='<link rel="next" href="/xw/index_3.html">')
    assert extract_listing(html, URL).next_page == PageRequest(
        "http://www.example.gov.cn/xw/index_3.html"
    )


def test_home_link_in_the_navigation_is_not_a_page() -> None:
    assert extract_listing(_page(""), URL).pages == []


def test_article_neighbour_links_are_not_pages() -> None:
    pager = '<a href="/art/1.html">上一篇：某某会议召开</a> <a href="/art/3.html">下一篇：某某活动举行</a>'
    listing = extract_listing(_page(pager), URL)
    assert (listing.next_page, listing.pages) == (None, [])


# --- TRS WCM createPageHTML -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "url", "next_page", "pages"),
    [
        (
            'createPageHTML(12, 0, "index", "html");',
            "index.html",
            "index_1.html",
            [f"index_{n}.html" for n in range(1, 12)],
        ),
        (
            'createPageHTML(0, 12, "index", "html");',
            "index.html",
            "index_1.html",
            [f"index_{n}.html" for n in range(1, 12)],
        ),
        (
            "createPageHTML(5, 2, 'index', 'shtml');",
            "index_2.shtml",
            "index_3.shtml",
            ["index.shtml", "index_1.shtml", "index_3.shtml", "index_4.shtml"],
        ),
        (
            'createPageHTML(3, 2, "index", "htm");',
            "index_2.htm",
            None,
            ["index.htm", "index_1.htm"],
        ),
        ('createPageHTML(1,0, "index","shtml","3");', "index.shtml", None, []),
        ('createPageHTML(1, 0, "t20170803_1095855", "html")', "t20170803_1095855.html", None, []),
        (
            "createPageHTML('page_div',8, 1,'list','shtml',118);",
            "list.shtml",
            "list_2.shtml",
            [f"list_{n}.shtml" for n in range(2, 9)],
        ),
        (
            "createPageHTML('page_div', 8, 3, 'list', 'shtml', 118);",
            "list_3.shtml",
            "list_4.shtml",
            ["list.shtml", "list_2.shtml"] + [f"list_{n}.shtml" for n in range(4, 9)],
        ),
        (
            "createPageHTML('page_div',8, 8,'list','shtml',118);",
            "list_8.shtml",
            None,
            ["list.shtml"] + [f"list_{n}.shtml" for n in range(2, 8)],
        ),
    ],
)
def test_create_page_html(call: str, url: str, next_page: str | None, pages: list[str]) -> None:
    html = _page(f'<script type="text/javascript">{call}</script>')
    listing = extract_listing(html, f"http://www.example.gov.cn/xw/{url}")
    assert (listing.next_page.url.rsplit("/", 1)[-1] if listing.next_page else None) == next_page
    assert sorted(_tail(listing.pages)) == sorted(pages)


def test_create_page_html_definition_is_not_a_call() -> None:
    head = "<script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ if(_nPageCount<=1) return; }</script>"
    listing = extract_listing(_page("", head=head), "http://www.example.gov.cn/xw/index.html")
    assert (listing.next_page, listing.pages) == (None, [])


# --- TRS WCM countPage ------------------------------------------------------------------------
COUNT_PAGE = """<script language="JavaScript">
var currentPage = {current};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
if(countPage>1&&currentPage!=0&&currentPage!=1)
	document.write("<a href=\\"{name}"+"_" + prevPage + "."+"{ext}\\">上一页</a>");
if(countPage>1&&currentPage!=(countPage-1))
	document.write("<a href=\\"{name}"+"_" + nextPage + "."+"{ext}\\">下一页</a>");
</script>"""


def test_count_page_script() -> None:
    html = _page(COUNT_PAGE.format(current=0, count=4, name="index", ext="html"))
    listing = extract_listing(html, "http://www.example.gov.cn/xw/")
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/index_1.html")
    assert _tail(listing.pages) == ["index_1.html", "index_2.html", "index_3.html"]


def test_count_page_script_on_its_last_page() -> None:
    html = _page(COUNT_PAGE.format(current=3, count=4, name="list", ext="shtml"))
    listing = extract_listing(html, "http://www.example.gov.cn/xw/list_3.shtml")
    assert listing.next_page is None
    assert _tail(listing.pages) == ["list.shtml", "list_1.shtml", "list_2.shtml"]


def test_count_page_names_come_from_the_url_when_the_script_hides_them() -> None:
    html = _page(
        "<script>var currentPage = 1; var countPage = 3; writePager(currentPage, countPage);</script>"
    )
    listing = extract_listing(html, "http://www.example.gov.cn/xw/index_1.htm")
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/index_2.htm")
    assert _tail(listing.pages) == ["index.htm", "index_2.htm"]


def test_single_page_count_page_script_announces_nothing() -> None:
    html = _page(COUNT_PAGE.format(current=0, count=1, name="t20201201_6116434", ext="html"))
    listing = extract_listing(html, "http://www.example.gov.cn/xw/")
    assert (listing.next_page, listing.pages) == (None, [])


# --- Hanweb / 大汉 JCMS -------------------------------------------------------------------------
def _record(i: int, tag: str = "li") -> str:
    link = f"<a href='/art/2026/9/{i}/art_33718_1182{i:04d}.html' title='连云港跨里海班列运输提质提速第{i}期'>连云港跨里海班列运输提质提速第{i}期</a>"
    if tag == "tr":
        return f"<record><![CDATA[<tr><td>{link}</td><td>[2026-09-{i:02d}]</td></tr>]]></record>"
    return f"<record><![CDATA[<li>{link}<span>2026-09-{i:02d}</span></li>]]></record>"


def _hanweb_page(records: str, *, nextgroup: str, script: str, extra: str = "") -> str:
    return f"""<html><body><div class="nav"><a href="/">首页</a></div>
    <div id="212860"><script type="text/xml"><datastore>
    <nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>{extra}
    <recordset>{records}</recordset></datastore></script></div>
    <script>{script}</script></body></html>"""


NEXTGROUP = "/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"


def test_jpage_fields_from_the_nextgroup_link() -> None:
    html = _hanweb_page(
        "".join(_record(i) for i in range(1, 3)),
        nextgroup=NEXTGROUP,
        script="var param_212860={columnid:33718,unitid:'212860'}; $('#212860').jpage({totalRecord:60,perPage:19});",
    )
    listing = extract_listing(html, "https://www.example.gov.cn/col/col33718/index.html")
    assert len(listing.items) == 2
    assert listing.items[0].date == "2026-09-01"
    form = {
        "col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "33718",
        "sourceContentType": "1", "unitid": "212860", "webname": "江苏省人民政府", "permissiontype": "0",
    }  # fmt: skip
    proxy = "https://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
    assert listing.next_page == PageRequest(
        f"{proxy}?startrecord=3&endrecord=21&perpage=19", "POST", form
    )
    assert _urls(listing.pages) == [
        f"{proxy}?startrecord=3&endrecord=21&perpage=19",
        f"{proxy}?startrecord=22&endrecord=40&perpage=19",
        f"{proxy}?startrecord=41&endrecord=59&perpage=19",
        f"{proxy}?startrecord=60&endrecord=60&perpage=19",
    ]
    assert all(p.method == "POST" and p.data == form for p in listing.pages)


def test_jpage_total_in_the_datastore_and_a_doubly_encoded_site_name() -> None:
    name = quote(quote("定西市政府信息公开平台"))
    html = _hanweb_page(
        "".join(_record(i, "tr") for i in range(1, 6)),
        nextgroup=f"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=110&path=/&columnid=12377&unitid=38486&webname={name}&permissiontype=0",
        script="",
        extra="<totalrecord>12</totalrecord>",
    )
    listing = extract_listing(html, "http://www.example.gov.cn/col/col12377/index.html")
    assert [i.date for i in listing.items] == [f"2026-09-0{i}" for i in range(1, 6)]
    assert listing.next_page is not None
    assert listing.next_page.url.endswith("dataproxy.jsp?startrecord=6&endrecord=10&perpage=5")
    assert listing.next_page.data is not None
    assert listing.next_page.data["webname"] == "定西市政府信息公开平台"
    assert listing.next_page.data["webid"] == "110"
    assert len(listing.pages) == 2


def test_jpage_without_a_column_id_still_gives_its_items() -> None:
    html = _hanweb_page(
        "".join(_record(i) for i in range(1, 4)),
        nextgroup="",
        script="$('#x').jpage({totalRecord:30,perPage:3});",
    )
    listing = extract_listing(html, "http://www.example.gov.cn/col/col1/index.html")
    assert len(listing.items) == 3
    assert (listing.next_page, listing.pages) == (None, [])


def test_jpage_page_already_holding_every_record_has_no_further_pages() -> None:
    html = _hanweb_page(
        "".join(_record(i) for i in range(1, 4)),
        nextgroup=NEXTGROUP,
        script="$('#212860').jpage({totalRecord:3,perPage:15});",
    )
    listing = extract_listing(html, "http://www.example.gov.cn/col/col33718/index.html")
    assert (listing.next_page, listing.pages) == (None, [])


def test_dataproxy_answer_windows() -> None:
    xml = f"<datastore><totalrecord>40</totalrecord><recordset>{''.join(_record(i) for i in range(11, 21))}</recordset></datastore>"
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=20&perpage=10"
    listing = extract_listing(xml.encode(), url)
    assert len(listing.items) == 10
    assert _urls(listing.pages) == [
        "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=21&endrecord=30&perpage=10",
        "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=31&endrecord=40&perpage=10",
    ]
    assert listing.next_page == PageRequest(listing.pages[0].url, "POST", None)


def test_dataproxy_answer_without_its_count_pages_on_with_the_columns() -> None:
    # Many data proxies answer with the records alone: the column page's totalRecord is what
    # says more windows follow, and the crawl carries it to each answer.
    xml = f"<datastore><recordset>{''.join(_record(i) for i in range(11, 21))}</recordset></datastore>"
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=20&perpage=10"
    assert extract_listing(xml, url).next_page is None
    listing = extract_listing(xml, url, total_records=35)
    assert listing.next_page == PageRequest(url.replace("startrecord=11&endrecord=20", "startrecord=21&endrecord=30"), "POST", None)
    assert listing.total_records == 35


def test_last_dataproxy_answer_has_no_next_page() -> None:
    xml = f"<datastore><totalrecord>20</totalrecord><recordset>{''.join(_record(i) for i in range(11, 21))}</recordset></datastore>"
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=20&perpage=10"
    listing = extract_listing(xml, url)
    assert (listing.next_page, listing.pages) == (None, [])


def test_dataproxy_get_answer_with_page_numbers() -> None:
    xml = f"<datastore><totalrecord>95</totalrecord><totalpage>3</totalpage><recordset>{_record(1)}{_record(2)}</recordset></datastore>"
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?page=2&appid=1&webid=28&path=/&columnid=14418&unitid=18878&permissiontype=0"
    listing = extract_listing(xml, url)
    assert listing.next_page == PageRequest(url.replace("page=2", "page=3"))


# --- limits -----------------------------------------------------------------------------------
def test_an_absurd_page_count_is_announced_in_part() -> None:
    html = _page('<script>createPageHTML(99999999, 0, "index", "html");</script>')
    listing = extract_listing(html, "http://www.example.gov.cn/xw/index.html")
    assert listing.next_page == PageRequest("http://www.example.gov.cn/xw/index_1.html")
    assert len(listing.pages) == 500


def test_an_absurd_record_count_is_announced_in_part() -> None:
    html = _hanweb_page(_record(1), nextgroup=NEXTGROUP, script="$('#212860').jpage({totalRecord:99999999,perPage:1});")
    listing = extract_listing(html, "http://www.example.gov.cn/col/col33718/index.html")
    assert len(listing.pages) == 1000


def test_a_zero_page_size_in_a_dataproxy_url_announces_nothing() -> None:
    xml = f"<datastore><totalrecord>40</totalrecord><recordset>{_record(1)}</recordset></datastore>"
    url = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=0&perpage=0"
    assert extract_listing(xml, url).pages == []
