"""Pages with no article: list pages, a portal home page, empty and binary pages, an
anti-bot challenge. Each raises ExtractionError rather than producing garbage; and no
input makes the extractor fail any other way."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.extract import ExtractionError, extract_article
from tests.conftest import FIXTURES

LIST_PAGES = sorted(p.name for p in (FIXTURES / "lists").glob("*.html"))

_NEWS = "".join(
    f'<li><a href="/art/2024/5/{d}/art_1_{d}.html">县委常委会召开第{d}次会议研究部署近期重点工作任务</a><span>2024-05-{d:02d}</span></li>'
    for d in range(1, 11)
)
HOME_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例县人民政府门户网站</title></head><body>
<div class="top">今天是<span id="d"></span> <a href="/wza">无障碍</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>
<div class="focus"><a href="/art/2024/5/20/art_1_1.html"><img src="/img/f1.jpg" alt="焦点图"></a></div>
<div class="news"><h3>示例要闻</h3><ul>{_NEWS}</ul></div>
<div class="intro"><h3>走进示例</h3><p>示例县位于浙江省东部，县域面积1200平方公里，辖6镇4乡，户籍人口42万人，是全国生态示范县。</p></div>
<div class="footer"><p>主办：示例县人民政府办公室　浙ICP备10012345号</p>
<p>版权所有：示例县人民政府。未经授权，不得转载本网站内容。如有疑问，请与网站管理员联系。</p></div>
</body></html>"""

CHALLENGE_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<script type="text/javascript" r="m">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd="qEcerrAlEkqcDkA";</script>
<script type="text/javascript" charset="utf-8" src="/Xx1bXGIX2xbs/JXlBHR3FBtkd.b4c45da.js" r="m"></script></head>
<body></body></html>"""


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_are_not_articles(name: str) -> None:
    with pytest.raises(ExtractionError):
        extract_article((FIXTURES / "lists" / name).read_bytes())


@pytest.mark.parametrize(
    "page",
    [
        HOME_PAGE.encode("utf-8"),
        CHALLENGE_PAGE.encode("utf-8"),
        b"",
        b"   \n  ",
        b"<html><body></body></html>",
        b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><hr><center>nginx</center></body></html>",
        bytes(range(256)) * 30,
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 30,
        b"\x00\x01\x02\x03" * 1000,
    ],
    ids=["home", "challenge", "empty", "blank", "no-body", "404", "binary", "png", "nul"],
)
def test_pages_without_an_article_raise(page: bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_article(page)


def test_error_names_the_url() -> None:
    with pytest.raises(ExtractionError) as info:
        extract_article(b"", "http://www.example.gov.cn/a.html")
    assert info.value.url == "http://www.example.gov.cn/a.html"
    assert "http://www.example.gov.cn/a.html" in str(info.value)


_TAGS = st.sampled_from(["p", "div", "span", "table", "tr", "td", "h1", "a", "br", "li", "ul", "script", "section"])
_TEXT = st.text(alphabet=st.sampled_from(list("，。：记者来源发布时间2024-05-13 张三李四新闻正文<>&\"'/")), max_size=40)


@st.composite
def _html(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(_TAGS)
        parts.append(f"<{tag}>{draw(_TEXT)}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.one_of(_html(), st.binary(max_size=400)))
def test_any_input_gives_an_article_or_extraction_error(page: str | bytes) -> None:
    data = page.encode("utf-8") if isinstance(page, str) else page
    try:
        article = extract_article(data)
    except ExtractionError:
        return
    assert article.body and isinstance(article.to_dict(), dict)


def test_short_article_with_headline_in_a_plain_cell_is_kept() -> None:
    """No heading tag and no title class, but the <title> headline is shown: an article."""
    html = """<html><head><title>县医保局开展医保政策宣传进社区活动_工作动态_示例县医疗保障局</title></head><body>
    <table width=1000><tr><td><a href="/">首页</a> <a href="/gzdt/">工作动态</a></td></tr>
    <tr><td align=center><font size=5><b>县医保局开展医保政策宣传进社区活动</b></font></td></tr>
    <tr><td align=center>发布时间：2024-05-14 来源：县医保局</td></tr>
    <tr><td><p>5月13日，县医保局组织工作人员走进城东社区，开展医保政策宣传活动，现场解答群众咨询120余人次。</p></td></tr>
    </table></body></html>"""
    article = extract_article(html.encode("utf-8"))
    assert article.title == "县医保局开展医保政策宣传进社区活动"
    assert (article.published_at, article.source) == ("2024-05-14", "县医保局")
