"""Canonical URLs: every spelling of one page gives one key."""

from __future__ import annotations

import pytest

from newsarchive.urls import canonical_url

SAME = [
    (
        "http://www.gov.cn/xinwen/2024-05/13/content_1.htm?b=2&a=1",
        "http://www.gov.cn/xinwen/2024-05/13/content_1.htm?a=1&b=2",
    ),
    ("http://www.gov.cn/a.html#top", "http://www.gov.cn/a.html"),
    ("HTTP://WWW.GOV.CN/a.html", "http://www.gov.cn/a.html"),
    ("http://www.gov.cn:80/a.html", "http://www.gov.cn/a.html"),
    ("https://www.gov.cn:443/a.html", "https://www.gov.cn/a.html"),
    ("http://www.gov.cn/news/index.html", "http://www.gov.cn/news/"),
    ("http://www.gov.cn/news/index.htm", "http://www.gov.cn/news/"),
    ("http://www.gov.cn/news/INDEX.SHTML", "http://www.gov.cn/news/"),
    ("http://www.gov.cn/news/default.html", "http://www.gov.cn/news/"),
    ("http://www.gov.cn", "http://www.gov.cn/"),
    ("http://www.gov.cn/a.html?from=timeline&isappinstalled=0", "http://www.gov.cn/a.html"),
    (
        "http://www.gov.cn/a.html?id=7&utm_source=wx&utm_medium=share",
        "http://www.gov.cn/a.html?id=7",
    ),
    ("http://www.gov.cn/a.html?spm=a2c4g.11186623&share=1&id=7", "http://www.gov.cn/a.html?id=7"),
    ("http://www.gov.cn/中文.html", "http://www.gov.cn/%E4%B8%AD%E6%96%87.html"),
    # session ids, whatever their case and place
    ("http://www.gov.cn/a.jsp;jsessionid=0A1B2C3D?id=7", "http://www.gov.cn/a.jsp?id=7"),
    ("http://www.gov.cn/x;JSESSIONID=1/a.html", "http://www.gov.cn/x/a.html"),
    ("http://www.gov.cn/a.php?PHPSESSID=abc&id=7", "http://www.gov.cn/a.php?id=7"),
    ("http://www.gov.cn/a.asp?id=7&ASPSESSIONIDQQGGQ=XYZ", "http://www.gov.cn/a.asp?id=7"),
    ("http://www.gov.cn/a.cfm?CFID=12&CFTOKEN=34&id=7", "http://www.gov.cn/a.cfm?id=7"),
    ("http://www.gov.cn/a.html?sid=9f8e&SessionID=1", "http://www.gov.cn/a.html"),
]
DIFFERENT = [
    ("http://www.gov.cn/a.html?id=7", "http://www.gov.cn/a.html?id=8"),
    ("http://www.gov.cn/a.html", "http://gov.cn/a.html"),
    ("http://www.gov.cn/news/index_2.html", "http://www.gov.cn/news/"),
    ("http://www.gov.cn/A.html", "http://www.gov.cn/a.html"),  # paths are case-sensitive
    ("http://www.gov.cn/a.jsp;type=news", "http://www.gov.cn/a.jsp"),  # other path parameters select content
    ("http://www.gov.cn/a.html?sidebar=1", "http://www.gov.cn/a.html"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_page(one, other):
    assert canonical_url(one) == canonical_url(other)
    assert canonical_url(canonical_url(one)) == canonical_url(one)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_pages_stay_apart(one, other):
    assert canonical_url(one) != canonical_url(other)
