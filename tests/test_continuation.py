"""Split articles: continuation pages come from the article's own pager, never from a
上一条/下一条 link, a related-news box or a URL that merely looks like ``stem_M.html``."""

from __future__ import annotations

import dataclasses

import pytest

from newsarchive.demo import DemoPortal
from newsarchive.demo import render as demo_render
from newsarchive.extract import extract_article
from tests.conftest import ARTICLES

EMPIRE_URL = "http://www.example-news.cn/news/local/2024-05-12/1234.html"
EMPIRE_PAGES = [
    "http://www.example-news.cn/news/local/2024-05-12/1234_2.html",
    "http://www.example-news.cn/news/local/2024-05-12/1234_3.html",
]


def empire() -> bytes:
    return (ARTICLES / "empirecms_paged.html").read_bytes()


def test_the_saved_empirecms_article_has_its_two_further_pages() -> None:
    article = extract_article(empire(), EMPIRE_URL)
    assert article.more_pages == EMPIRE_PAGES
    assert article.next_url == "http://www.example-news.cn/news/local/2024-05-12/1235.html"  # 下一篇: another story


def test_a_related_link_that_looks_like_a_page_of_it_is_not_one() -> None:
    page = empire().replace(b"/news/local/2024-04-30/1201.html", b"/news/local/2024-05-12/1234_9.html")
    page = page.replace(b"/news/local/2024-05-12/1235.html", b"/news/local/2024-05-12/1234_5.html")
    assert extract_article(page, EMPIRE_URL).more_pages == EMPIRE_PAGES


def test_the_saved_xinhua_picture_story_has_its_pager_pages() -> None:
    url = "http://www.he.news.cn/20240515/d59c39d4160a4fe4b3084c3e4abfb450/c.html"
    article = extract_article((ARTICLES / "he.news.cn__1.html").read_bytes(), url)
    assert article.more_pages == [f"{url}?page={n}" for n in (2, 3, 4)]


@pytest.mark.parametrize("name", sorted(p.stem for p in ARTICLES.glob("*.html") if p.stem not in ("empirecms_paged", "he.news.cn__1")))
def test_single_page_fixtures_have_no_further_pages(name: str) -> None:
    # Under a TRS-style URL with a small id, where stem_M lookalikes are most tempting.
    url = "http://www.example.gov.cn/zwgk/202404/t20240418_3.html"
    assert extract_article((ARTICLES / f"{name}.html").read_bytes(), url).more_pages == []


def page(pager: str, after: str = "") -> str:
    body = "".join(f"<p>县委县政府召开专题会议，研究部署第{i}项工作，要求压实责任、细化措施。</p>" for i in range(6))
    return (
        "<html><body><h1>县政府召开常务会议研究部署防汛工作</h1><div class='info'>发布时间：2024-04-18</div>"
        f"<div class='content'>{body}{pager}</div>{after}</body></html>"
    )


URL = "http://www.example.gov.cn/zwgk/202404/t20240418_3.html"


@pytest.mark.parametrize(
    ("pager", "after", "expected"),
    [
        # the neighbours of a small-id TRS article, and a related box: no pager at all
        ("", "<div class='prevnext'><p>上一条：<a href='t20240418_2.html'>春耕</a></p><p>下一条：<a href='t20240418_4.html'>招商</a></p></div>", []),
        ("", "<div class='related'><h3>相关新闻</h3><ul><li><a href='t20240418_5.html'>教育</a></li><li><a href='t20240418_6.html'>医疗</a></li></ul></div>", []),
        # a 下一页 that is the next story, not named after this page
        ("", "<div class='fy'><a href='t20240418_2.html'>上一页</a> <a href='t20240418_4.html'>下一页</a></div>", []),
        # a footnote reference
        ("<p>见参考文献<a href='t20240418_4.html'>[2]</a>。</p>", "", []),
        # pagers: TRS, DedeCMS, PHPCMS, a bare 下一页 named after this page, a pager after the body
        ("<div class='page'>共2页 <span>1</span> <a href='t20240418_3_1.html'>2</a> <a href='t20240418_3_1.html'>下一页</a></div>", "", ["t20240418_3_1.html"]),
        ("<ul class='pagelist'><li><a>共3页: </a></li><li><a href='#'>上一页</a></li><li class='thisclass'><a href='#'>1</a></li>"
         "<li><a href='t20240418_3_2.html'>2</a></li><li><a href='t20240418_3_3.html'>3</a></li><li><a href='t20240418_3_2.html'>下一页</a></li></ul>", "",
         ["t20240418_3_2.html", "t20240418_3_3.html"]),
        ("<div id='pages' class='text-c'><span class='current'>1</span>&nbsp;<a href='t20240418_3_2.html'>2</a>&nbsp;<a href='t20240418_3_2.html'>下一页</a></div>", "", ["t20240418_3_2.html"]),
        ("<p><a href='t20240418_3_1.html'>下一页</a></p>", "", ["t20240418_3_1.html"]),
        ("", "<div class='page_box'><span class='current'>1</span>&nbsp;<a href='t20240418_3_2.html'>2</a>&nbsp;<a href='t20240418_3_2.html'>下一页</a></div>", ["t20240418_3_2.html"]),
        # a pager whose pages are in another folder or on another host: not this article's
        ("<div class='page'>共2页 <span>1</span> <a href='/other/t20240418_3_1.html'>2</a></div>", "", []),
        ("<div class='page'>共2页 <span>1</span> <a href='http://else.cn/zwgk/202404/t20240418_3_1.html'>2</a></div>", "", []),
    ],
)
def test_pagers_and_lookalikes(pager: str, after: str, expected: list[str]) -> None:
    base = URL.rsplit("/", 1)[0] + "/"
    assert extract_article(page(pager, after).encode(), URL).more_pages == [base + e for e in expected]


@pytest.mark.parametrize("family", sorted({s.family for s in DemoPortal(articles=200).sections_in_use()}))
def test_every_demo_template_pager_is_read(family: str) -> None:
    portal = DemoPortal(articles=200)
    section = next(s for s in portal.sections_in_use() if s.family == family)
    article = next(a for a in portal.articles if a.section == section.key)
    split = dataclasses.replace(article, pages=2)
    host = "127.0.0.1:8712"
    path = portal.path(split)
    html = demo_render.article_page(demo_render.Ctx(portal, host, path), split, section, 1)
    assert extract_article(html.encode(section.charset, "replace"), f"http://{host}{path}").more_pages == [f"http://{host}{portal.path(split, 2)}"]
    single = demo_render.article_page(demo_render.Ctx(portal, host, path), article, section, 1)
    assert extract_article(single.encode(section.charset, "replace"), f"http://{host}{path}").more_pages == []
