"""Exports round-trip: JSONL, CSV (Excel), Parquet and WARC (readable by warcio)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.export import export
from newsarchive.store.fields import EXPORT_COLUMNS
from tests import test_store_support as support
from tests.test_store_support import STORIES, at, run_child, store, story

# fixtures shared by the archive tests
archive = support.archive
db_path = support.db_path

HTML = "<html><head><meta charset=gbk></head><body><h1>县政府召开常务会议</h1></body></html>"


@pytest.fixture
def filled(archive):
    run = archive.begin_run("crawl", ["wuhan"])
    for number, name in enumerate(STORIES):
        url = f"http://www.wh.gov.cn/{number}.html"
        page = archive.record_page(
            url=url + "?from=timeline",
            final_url=url,
            status=200 if number else 404,
            headers=[
                ("Content-Type", "text/html; charset=gbk"),
                ("Server", "nginx"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ],
            body=HTML.encode("gbk") + bytes([number]),
            fetched_at=at(number),
            run_id=run,
            portal="wuhan" if number % 2 else "hankou",
            request_headers=[("Host", "www.wh.gov.cn"), ("User-Agent", "newsarchive")],
        )
        store(
            archive,
            story(name),
            url,
            portal="wuhan" if number % 2 else "hankou",
            section="要闻" if number < 3 else "通知",
            page_id=page,
            run_id=run,
            requested_url=url + "?from=timeline",
        )
    archive.finish_run(run)
    return archive


def written(archive, fmt, **filters):
    out = io.BytesIO()
    count = export(archive, fmt, out, **filters)
    return count, out.getvalue()


def test_jsonl_has_every_article_with_every_field(filled):
    count, data = written(filled, "jsonl")
    lines = data.decode("utf-8").splitlines()
    assert count == len(lines) == len(STORIES)
    rows = [json.loads(line) for line in lines]
    assert [tuple(r) for r in rows] == [EXPORT_COLUMNS] * len(STORIES)
    first = rows[0]
    expected = story(STORIES[0])
    for field in ("title", "body", "published_at", "source", "authors", "images", "editor"):
        assert first[field] == expected[field]
    assert first["breadcrumb"] == expected["breadcrumb"]
    assert first["section"] == "要闻"
    assert first["aliases"] == ["http://www.wh.gov.cn/0.html?from=timeline"]
    assert "武汉" in data.decode("utf-8")  # not \\u-escaped


def test_jsonl_filters(filled):
    assert written(filled, "jsonl", portal="wuhan")[0] == 2
    assert written(filled, "jsonl", section="通知")[0] == 2
    assert written(filled, "jsonl", since="2024-05-13")[0] == 3
    assert written(filled, "jsonl", until="2020-10-04")[0] == 2
    assert written(filled, "jsonl", since="2024-05", until="2024-05")[0] == 3


def test_csv_opens_in_excel_with_chinese_intact(filled):
    count, data = written(filled, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert count == len(rows) == len(STORIES)
    assert "body_html" not in rows[0]
    expected = story(STORIES[0])
    assert rows[0]["title"] == expected["title"]
    assert rows[0]["body"] == expected["body"]  # newlines survive quoting
    assert rows[0]["authors"] == "陈智"
    assert rows[0]["images"] == "; ".join(i["src"] for i in expected["images"])
    assert rows[0]["breadcrumb"] == "; ".join(expected["breadcrumb"])
    assert rows[0]["read_count"] == ""


def test_parquet_round_trip(filled, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "out.parquet"
    with path.open("wb") as out:
        assert export(filled, "parquet", out) == len(STORIES)
    rows = pq.read_table(path).to_pylist()
    expected = story(STORIES[0])
    assert rows[0]["title"] == expected["title"]
    assert rows[0]["authors"] == ["陈智"]
    assert rows[0]["images"] == expected["images"]


def test_warc_has_every_fetch_as_received(filled):
    count, data = written(filled, "warc")
    assert count == len(STORIES)
    records = []
    for record in ArchiveIterator(io.BytesIO(data)):
        records.append(
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Date"),
                record.http_headers,
                record.raw_stream.read(),
            )
        )
    assert [r[0] for r in records] == ["warcinfo"] + ["response", "request"] * len(STORIES)
    responses = [r for r in records if r[0] == "response"]
    requests = [r for r in records if r[0] == "request"]
    for number, (_, uri, date, http, body) in enumerate(responses):
        assert uri == f"http://www.wh.gov.cn/{number}.html"
        assert date == f"2024-05-01T08:0{number}:00Z"
        assert body == HTML.encode("gbk") + bytes([number])
        assert http.get_statuscode() == ("200" if number else "404")
        assert http.headers == [
            ("Content-Type", "text/html; charset=gbk"),
            ("Server", "nginx"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ]
    assert requests[1][3].protocol == "GET"
    assert requests[1][3].headers == [("Host", "www.wh.gov.cn"), ("User-Agent", "newsarchive")]


def test_warc_passes_warcio_index_and_check(filled, tmp_path):
    path = tmp_path / "pages.warc.gz"
    with path.open("wb") as out:
        export(filled, "warc", out, portal="wuhan")
    warcio = [sys.executable, "-m", "warcio.cli"]
    index = subprocess.run([*warcio, "index", str(path)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    assert [e["warc-type"] for e in entries] == ["warcinfo"] + ["response", "request"] * 2
    check = subprocess.run([*warcio, "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 5


def test_warc_section_filter_keeps_that_sections_pages(filled):
    assert written(filled, "warc", section="通知")[0] == 2


def test_parquet_without_pyarrow_says_what_to_install(filled, tmp_path):
    filled.close()
    code = """
        import sys
        sys.modules["pyarrow"] = None  # as if the optional extra were not installed
        from newsarchive.cli.archive import export
        export.main(["--format", "parquet", "-o", sys.argv[2], "--db", sys.argv[1]])
    """
    target = tmp_path / "out.parquet"
    result = run_child(code, str(filled.path), str(target))
    assert result.returncode == 1
    assert "pip install 'newsarchive[parquet]'" in result.stderr
    assert not target.exists()  # no half-written file left
