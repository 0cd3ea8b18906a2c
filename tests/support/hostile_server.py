"""Small misbehaving portals on 127.0.0.1 for the hostile-server suite.

Each test builds a portal of a few pages, one of which misbehaves in one way (a redirect
to an internal address, links to another port, a fresh session id in every link …), and
crawls it with real ``newsarchive`` processes. The server is ``http.server``: slow but
plain, and every request it answers is logged, so a test can prove what was never fetched.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Answer:
    """One HTTP answer: status, headers and body (text is sent as UTF-8 HTML)."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


# A route answers a request path (with its query and ;parameters) with an Answer.
Route = Answer | str | Callable[[str], Answer | str]


class HostileServer:
    """An HTTP server on a free loopback port, serving ``routes`` until the block ends.

    Routes are looked up by the request's full path first, then by the path without
    ``;parameters`` and query (so a session id in a URL reaches the same page); anything
    else is a 404. ``limit`` makes every request after that many a 404, so a crawl the
    server would otherwise feed for ever still ends.
    """

    def __init__(self, routes: dict[str, Route] | None = None, limit: int | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.limit = limit
        self.log: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, prefix: str = "/") -> int:
        """How many requests asked for a path starting with ``prefix``."""
        with self._lock:
            return sum(1 for path in self.log if path.startswith(prefix))

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, raw_path: str) -> Answer:
        with self._lock:
            self.log.append(raw_path)
            over = self.limit is not None and len(self.log) > self.limit
        if over:
            return Answer("over the test's request limit", 404)
        plain = urlsplit(raw_path).path.split(";", 1)[0]
        route = self.routes.get(raw_path, self.routes.get(plain))
        if route is None:
            return Answer("not found", 404)
        if callable(route):
            route = route(raw_path)
        return Answer(route) if isinstance(route, str) else route

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                answer = server.answer(self.path)
                body = answer.payload()
                self.send_response(answer.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass  # the request log is kept by the server

        return Handler


# -- pages ------------------------------------------------------------------------------


def list_page(title: str, items: list[tuple[str, str]], *, date: str = "2024-04-18") -> str:
    """A section page: a breadcrumb, and a list of (href, title) with a date each."""
    rows = "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a><span>{date}</span></li>' for href, text in items)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="position">当前位置：<a href="/">首页</a> &gt; {title}</div>
<div class="main"><ul class="list">
{rows}
</ul></div>
<div class="footer">某县融媒体中心 版权所有</div></body></html>"""


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    meta: str = "发布时间：2024-04-18 10:00　来源：某县融媒体中心",
    prev: tuple[str, str] | None = None,
    next: tuple[str, str] | None = None,
    head: str = "",
    after_body: str = "",
    in_body: str = "",
    escape: bool = True,
) -> str:
    """An article page as county portals print one: headline, meta line, body, and a
    上一条/下一条 box. Text is HTML-escaped unless ``escape`` is False (raw markup)."""
    esc = html.escape if escape else (lambda text: text)
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)

    def neighbour(label: str, link: tuple[str, str] | None) -> str:
        if link is None:
            return f"<p>{label}：没有了</p>"
        return f'<p>{label}：<a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>'

    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title>{head}</head><body>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xw/">新闻</a></div>
<div class="article">
<h1>{esc(title)}</h1>
<div class="info">{esc(meta)}</div>
<div class="content" id="zoom">
{body}
{in_body}
</div>
{after_body}
<div class="prevnext">{neighbour("上一条", prev)}{neighbour("下一条", next)}</div>
</div>
<div class="footer">某县融媒体中心 版权所有</div></body></html>"""


def paragraphs(seed: str, n: int = 4) -> list[str]:
    """Body text that differs per ``seed``, long enough to read as an article."""
    return [f"{seed}第{i + 1}段：县委县政府召开专题会议，研究部署{seed}相关工作，要求各乡镇各部门压实责任、细化措施，确保各项任务按期完成。" for i in range(n)]
