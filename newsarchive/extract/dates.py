"""Publication dates: the common Chinese shapes by fast regular expressions, the long
tail by dateparser; every result is ISO 8601 in China time at the page's precision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

# China time is UTC+08:00 all year (no daylight saving since 1991).
CHINA_OFFSET = "+08:00"
_EARLIEST_YEAR = 1990

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９：－／．　",
    "0123456789:-/. ",
)
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")

_DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:[Tt]|\s|-)?\s*(?P<H>\d{1,2})\s*(?:[:：]|时|點|点)\s*(?P<M>\d{1,2})(?!\d)\s*分?"
    r"(?:\s*(?:[:：])\s*(?P<S>\d{1,2})(?!\d)|\s*(?P<S2>\d{1,2})\s*秒)?)?"
)
# "2024 05/09 22:27:02" (year, then month/day) as printed by some news templates.
_SPLIT_YEAR_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
# "21 / 2024年02月": a day block printed over the year and month.
_DAY_FIRST_RE = re.compile(r"(?<![\d.:-])(?P<d>[0-3]?\d)\s+(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>[01]?\d)\s*月?(?![\d日])")
_CN_DATE_RE = re.compile(r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日")

_URL_DATE_PATTERNS = (
    # /art/2016/11/22/art_…, /2024/05/13/, /2024-05/13/content_…, /n1/2024/0510/c1004-…
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>[01]\d)[-/_](?P<d>[0-3]\d)(?=[/_])"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    # /202204/t20220417_974894.shtml, /t20240513_15249693.htm
    re.compile(r"[/_]t(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)_"),
    # /20240509/3dd6e…/c.html, /content_20240509_…
    re.compile(r"[/_](?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?=[/_.])"),
)


@dataclass(frozen=True)
class FoundDate:
    iso: str
    has_time: bool
    start: int
    end: int


def normalize_text(text: str) -> str:
    """Full-width digits, colons and spaces to ASCII, so one pattern reads both."""
    return text.translate(_FULLWIDTH).replace("\xa0", " ")


def calendar_day(text: str) -> str:
    """A day a person gives (``--since``, a setting) as YYYY-MM-DD; ValueError for a day
    that does not exist, since such a limit is compared as text with the dates pages show.

    >>> calendar_day("2024-02-29")
    '2024-02-29'
    """
    return date.fromisoformat(text.strip()).isoformat()


def _today() -> date:
    return datetime.now().date()


def to_iso(y: int, m: int, d: int, hour: int | None = None, minute: int | None = None, second: int | None = None) -> str | None:
    """ISO 8601 for a date (and time) if it exists and is plausible, else None.

    >>> to_iso(2024, 4, 18, 11, 12)
    '2024-04-18T11:12:00+08:00'
    >>> to_iso(2024, 2, 30) is None
    True
    """
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if y < _EARLIEST_YEAR or day.toordinal() > _today().toordinal() + 366:
        return None
    if hour is None or minute is None:
        return day.isoformat()
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= (second or 0) < 60):
        return day.isoformat()
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second or 0:02d}{CHINA_OFFSET}"


def _from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    hour = groups.get("H")
    minute = groups.get("M")
    second = groups.get("S") or groups.get("S2")
    return to_iso(
        int(groups["y"]),
        int(groups["m"]),
        int(groups["d"]),
        int(hour) if hour else None,
        int(minute) if minute else None,
        int(second) if second else None,
    )


def find_dates(text: str) -> list[FoundDate]:
    """Every plausible date in a piece of text, in order.

    >>> [d.iso for d in find_dates("时间:2024年04月18日 11:12   来源:广元日报")]
    ['2024-04-18T11:12:00+08:00']
    >>> [d.iso for d in find_dates("[ 2016-11-22 ]  发布日期: 2024/05/13")]
    ['2016-11-22', '2024-05-13']
    >>> [d.iso for d in find_dates("２０２３年０９月１８日 09时30分")]
    ['2023-09-18T09:30:00+08:00']
    """
    norm = normalize_text(text)
    found: list[FoundDate] = []
    for pattern in (_DATE_RE, _SPLIT_YEAR_RE):
        for match in pattern.finditer(norm):
            if any(f.start <= match.start() < f.end for f in found):
                continue
            iso = _from_match(match)
            if iso:
                found.append(FoundDate(iso, "T" in iso, match.start(), match.end()))
    if not found:
        for match in _DAY_FIRST_RE.finditer(norm):
            iso = _from_match(match)
            if iso:
                found.append(FoundDate(iso, False, match.start(), match.end()))
                break
    if not found and _CN_DATE_RE.search(text):
        iso = parse_date(_CN_DATE_RE.search(text).group(0))  # type: ignore[union-attr]
        if iso:
            found.append(FoundDate(iso, False, 0, 0))
    found.sort(key=lambda f: f.start)
    return found


def parse_date(text: str) -> str | None:
    """One date from a short text: fast patterns first, dateparser for the long tail.

    >>> parse_date("2024-05-20 08:49:12")
    '2024-05-20T08:49:12+08:00'
    >>> parse_date("二〇二四年四月十八日")
    '2024-04-18'
    """
    dates = find_dates(text) if not _CN_DATE_RE.fullmatch(text.strip()) else []
    if dates:
        return dates[0].iso
    return _dateparser_date(text.strip()[:80])


@lru_cache(maxsize=512)
def _dateparser_date(text: str) -> str | None:
    if not text or not re.search(r"\d|[〇一二三四五六七八九十]", text):
        return None
    import dateparser  # imported on demand: it is slow to import and rarely needed

    cn = _chinese_numeral_date(text)
    if cn:
        return cn
    parsed = dateparser.parse(
        text,
        languages=["zh", "en"],
        settings={"TIMEZONE": "Asia/Shanghai", "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past", "STRICT_PARSING": True},
    )
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d{1,2}\s*[:：时]\s*\d{1,2}", text))
    if has_time:
        return to_iso(parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second)
    return to_iso(parsed.year, parsed.month, parsed.day)


def _chinese_numeral_date(text: str) -> str | None:
    """'二〇二四年四月十八日' → '2024-04-18' (dateparser does not read these)."""
    match = _CN_DATE_RE.search(text)
    if not match:
        return None
    year_part, rest = match.group(0).split("年", 1)
    month_part, day_part = rest.rstrip("日").split("月")
    return to_iso(int(year_part.translate(_CN_DIGITS)), _cn_number(month_part), _cn_number(day_part))


def _cn_number(text: str) -> int:
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if "十" not in text:
        return digits.get(text, 0)
    tens, _, ones = text.partition("十")
    return digits.get(tens, 1) * 10 + digits.get(ones, 0)


def date_from_url(url: str | None) -> str | None:
    """The date many CMSs write into article URLs.

    >>> date_from_url("http://www.mee.gov.cn/ywdt/hjywnews/202204/t20220417_974894.shtml")
    '2022-04-17'
    >>> date_from_url("https://politics.gmw.cn/2024-05/13/content_37319243.htm")
    '2024-05-13'
    >>> date_from_url("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.htm")
    '2016-11-22'
    >>> date_from_url("http://finance.people.com.cn/n1/2024/0510/c1004-40232587.html")
    '2024-05-10'
    """
    if not url:
        return None
    for pattern in _URL_DATE_PATTERNS:
        match = pattern.search(url)
        if match:
            iso = to_iso(int(match["y"]), int(match["m"]), int(match["d"]))
            if iso:
                return iso
    return None
