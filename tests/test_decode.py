"""Decoding page bytes: the bytes are trusted over what the page claims."""

from __future__ import annotations

import codecs

import pytest

from newsarchive.extract import ExtractionError, extract_article
from newsarchive.extract.decode import declared_charset, decode_html, normalize_charset
from tests.conftest import load_case

PAGE = "<html><head>{meta}<title>关于喆字的通知</title></head><body><p>{text}</p></body></html>"
# 喆 and · (A1A4) are in GBK/GB18030 but not in GB2312.
TEXT = "示例县喆园社区·居民议事会召开，会议研究了老旧小区改造事项。"


@pytest.mark.parametrize("declared", ["gb2312", "GB2312", "gbk", "x-gbk", "cp936"])
def test_gb_family_decoded_as_gb18030(declared: str) -> None:
    data = PAGE.format(meta=f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">', text=TEXT).encode("gbk")
    assert TEXT in decode_html(data)


def test_gbk_without_any_declaration() -> None:
    data = PAGE.format(meta="", text=TEXT).encode("gb18030")
    assert TEXT in decode_html(data)


def test_lying_meta_charset() -> None:
    """<meta charset=utf-8> on GBK bytes: the bytes win."""
    data = PAGE.format(meta='<meta charset="utf-8">', text=TEXT).encode("gbk")
    assert TEXT in decode_html(data)


def test_lying_header_charset() -> None:
    data = PAGE.format(meta="", text=TEXT).encode("utf-8")
    assert TEXT in decode_html(data, content_type="text/html; charset=gbk")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + PAGE.format(meta='<meta charset="utf-8">', text=TEXT).encode(codec)
    assert TEXT in decode_html(data)


def test_utf8_bom() -> None:
    assert decode_html(codecs.BOM_UTF8 + "<p>正文</p>".encode()) == "<p>正文</p>"


def test_text_passes_through() -> None:
    assert decode_html("<p>正文</p>") == "<p>正文</p>"


def test_real_gbk_fixture_decodes() -> None:
    html, expected = load_case("dede_article")
    assert "喆" in decode_html(html)
    assert extract_article(html, expected["url"]).title == expected["title"]


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(128, 256)) * 40,  # high bytes no charset reads
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        b"%PDF-1.7\n" + bytes(range(255, -1, -1)) * 20,
    ],
)
def test_undecodable_bytes_raise(data: bytes) -> None:
    with pytest.raises(ExtractionError):
        decode_html(data)


def test_empty_bytes_raise() -> None:
    with pytest.raises(ExtractionError, match="empty"):
        decode_html(b"")


def test_declared_charset_sources() -> None:
    assert declared_charset(b"<meta charset='gb2312'>") == "gb2312"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GBK">') == "GBK"
    assert declared_charset(b"<p>x</p>", "text/html; charset=utf-8") == "utf-8"
    assert declared_charset(b"<p>x</p>") is None


def test_charset_names_normalised() -> None:
    assert normalize_charset("GB2312") == "gb18030"
    assert normalize_charset("big5") == "big5hkscs"
    assert normalize_charset("no-such-charset") is None
    assert normalize_charset(None) is None
