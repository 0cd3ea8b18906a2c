"""Bylines and meta lines: labelled fields, reporters in the lead, editors kept apart
from authors, source values cleaned to a name."""

from __future__ import annotations

import pytest

from newsarchive.extract import extract_article
from newsarchive.extract.bylines import (
    before_other_label,
    clean_source,
    lead_authors,
    parse_meta,
    split_labels,
    split_names,
    trailing_authors,
)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("作者：张三", ["张三"]),
        ("记者：张三 李四", ["张三", "李四"]),
        ("文/王小明", ["王小明"]),
        ("撰稿：刘一", ["刘一"]),
        ("通讯员：吴六", ["吴六"]),
        ("摄影：郑七", ["郑七"]),
        ("作者：记者 李明 通讯员 王刚", ["李明", "王刚"]),
        ("文/张丽　图/刘强", ["张丽", "刘强"]),
        ("来源：人民日报 作者：方 敏", ["方敏"]),  # a two-character name printed with a spacer
        ("作者：艾力·买买提", ["艾力·买买提"]),
        ("作者：方敏北京大学经济学院教授", ["方敏"]),  # affiliation run on after the name
    ],
)
def test_labelled_authors(line: str, authors: list[str]) -> None:
    assert parse_meta(line).authors == authors


@pytest.mark.parametrize(
    ("lines", "authors"),
    [
        (["本报讯（记者 张三 李四）近日，…"], ["张三", "李四"]),
        (["新华社北京5月9日电（记者 王五）国务院总理…"], ["王五"]),
        (["本报哈密电(广元日报全媒体记者 蒲洪旭)4月16日至17日,广元市…"], ["蒲洪旭"]),
        (["□ 本报记者 张三", "近日，…"], ["张三"]),
        (["■ 记者 张三 通讯员 李四", "近日，…"], ["张三", "李四"]),
        (["新华社北京5月19日电（刘艺、杨吉）"], ["刘艺", "杨吉"]),
        (["中青报·中青网记者 魏其濛 来源：中国青年报"], ["魏其濛"]),
        (["近日，我县召开会议，记者从会上获悉…"], []),  # 记者 in prose is no byline
    ],
)
def test_lead_bylines(lines: list[str], authors: list[str]) -> None:
    assert lead_authors(lines) == authors


def test_closing_signature() -> None:
    assert trailing_authors(["……美好生活需要。(文/图 刘玺东 易赛楠)"]) == ["刘玺东", "易赛楠"]
    assert trailing_authors(["……美好生活需要。"]) == []


def test_fields_after_a_byline_are_cut() -> None:
    assert before_other_label("中青报·中青网记者 魏其濛 来源：中国青年报") == "中青报·中青网记者 魏其濛"
    assert before_other_label("作者：张三 编辑：李四") == "作者：张三"


@pytest.mark.parametrize(
    ("line", "editor"),
    [
        ("责任编辑：王丽平", "王丽平"),
        ("（责任编辑：马骁）", "马骁"),
        ("【编辑：姚昊】", "姚昊"),
        ("责编：陈静 审核：刘洋", "陈静"),
        ("编辑：刘一 刘二", "刘一 刘二"),
    ],
)
def test_editors_are_not_authors(line: str, editor: str) -> None:
    fields = parse_meta(line)
    assert fields.editor == editor
    assert fields.authors == []


def test_editor_beside_authors_on_one_line() -> None:
    fields = parse_meta("发布时间：2024-05-12 16:38　来源：示例晚报　作者：记者 李明　责任编辑：赵敏")
    assert fields.authors == ["李明"]
    assert fields.editor == "赵敏"
    assert fields.source == "示例晚报"


def test_editor_never_an_author_of_the_article() -> None:
    html = """<html><head><title>某县召开防汛工作会议_示例县</title></head><body>
    <h1>某县召开防汛工作会议</h1><div class="info">发布时间：2024-05-13 09:30 来源：县应急管理局</div>
    <div class="content"><p>5月12日，县政府召开防汛工作会议，部署今年防汛备汛工作。会议要求各乡镇、各部门压实责任，
    加强隐患排查，确保安全度汛。</p><p>会议强调，要完善预案，充实抢险队伍和物资，做好转移避险准备。</p>
    <p>（记者 张三　责任编辑：李四）</p></div></body></html>"""
    article = extract_article(html.encode("utf-8"))
    assert article.authors == ["张三"]
    assert article.editor == "李四"


@pytest.mark.parametrize(
    ("value", "source"),
    [
        ("《人民日报》", "人民日报"),
        (" 《人民日报》 2024-05-13 08:49", "人民日报"),
        ("新华社  作者：王五", "新华社"),
        ("光明网-《光明日报》", "光明网-光明日报"),
        ("广元日报 | 阅读：", "广元日报"),
        ("县发展和改革局　　作者：", "县发展和改革局"),
        ("2024-05-13", None),
        ("", None),
    ],
)
def test_source_cleaning(value: str, source: str | None) -> None:
    assert clean_source(value) == source


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("来源：《人民日报》", "人民日报"),
        ("信息来源：市政府办公室", "市政府办公室"),
        ("文章来源：生态环境部", "生态环境部"),
        ("稿源：咸宁日报　　文/ 王小明", "咸宁日报"),
        ("出处：求是", "求是"),
        ("本文来源：示例晚报", "示例晚报"),
    ],
)
def test_source_labels(line: str, source: str) -> None:
    assert parse_meta(line).source == source


def test_split_labels_keeps_empty_values() -> None:
    assert split_labels("时间:2024年04月18日 11:12   来源:广元日报   阅读:") == [
        ("时间", "2024年04月18日 11:12"),
        ("来源", "广元日报"),
        ("阅读", ""),
    ]


def test_label_at_line_end_takes_the_next_line() -> None:
    fields = parse_meta("来源：\n新华网\n责任编辑：\n尹世杰")
    assert fields.source == "新华网"
    assert fields.editor == "尹世杰"


def test_organisations_are_not_names() -> None:
    assert split_names("县农业农村局 张丽") == ["张丽"]
    assert split_names("记者 张三、李四 通讯员 王五") == ["张三", "李四", "王五"]


def test_read_count_only_when_printed() -> None:
    assert parse_meta("浏览次数：1234").read_count == 1234
    assert parse_meta("阅读：").read_count is None
