"""Exports round-trip: JSONL, CSV (Excel), Parquet (typed, read by pyarrow), WARC (read by
warcio) and WACZ (validated by its own ``wacz validate``)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.export import export
from newsarchive.store.fields import EXPORT_COLUMNS
from tests import test_store_support as support
from tests.test_store_support import ROOT, STORIES, at, child_env, run_child, store, story

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


FORMULAS = {
    "title": "=HYPERLINK(\"http://evil.example/\",\"点击\")",
    "subtitle": "+1+2",
    "source": "@SUM(A1:A9)",
    "editor": "-2+3",
    "body": "\tcmd|' /C calc'!A0",
    "prev_url": "=1+1",  # (a leading carriage return never reaches the archive: see test_hostile)
}


def test_csv_neutralises_formulas_unless_raw(archive, tmp_path):
    store(archive, story(**FORMULAS, authors=["=1+1", "李四"]), "http://www.wh.gov.cn/f.html")

    def cells(*raw: str) -> dict[str, str]:
        target = tmp_path / f"out{len(raw)}.csv"
        result = run_child(
            "import sys; from newsarchive.cli.archive import export; export.main(sys.argv[1:])",
            "-o", str(target), "--db", str(archive.path), *raw,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        [row] = csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline=""))
        return row

    archive.close()
    safe = cells()
    for column, text in FORMULAS.items():
        assert safe[column] == "'" + text
    assert safe["authors"] == "'=1+1; 李四"
    assert safe["id"] == "1" and safe["url"] == "http://www.wh.gov.cn/f.html"  # plain cells untouched
    raw = cells("--raw")
    for column, text in FORMULAS.items():
        assert raw[column] == text
    assert raw["authors"] == "=1+1; 李四"


def test_parquet_has_real_types(archive, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    with_files = story(attachments=[{"url": "http://www.wh.gov.cn/a.pdf", "text": "附件1"}])
    store(archive, with_files, "http://www.wh.gov.cn/0.html", fetched_at=at(0))
    store(archive, story(STORIES[1], published_at="2024-04-18"), "http://www.wh.gov.cn/1.html", fetched_at=at(1))
    store(archive, story(STORIES[2], published_at="2024-04-18T11:12:13+08:00"), "http://www.wh.gov.cn/2.html")
    store(archive, story(STORIES[3], published_at=None), "http://www.wh.gov.cn/3.html")
    path = tmp_path / "out.parquet"
    with path.open("wb") as out:
        assert export(archive, "parquet", out) == 4
    table = pq.read_table(path)
    schema = table.schema
    assert schema.field("published_at").type == pa.timestamp("ms", tz="Asia/Shanghai")
    assert schema.field("first_seen").type == schema.field("last_seen").type == pa.timestamp("ms", tz="UTC")
    assert pa.types.is_dictionary(schema.field("published_at_precision").type)
    assert schema.field("authors").type == schema.field("breadcrumb").type == pa.list_(pa.string())
    assert schema.field("images").type == pa.list_(pa.struct([("src", pa.string()), ("caption", pa.string())]))
    assert schema.field("attachments").type == pa.list_(pa.struct([("url", pa.string()), ("text", pa.string())]))
    assert schema.field("read_count").type == schema.field("story_id").type == pa.int64()
    assert schema.field("section").type == pa.string()
    rows = table.to_pylist()
    china = timezone(timedelta(hours=8))
    minute, day, second, unknown = rows
    assert minute["published_at"] == datetime(2020, 10, 4, 20, 30, tzinfo=china)
    assert minute["published_at"].utcoffset() == timedelta(hours=8)  # read back in China time
    assert minute["published_at_precision"] == "minute"
    # a date alone is the start of that day in China, and says it is only a day
    assert (day["published_at"], day["published_at_precision"]) == (datetime(2024, 4, 18, tzinfo=china), "day")
    assert second["published_at_precision"] == "second" and second["published_at"].second == 13
    assert (unknown["published_at"], unknown["published_at_precision"]) == (None, None)
    assert minute["first_seen"] == datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
    assert day["last_seen"] == datetime(2024, 5, 1, 8, 1, tzinfo=timezone.utc)
    expected = story(STORIES[0])
    assert minute["title"] == expected["title"]
    assert minute["authors"] == ["陈智"]
    assert minute["images"] == expected["images"]
    assert minute["attachments"] == [{"url": "http://www.wh.gov.cn/a.pdf", "text": "附件1"}]
    assert minute["breadcrumb"] == expected["breadcrumb"] and minute["section"] == "政务要闻"
    assert [r["aliases"] for r in rows] == [[], [], [], []]


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


def _records(data: bytes) -> list[tuple[str, str | None, bytes]]:
    return [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(data))
    ]


def test_warc_gzip_follows_the_file_name(filled, tmp_path):
    filled.close()
    for name in ("plain.warc", "packed.warc.gz"):
        result = run_child(
            "import sys; from newsarchive.cli.archive import export; export.main(sys.argv[1:])",
            "-o", str(tmp_path / name), "--db", str(filled.path),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    plain = (tmp_path / "plain.warc").read_bytes()
    packed = (tmp_path / "packed.warc.gz").read_bytes()
    assert plain.startswith(b"WARC/1.0\r\n") and b"\x1f\x8b" not in plain[:4]
    assert packed.startswith(b"\x1f\x8b")
    assert len(gzip.decompress(packed)) > len(packed)
    assert _records(plain) == _records(packed)
    responses = [body for kind, _, body in _records(plain) if kind == "response"]
    assert responses == [HTML.encode("gbk") + bytes([n]) for n in range(len(STORIES))]


def test_wacz_passes_wacz_validate(filled, tmp_path):
    pytest.importorskip("wacz")
    filled.close()
    path = tmp_path / "crawl.wacz"
    result = run_child(
        "import sys; from newsarchive.cli.archive import export; export.main(sys.argv[1:])",
        "-o", str(path), "--db", str(filled.path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"exported {len(STORIES)} fetches to {path}" in result.stderr
    validate = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(path)],
        capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "Validation succeeded" in validate.stdout
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl",
                "indexes/index.cdx.gz", "indexes/index.idx", "archive/data.warc.gz"} <= names  # fmt: skip
        header, *pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
        index = gzip.decompress(package.read("indexes/index.cdx.gz")).decode()
        datapackage = json.loads(package.read("datapackage.json"))
        for resource in datapackage["resources"]:
            digest = hashlib.sha256(package.read(resource["path"])).hexdigest()
            assert resource["hash"] == f"sha256:{digest}"
    assert header["format"] == "json-pages-1.0"
    # every article whose page answered 200 is a page, titled by its headline
    titles = {p["url"]: p["title"] for p in pages}
    assert titles == {f"http://www.wh.gov.cn/{n}.html": story(name)["title"] for n, name in enumerate(STORIES) if n}
    assert all(p["ts"].startswith("2024-05-01T08:0") for p in pages)
    for number in range(len(STORIES)):  # the CDXJ index finds each response by its URL
        assert f"cn,gov,wh)/{number}.html " in index  # SURT order, www. dropped


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


def test_every_formula_start_is_neutralised_cell_by_cell():
    from newsarchive.export.csv import FORMULA_STARTS, neutralised

    for start in FORMULA_STARTS:
        assert neutralised(start + "1+1", start + "1+1") == "'" + start + "1+1"
    assert neutralised("平安", "平安") == "平安"
