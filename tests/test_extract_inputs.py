"""``newsarchive extract`` beyond saved files: standard input, one URL fetched politely
from a server on 127.0.0.1, and files that are not HTML pages at all."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive import exitcodes, settings
from newsarchive.cli import main
from newsarchive.fetch import FetchError, fetch_page
from tests.conftest import load_case

PAGE, EXPECTED = load_case("chaotian__seed")
TEXT_PDF = (
    b"%PDF-1.4\n1 0 obj << /Length 300 >> stream\nBT (" + "县政府召开常务会议研究部署近期重点工作".encode() + b") Tj ET\n"
    + "会议指出，要坚持以人民为中心的发展思想，扎实推进乡村振兴各项工作。".encode() * 20
    + b"\nendstream endobj\n%%EOF\n"
)
NOTES = "县政府召开常务会议\n\n会议指出，要坚持以人民为中心的发展思想，扎实推进乡村振兴各项工作，确保取得实效。\n".encode() * 10


ROUTES = {
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
    "/news/a.html": (200, "text/html", PAGE),
    "/private/a.html": (200, "text/html", PAGE),
    "/files/report.pdf": (200, "application/pdf", TEXT_PDF),
    "/files/notes.html": (200, "text/html", NOTES),  # a wrong Content-Type changes nothing
    "/files/empty.html": (200, "text/html", b""),
    "/big.html": (200, "text/html", b"<html><body>" + b"<p>x</p>" * 100_000 + b"</body></html>"),
}


class Portal(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]]  # (path, User-Agent) of every request, in order

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("User-Agent", "")))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/news/a.html")
            self.end_headers()
            return
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if self.path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/etc/passwd")
            self.end_headers()
            return
        if self.path == "/slow.html":
            time.sleep(3)
        status, kind, body = ROUTES.get(self.path, (404, "text/html", b"<h1>404</h1>"))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that gave up
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    seen: list[tuple[str, str]] = []
    handler = type("Handler", (Portal,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def extract(*args: str, stdin: bytes | None = None) -> tuple[int, list[dict], list[dict]]:
    result = CliRunner().invoke(main, ["extract", *args], input=stdin)
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    err = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    return result.exit_code, out, err


def test_dash_reads_the_page_from_stdin() -> None:
    code, [record], err = extract("-", "--url", EXPECTED["url"], stdin=PAGE)
    assert code == 0 and not err
    assert record["file"] == "-"
    assert record["title"] == EXPECTED["title"]
    assert record["prev_url"] == EXPECTED["prev_url"]


def test_url_is_fetched_once_politely_and_extracted(portal) -> None:
    base, seen = portal
    code, [record], err = extract(f"{base}/news/a.html")
    assert code == 0 and not err
    assert record["url"] == f"{base}/news/a.html" and record["file"] is None
    assert record["title"] == EXPECTED["title"]
    assert [path for path, _ in seen] == ["/robots.txt", "/news/a.html"]
    assert {agent for _, agent in seen} == {settings.USER_AGENT}


def test_redirected_url_extracts_with_the_final_url(portal) -> None:
    base, _ = portal
    code, [record], _ = extract(f"{base}/moved")
    assert code == 0 and record["url"] == f"{base}/news/a.html"


def test_robots_txt_is_respected(portal) -> None:
    base, seen = portal
    code, out, [error] = extract(f"{base}/private/a.html")
    assert code == exitcodes.ERRORS and not out
    assert "robots.txt" in error["error"] and error["url"] == f"{base}/private/a.html"
    assert [path for path, _ in seen] == ["/robots.txt"]  # the page itself was never asked for


def test_not_found_and_non_http_redirects_are_errors(portal) -> None:
    base, _ = portal
    code, out, errors = extract(f"{base}/missing.html", f"{base}/to-file", f"{base}/to-ftp")
    assert code == exitcodes.ERRORS and out == []
    assert "HTTP 404" in errors[0]["error"]
    assert "redirected to file:///etc/passwd, which is not an http(s) URL" in errors[1]["error"]
    assert "redirected to ftp://127.0.0.1/etc/passwd, which is not an http(s) URL" in errors[2]["error"]


def test_timeout_and_size_limit(portal) -> None:
    base, _ = portal
    with pytest.raises(FetchError, match=r"no answer within 0\.5 s"):
        fetch_page(f"{base}/slow.html", timeout=0.5)
    with pytest.raises(FetchError, match="size limit"):
        fetch_page(f"{base}/big.html", max_bytes=100_000)
    assert len(fetch_page(f"{base}/big.html").body) > 100_000  # within the crawl's 16 MiB


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/files/report.pdf", "not an HTML page: a pdf file (application/pdf)"),
        ("/files/notes.html", "not an HTML page: no HTML markup in it"),
        ("/files/empty.html", "empty page"),
    ],
)
def test_fetched_non_html_is_an_error(portal, path, reason) -> None:
    base, _ = portal
    code, out, [error] = extract(base + path)
    assert (code, out, error["error"]) == (exitcodes.ERRORS, [], reason)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", TEXT_PDF, "a pdf file (application/pdf)"),
        ("picture.html", b"\x89PNG\r\n\x1a\n" + bytes(300), "a png file (image/png)"),
        ("notes.txt", NOTES, "no HTML markup in it"),
        ("data.json", json.dumps({"title": "通知", "body": "正文" * 200}, ensure_ascii=False).encode(), "no HTML markup in it"),
        ("empty.html", b"", "empty page"),
    ],
)
def test_saved_non_html_file_is_an_error_not_an_article(tmp_path: Path, name, content, reason) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, [error] = extract(str(path))
    assert code == exitcodes.ERRORS and out == []
    assert error["file"] == str(path) and reason in error["error"]
    code, out, [error] = extract("-", stdin=content)
    assert code == exitcodes.ERRORS and out == [] and reason in error["error"]
