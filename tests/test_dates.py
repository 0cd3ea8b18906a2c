"""Publication dates: every shape the field rules and real portals print, China time,
the page's precision, impossible dates refused, dates in URLs."""

from __future__ import annotations

import pytest

from newsarchive.extract.dates import date_from_url, find_dates, parse_date, to_iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # date and minute: seconds are :00
        ("时间:2024年04月18日 11:12", "2024-04-18T11:12:00+08:00"),
        ("发布时间：2022-04-17 09:30", "2022-04-17T09:30:00+08:00"),
        # real seconds when shown
        ("2024-05-20 08:49:12 来源:光明网", "2024-05-20T08:49:12+08:00"),
        ("发布时间：2024-05-12 16:38:21", "2024-05-12T16:38:21+08:00"),
        # date only
        ("日期：2019-09-18", "2019-09-18"),
        ("[ 2016-11-22 ]", "2016-11-22"),
        ("发布日期: 2024/05/13", "2024-05-13"),
        ("2024年4月18日", "2024-04-18"),
        ("2024.05.13", "2024-05-13"),
        # 时/分 and Chinese time words
        ("发布日期：2016-11-22 09时30分", "2016-11-22T09:30:00+08:00"),
        ("2024年5月9日 8点05分", "2024-05-09T08:05:00+08:00"),
        ("2024年05月09日10时30分15秒", "2024-05-09T10:30:15+08:00"),
        # full-width digits, colon and spaces
        ("日期：２０２３年０９月１８日　１０：０５", "2023-09-18T10:05:00+08:00"),
        # ISO with T, and a CMS timestamp joined by a hyphen
        ("2024-05-13T08:49", "2024-05-13T08:49:00+08:00"),
        ("2007-08-20-23:59:59", "2007-08-20T23:59:59+08:00"),
        # year, then month/day
        ("2024 05/09 22:27:02", "2024-05-09T22:27:02+08:00"),
        # Chinese numerals (official documents)
        ("二〇二四年四月十八日", "2024-04-18"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
    ],
)
def test_date_shapes(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_day_printed_over_year_and_month() -> None:
    """Some templates print the day in a block above "2024年02月"."""
    assert [d.iso for d in find_dates("21 2024年02月")] == ["2024-02-21"]


def test_dates_in_order_with_positions() -> None:
    found = find_dates("[ 2016-11-22 ]  发布日期: 2024/05/13")
    assert [d.iso for d in found] == ["2016-11-22", "2024-05-13"]
    assert found[0].start < found[1].start
    assert not found[0].has_time


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30",  # no such day
        "2023-02-29",  # not a leap year
        "2024-13-01",  # no such month
        "1989-06-01",  # before government sites
        "2999-01-01",  # far future
        "文号：甬人社发〔2024〕9号",  # a year in a document number is no date
        "电话：0574-87654321",
        "",
    ],
)
def test_impossible_or_absent_dates_rejected(text: str) -> None:
    assert find_dates(text) == []


def test_bad_time_keeps_the_date() -> None:
    assert to_iso(2024, 4, 18, 25, 10) == "2024-04-18"
    assert to_iso(2024, 2, 29) == "2024-02-29"


def test_leap_day_accepted() -> None:
    assert parse_date("2024-02-29 10:00") == "2024-02-29T10:00:00+08:00"


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("http://www.mee.gov.cn/ywdt/hjywnews/202204/t20220417_974894.shtml", "2022-04-17"),  # TRS WCM
        ("https://politics.gmw.cn/2024-05/13/content_37319243.htm", "2024-05-13"),  # Founder
        ("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.htm", "2016-11-22"),  # Hanweb
        ("http://www.huzhou.gov.cn/art/2016/1/5/art_1621004_1.html", "2016-01-05"),  # Hanweb, no padding
        ("http://finance.people.com.cn/n1/2024/0510/c1004-40232587.html", "2024-05-10"),  # people.com.cn
        ("http://www.news.cn/politics/20240509/3dd6e33cc6d749fbaae01fea337ff400/c.html", "2024-05-09"),
        ("http://www.wcxw.cn/a/xinwen/bendi/2024/0513/2867.html", "2024-05-13"),  # DedeCMS
        ("http://www.example-news.cn/news/local/2024-05-12/1234.html", "2024-05-12"),  # EmpireCMS
    ],
)
def test_url_dates(url: str, iso: str) -> None:
    assert date_from_url(url) == iso


@pytest.mark.parametrize(
    "url",
    [
        None,
        "http://www.example.gov.cn/col/col1229035/index.html",
        "http://www.example.gov.cn/art/2024/13/45/art_1_1.html",  # impossible date
        "http://www.example.gov.cn/content/post_4417826.html",
    ],
)
def test_urls_without_a_date(url: str | None) -> None:
    assert date_from_url(url) is None
