"""Meta lines and bylines: source, authors, editor and read count from visible text.

A meta line reads like ``时间:2024年04月18日 11:12   来源:广元日报   阅读:``; a lead names
reporters like ``本报讯（记者 张三 李四）``. Both are parsed by splitting on the label
words of :mod:`newsarchive.extract.patterns`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsarchive.extract import patterns as P
from newsarchive.extract.dates import FoundDate, find_dates, normalize_text

_TRIM = " \t:：,，;；|｜/、.。()（）[]【】<>《》\"'“”‘’-—_*·"
_BRACKETED_RE = re.compile(r"^[《〈<](.+?)[》〉>]$")
_MAX_META_LINE = 150
# A label ending its line, and a short next line (at most three words) to take as its value.
_BRACKETED_LABEL_RE = re.compile(r"[\[【〔]\s*(" + P.alternatives(P.ALL_LABELS) + r")\s*[\]】〕]")
_DANGLING_LABEL_RE = re.compile(r"((?:" + "|".join(P.ALL_LABELS) + r")\s*[:：])[ \t]*\n(?=[^\n\s]+(?: [^\n\s]+){0,2}(?:\n|$))")
# A word glued before a role ("职工通讯员", "南都记者"): who they are, not a name.
_ROLE_QUALIFIER_RE = re.compile(r"(?:^|(?<=[\s（(]))[\u4e00-\u9fff]{1,4}(?=(?:全媒体|融媒体)?(?:记者|通讯员))")
# Words of page furniture that sit beside a byline ("作者：张三 <a>查看更多</a>").
_NOT_A_NAME_RE = re.compile(r"查看|更多|返回|点击|阅读|分享|收藏|打印|关闭|评论|下载|登录|注册|关注|首页|全文|原文|链接|相关|推荐")
_ORGANIZATION_RE = re.compile(r"(?:报|网|社|台|中心|局|委|办|部|院|所|站|厅|处|会|团|队|组|室|馆|公司|集团|政府|频道|客户端)$")
# A label word that is the object of speech ("告诉记者：", "对记者说：") opens a quotation.
_SPOKEN_TO_RE = re.compile(r"(?:告诉|对|向|跟|接受|问|答)$")
_QUOTES = frozenset("“\"「『‘'")
# Who the author is, after the name: "，系……", "，现任……", "，……教授".
_DESCRIPTION_RE = re.compile(r"[，,]\s*(?:系|现任|现为|为|是)[^，,；;]*")
# Words around a byline that name no person: the place a report is filed from (a word
# glued before 报道/发自) and who gave the pictures.
_NOT_A_BYLINE_RE = re.compile(r"[\u4e00-\u9fff]{2,8}(?:报道|发自)|(?:受访者|受访单位|网友|读者|资料)?(?:供图|供稿|提供)")
_OUTLET_SPLIT_RE = re.compile(r"[\s·•|｜/\u3000]+")
_OUTLET_RE = re.compile(r"[\u4e00-\u9fff]{1,10}(?:日报|晚报|早报|商报|时报|报|网|社|电视台|广播电视台|新闻|客户端|周刊|杂志)")
_NOT_AN_OUTLET = frozenset({"互联网", "因特网", "万维网", "局域网", "物联网", "新闻", "要闻", "快报", "简报", "通报", "公报", "情报"})
_NAME_SPLIT_RE = re.compile(r"[\s,，、;；/|｜]+")


@dataclass
class MetaFields:
    """What one stretch of visible text says about the article."""

    dates: list[tuple[str, FoundDate]] = field(default_factory=list)  # (label or "", date)
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    read_count: int | None = None
    issuer: str | None = None  # 发布机构 / 发文机关 of an information-disclosure box


def split_labels(text: str) -> list[tuple[str, str]]:
    """Cut a meta line into (label, value) pairs; text before the first label gets ``""``.

    >>> split_labels("时间:2024年04月18日 11:12   来源:广元日报   阅读:")
    [('时间', '2024年04月18日 11:12'), ('来源', '广元日报'), ('阅读', '')]
    >>> split_labels("药剂科供稿 摄影/张艳 编辑/苏芳")
    [('', '药剂科供稿'), ('摄影', '张艳'), ('编辑', '苏芳')]
    """
    pairs: list[tuple[str, str]] = []
    last_label = ""
    last_end = 0
    for match in P.LABEL_RE.finditer(text):
        if _SPOKEN_TO_RE.search(text, 0, match.start()) and text[match.end() :].lstrip()[:1] in _QUOTES:
            continue  # "村民告诉记者：“……”": a quotation, not a byline
        value = text[last_end : match.start()]
        if pairs or value.strip() or last_label:
            pairs.append((last_label, value.strip()))
        last_label = match.group("label") or match.group("staff") or match.group("sourced") or "文/"
        last_end = match.end()
    pairs.append((last_label, text[last_end:].strip()))
    return [(label, value) for label, value in pairs if label or value]


def clean_source(value: str) -> str | None:
    """The outlet name from a source value: no label, no trailing fields, no 《》.

    >>> clean_source(" 《人民日报》 2024-05-13 08:49")
    '人民日报'
    >>> clean_source("光明网-《光明日报》")
    '光明网-光明日报'
    """
    value = P.WIDGET_TOKEN_RE.sub(" ", value.replace("\xa0", " ")).strip()  # 来源：【打印】: none
    value = P.SOURCE_STOP_RE.split(value, maxsplit=1)[0]
    value = value.strip(_TRIM)
    match = _BRACKETED_RE.match(value)
    if match:
        value = match.group(1)
    value = value.replace("《", "").replace("》", "").strip(_TRIM)
    if not value or len(value) > 40 or re.fullmatch(r"[\d\s:：\-/]+", value):
        return None
    return value


def split_names(value: str) -> list[str]:
    """Person names from a byline value; a name printed with a spacer (``方 敏``) is rejoined.

    >>> split_names("王乐文 方 敏")
    ['王乐文', '方敏']
    >>> split_names("记者 张三、李四 通讯员 王五")
    ['张三', '李四', '王五']
    """
    value = normalize_text(value)
    value = _DESCRIPTION_RE.sub("", value)  # "南帆，系福建师范大学……研究员"
    value = _NOT_A_BYLINE_RE.sub(" ", value)  # "山东冠县报道", "受访者供图"
    value = re.sub(r"[（(][^）)]*[）)]", " ", value)
    value = P.OUTLET_BEFORE_ROLE_RE.sub(" ", value)
    value = _ROLE_QUALIFIER_RE.sub(" ", value)
    value = P.BYLINE_NOISE_RE.sub(" ", value)
    tokens = [t.strip(_TRIM) for t in _NAME_SPLIT_RE.split(value)]
    tokens = [t for t in tokens if t]
    names: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) <= 2 and _is_cjk(tokens[i + 1]):
            token += tokens[i + 1]
            i += 1
        i += 1
        token = _name_before_affiliation(token)
        if (_ORGANIZATION_RE.search(token) and len(token) > 2) or _NOT_A_NAME_RE.search(token):
            continue
        if P.PERSON_NAME_RE.match(token) or re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,30}", token):
            names.append(token)
    return list(dict.fromkeys(names))


def _name_before_affiliation(token: str) -> str:
    """The name in ``方敏北京大学经济学院教授``: the two or three characters after which
    an affiliation (a place or national word, then an institution) begins.

    >>> _name_before_affiliation("方敏北京大学经济学院教授")
    '方敏'
    """
    if len(token) <= 5:
        return token
    for size in (2, 3):
        if P.AFFILIATION_RE.match(token[size:]):
            return token[:size]
    return token


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def parse_meta(text: str, leads: bool = True) -> MetaFields:
    """Read every labelled field in a stretch of text (a meta line, or a page's top).

    >>> m = parse_meta("时间:2024年04月18日 11:12   来源:广元日报   阅读:")
    >>> (m.dates[0][1].iso, m.source, m.authors, m.read_count)
    ('2024-04-18T11:12:00+08:00', '广元日报', [], None)
    """
    fields = MetaFields()
    # A label at the end of a line takes its value from the next line ("来源：\n人民网").
    text = _DANGLING_LABEL_RE.sub(r"\1 ", text)
    text = _BRACKETED_LABEL_RE.sub(r"\1：", text)  # "[ 发布机构 ] 重庆市…" as "发布机构：重庆市…"
    if find_dates(text.replace("\n", " ")) != [] and not any(find_dates(line) for line in text.split("\n")):
        # A date printed in blocks over several lines ("21" over "2024年02月").
        for found in find_dates(text.replace("\n", " "))[:1]:
            fields.dates.append(("", found))
    for line in text.split("\n"):
        if len(line) > _MAX_META_LINE or (len(line) > 40 and "。" in line):
            continue  # prose (a disclaimer, a paragraph), not a meta line
        for label, value in split_labels(line):
            _read_pair(fields, label, value)
        if leads and ("记者" in line or "通讯员" in line):
            for name in lead_authors([_cut_at_date(line).strip()]):
                if name not in fields.authors:
                    fields.authors.append(name)
    return fields


def _read_pair(fields: MetaFields, label: str, value: str) -> None:
    for found in find_dates(value):
        fields.dates.append((label if label in P.DATE_LABELS else "", found))
    if label in P.SOURCE_LABELS and fields.source is None:
        fields.source = clean_source(value)
    elif label in P.AUTHOR_LABELS or label == "文/":
        for name in split_names(_cut_at_date(value)):
            if name not in fields.authors:
                fields.authors.append(name)
    elif label in P.EDITOR_LABELS and fields.editor is None:
        names = split_names(_cut_at_date(value))
        fields.editor = " ".join(names) if names else (value.strip(_TRIM) or None)
        if fields.editor and len(fields.editor) > 20:
            fields.editor = None
    elif label in P.ISSUER_LABELS and fields.issuer is None:
        fields.issuer = clean_source(value)
    elif label in P.READ_LABELS and fields.read_count is None:
        match = re.match(r"\s*(\d[\d,]*)", normalize_text(value))
        if match:
            fields.read_count = int(match.group(1).replace(",", ""))


def _cut_at_date(value: str) -> str:
    dates = find_dates(value)
    return value[: dates[0].start] if dates else value


def lead_authors(lines: list[str]) -> list[str]:
    """Reporters named in the first lines of the body.

    >>> lead_authors(["本报哈密电(广元日报全媒体记者 蒲洪旭)4月16日至17日,广元市…"])
    ['蒲洪旭']
    >>> lead_authors(["新华社北京5月9日电（记者 王五）国务院总理…"])
    ['王五']
    >>> lead_authors(["□ 本报记者 张三", "近日，…"])
    ['张三']
    """
    for line in lines[:3]:
        match = P.DATELINE_NAMES_RE.match(line)
        if match:
            names = split_names(match.group("inner"))
            tokens = [t for t in _NAME_SPLIT_RE.split(match.group("inner")) if t]
            if names and len(names) == len(tokens):
                return names
        match = P.LEAD_BYLINE_RE.match(line)
        if match:
            names = split_names(match.group("inner"))
            if names:
                return names
        line = before_other_label(line)
        match = P.STANDALONE_BYLINE_RE.match(line)
        if match and len(line) <= 40:
            names = split_names(P.STAFF_AFTER_BYLINE_RE.split(match.group("names"), maxsplit=1)[0])
            if names:
                return names
    return []


def before_other_label(line: str) -> str:
    """A byline without the fields printed after it on the same line.

    >>> before_other_label("中青报·中青网记者 魏其濛 来源：中国青年报")
    '中青报·中青网记者 魏其濛'
    """
    for match in P.LABEL_RE.finditer(line):
        if match.start() > 0 and match.group("label") not in P.AUTHOR_LABELS:
            return line[: match.start()].rstrip()
    return line


def unlabelled_outlet(text: str, site_names: Iterable[str] = ()) -> str | None:
    """An outlet printed without a label right beside the time of a meta line
    (``2022-02-13 09:57 光明网``, ``石佳/中国青年报 2019-09-24``, ``22:30·新华社``); the
    site's own name there (an e-paper's masthead) names no source.

    >>> unlabelled_outlet("2024-05-09 22:30·新华社")
    '新华社'
    >>> unlabelled_outlet("2024-05-09 22:30 分享到") is None
    True
    """
    own = {name.strip() for name in site_names if name}
    for line in text.split("\n"):
        found = find_dates(line)
        if not found or len(line) > 80 or P.LABEL_RE.search(line):
            continue
        before = [t for t in _OUTLET_SPLIT_RE.split(line[: found[0].start]) if t.strip(_TRIM)][-1:]
        after = [t for t in _OUTLET_SPLIT_RE.split(line[found[-1].end :]) if t.strip(_TRIM)][:1]
        for token in (*after, *before):
            name = token.strip(_TRIM).replace("《", "").replace("》", "")
            if not _OUTLET_RE.fullmatch(name) or _NOT_A_NAME_RE.search(name) or name in _NOT_AN_OUTLET:
                continue
            if not any(name in site for site in own):
                return name
    return None


def trailing_authors(lines: list[str]) -> list[str]:
    """A labelled signature closing the article: ``…美好生活需要。(文/图 刘玺东 易赛楠)``.

    >>> trailing_authors(["正文。(文/图 刘玺东 易赛楠)"])
    ['刘玺东', '易赛楠']
    """
    for line in lines[-2:]:
        match = P.TRAILING_BYLINE_RE.search(line)
        if match:
            return split_names(match.group("names"))
    last = lines[-1].strip() if lines else ""
    match = P.TRAILING_NAMES_LINE_RE.match(last)
    if match and not P.NOT_SIGNATURE_RE.search(last):
        return split_names(match.group("names"))
    return []


def read_count(text: str) -> int | None:
    """The read count when printed (``阅读 539``); None when left to a script.

    >>> read_count("阅读：") is None
    True
    """
    for line in text.split("\n"):
        if len(line) <= 80:
            match = P.READ_COUNT_RE.search(normalize_text(line))
            if match:
                return int(match.group(1))
    return None


def is_byline_line(line: str) -> bool:
    """A body line that is only a reporter byline (``□ 本报记者 张三``), printed above the lead."""
    line = before_other_label(line)
    return len(line) <= 40 and bool(P.STANDALONE_BYLINE_RE.match(line))
