"""Routing: a request (method, target, Host, body) becomes a Response, rendered once and cached.

The route table is rebuilt from the portal whenever the portal changes (add/edit), so a path
always serves what ``DemoPortal.truth()`` says. Byte-level misbehaviour (delays, cut bodies,
resets, streams) is described on the Response and carried out by server.py.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs

from newsarchive.demo import faults, files, render
from newsarchive.demo.content import Article
from newsarchive.demo.portal import DemoPortal
from newsarchive.demo.sections import BY_KEY, CHANNELS, FAULT_SECTION, HanwebScheme, Section

HTML = "text/html; charset=utf-8"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
# Paths whose identity is in the query string, and the parameters that make it up.
QUERY_KEYS = {
    "/index.php": ("m", "c", "a", "catid", "id", "page"),
    "/module/download/downfile.jsp": ("classid", "filename"),
    "/mtjj/": ("page",),
}
STATIC = {
    "/images/style.css": ("style.css", "text/css"),
    "/images/common.js": ("common.js", "application/javascript; charset=utf-8"),
    "/module/web/jpage/jpage.js": ("jpage.js", "application/javascript; charset=utf-8"),
    "/module/jslib/jquery/jquery.js": ("jpage.js", "application/javascript; charset=utf-8"),
}
COUNTERS = ("/interface/hits.jsp", "/plus/count.php", "/api.php", "/e/public/ViewClick/",
            "/module/visitcount/articlehits.jsp")


@dataclass
class Response:
    """What to send; the flags describe misbehaviour the server must act out byte by byte."""

    status: int
    body: bytes = b""
    content_type: str | None = HTML
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # wait this long before answering
    cut: int | None = None  # announce the whole body, send this many bytes, then close
    reset: bool = False  # answer nothing: reset the connection
    stream: Callable[[], Iterable[bytes]] | None = None  # body produced chunk by chunk
    stream_length: int | None = None  # its Content-Length; None sends it chunked

    @property
    def plain(self) -> bool:
        return not (self.delay or self.cut is not None or self.reset or self.stream)


def route_key(path: str, query: str = "") -> str:
    """The identity of a target: the path, plus the query parameters that select the page."""
    names = QUERY_KEYS.get(path)
    if names is None:
        return path
    params = parse_qs(query, keep_blank_values=True)
    parts = [f"{k}={params[k][0]}" for k in names
             if k in params and not (k == "page" and params[k][0] in ("", "1"))]
    return path + "?" + "&".join(parts) if parts else path


def _key(target: str) -> str:
    path, _, query = target.partition("?")
    return route_key(path, query)


def error(status: int) -> Response:
    reason = HTTPStatus(status).phrase
    return Response(status, render.error_page(status, reason).encode())


class Site:
    """The portal's pages by URL. Not thread-safe: call it from the server's loop only."""

    def __init__(self, portal: DemoPortal) -> None:
        self.portal = portal
        self.hits: Counter[str] = Counter()  # requests per route, for pages that fail at first
        self._version = -1
        self._routes: dict[str, tuple] = {}
        self._cache: dict[tuple[str, str], Response] = {}

    def reset_state(self) -> None:
        """Forget how often pages were fetched: flaky pages fail again on their next request."""
        self.hits.clear()

    # ---- the route table ----------------------------------------------------------------------

    def _refresh(self) -> None:
        if self._version == self.portal.version:
            return
        self._routes = self._build_routes()
        self._cache.clear()
        self._version = self.portal.version

    def _build_routes(self) -> dict[str, tuple]:
        portal = self.portal
        routes: dict[str, tuple] = {"/": ("home",), "/index.html": ("home",), "/robots.txt": ("robots",)}
        for path in STATIC:
            routes[path] = ("static", path)
        routes["/images/logo.png"] = ("file", "png", "/images/logo.png", "")
        routes["/images/ga.png"] = ("file", "png", "/images/ga.png", "")
        for path in COUNTERS:
            routes[path] = ("counter",)
        routes["/interface/related.jsp"] = ("related",)
        routes[DATAPROXY] = ("dataproxy",)
        for key, channel in CHANNELS.items():
            routes[_key(channel.path)] = ("channel", key)
        routes["/zx/index.html"] = ("channel", "zx")
        for section in portal.sections_in_use():
            for page in range(1, render.list_pages(portal, section) + 1):
                routes[_key(section.scheme.list_path(page))] = ("list", section.key, page)
            for alias in section.scheme.list_aliases():
                routes[_key(alias)] = ("list", section.key, 1)
        for a in portal.articles:
            self._article_routes(routes, a)
            repost = portal.repost_path(a)
            if repost:
                routes[_key(repost)] = ("article", a, BY_KEY["mtjj"], 1)
            old = portal.old_path(a)
            if old:
                routes[_key(old)] = ("redirect", portal.path(a))
        for key in (s.key for s in portal.sections_in_use()):
            for e in portal.entries(key):
                if e.hazard in ("challenge_412", "challenge_202"):
                    routes[_key(e.path)] = ("challenge", e.hazard)
        if portal.faults:
            for page in faults.FAULT_PAGES:
                routes[faults.ROOT + page.name] = ("fault", page.name)
            routes[faults.ROOT + faults.LOOP_B] = ("fault", faults.LOOP_B)
        return routes

    def _article_routes(self, routes: dict[str, tuple], a: Article) -> None:
        portal = self.portal
        home = BY_KEY[a.section]
        for page in range(1, a.pages + 1):
            routes[_key(portal.path(a, page))] = ("article", a, home, page)
        for n, pic in enumerate(a.pictures, start=1):
            routes[_key(portal.picture_path(a, n))] = ("file", "png", portal.picture_path(a, n), pic.caption)
        for n, f in enumerate(a.attachments, start=1):
            routes[_key(portal.attachment_path(a, n))] = ("file", f.ext, portal.attachment_path(a, n), f.text)

    # ---- answering ----------------------------------------------------------------------------

    def handle(self, method: str, target: str, host: str, body: bytes = b"") -> Response:
        """Answer one request. ``target`` is the request-target (path and query)."""
        self._refresh()
        path, _, query = target.partition("?")
        key = route_key(path, query)
        route = self._routes.get(key)
        if route is None:
            route = self._dynamic(path)
        if route is None:
            return error(404)
        kind = route[0]
        if kind == "dataproxy":
            return self._dataproxy(method, query, body, host)
        if kind == "fault":
            return self._fault(route[1], host)
        if kind == "article" and self._failing(route, key):
            return error(500)
        cached = self._cache.get((host, key))
        if cached is not None:
            return cached
        response = self._render(route, host, key, query)
        if response.plain and kind != "counter":
            self._cache[(host, key)] = response
        return response

    def _dynamic(self, path: str) -> tuple | None:
        """Routes that cannot be listed: the fault section's endless list pages."""
        root = faults.ROOT + "index_"
        if self.portal.faults and path.startswith(root) and path.endswith(".html"):
            number = path[len(root):-5]
            if number.isdigit() and int(number) >= 2:
                return ("list", FAULT_SECTION.key, int(number))
        return None

    def _failing(self, route: tuple, key: str) -> bool:
        """The flaky article fails its first request (after each reset_state)."""
        article = route[1]
        flaky = self.portal.roles.get("flaky")
        if flaky != article.index or route[2].key != article.section or route[3] != 1:
            return False
        self.hits[key] += 1
        return self.hits[key] == 1

    def _render(self, route: tuple, host: str, key: str, query: str) -> Response:
        portal = self.portal
        kind = route[0]
        ctx = render.Ctx(portal, host, key)
        if kind == "home":
            return Response(200, render.home_page(ctx).encode())
        if kind == "robots":
            return Response(200, b"User-agent: *\nDisallow:\n", "text/plain")
        if kind == "static":
            name, ctype = STATIC[route[1]]
            return Response(200, render.static(name), ctype)
        if kind == "channel":
            return Response(200, render.channel_page(ctx, route[1]).encode())
        if kind == "list":
            section = BY_KEY[route[1]]
            text = render.list_page(ctx, section, route[2])
            return error(404) if text is None else self._html(text, section)
        if kind == "article":
            a, section, page = route[1], route[2], route[3]
            ctx.path = portal.path(a, page) if section.key == a.section else key
            return self._html(render.article_page(ctx, a, section, page), section)
        if kind == "file":
            ext, path, title = route[1], route[2], route[3]
            return Response(200, files.make(ext, path, title), files.CONTENT_TYPES[ext])
        if kind == "redirect":
            return Response(301, b"", None, (("Location", f"http://{host}{route[1]}"),))
        if kind == "challenge":
            return self._challenge(route[1], key)
        if kind == "counter":
            n = int(hashlib.md5(query.encode()).hexdigest()[:4], 16) % 2000 + 13
            text = str(n) if key == "/interface/hits.jsp" else f"document.write('{n}');"
            return Response(200, text.encode(), "application/javascript; charset=utf-8")
        if kind == "related":
            return Response(200, self._related(query, host).encode())
        raise LookupError(kind)

    @staticmethod
    def _html(text: str, section: Section) -> Response:
        if section.charset == "gbk":
            return Response(200, text.encode("gbk", "xmlcharrefreplace"), "text/html; charset=gbk")
        return Response(200, text.encode())

    @staticmethod
    def _challenge(kind: str, key: str) -> Response:
        token = hashlib.sha256(key.encode()).hexdigest()
        status = 412 if kind == "challenge_412" else 202
        name = "FSSBBIl1UgzbN7N80S" if status == 412 else "NfBCSins2OywS"
        cookie = f"{name}={token[:40]}; Path=/; expires=Thu, 01 Jan 2099 00:00:00 GMT; HttpOnly"
        headers = (("Set-Cookie", cookie), ("Cache-Control", "no-cache, no-store"))
        return Response(status, render.challenge_page(kind, key).encode(), HTML, headers)

    def _related(self, query: str, host: str) -> str:
        params = parse_qs(query)
        key = params.get("channel", ["zwyw"])[0]
        if key not in BY_KEY:
            return ""
        entries = [e for e in self.portal.entries(key) if e.article is not None][:5]
        return "".join(f'<li><a href="{render.esc(e.path)}" target="_blank">{render.esc(e.title)}</a></li>'
                       for e in entries)

    def _dataproxy(self, method: str, query: str, body: bytes, host: str) -> Response:
        """Hanweb's record proxy: POST only, with the column's form fields."""
        if method != "POST":
            return error(405)
        params = {k: v[0] for k, v in parse_qs(query).items()}
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            form = {}
        params.update({k: v[0] for k, v in form.items()})
        section = next((s for s in self.portal.sections_in_use() if isinstance(s.scheme, HanwebScheme)
                        and str(s.scheme.column) == params.get("columnid")), None)
        try:
            start, end = int(params["startrecord"]), int(params["endrecord"])
        except (KeyError, ValueError):
            return error(400)
        ctx = render.Ctx(self.portal, host, DATAPROXY)
        if section is None:
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>0</totalrecord>\n'
                   "<totalpage>0</totalpage>\n<recordset>\n</recordset>\n</datastore>\n")
        else:
            xml = render.dataproxy(ctx, section, start, end)
        return Response(200, xml.encode(), "text/xml;charset=UTF-8")

    # ---- the fault section ------------------------------------------------------------------

    def _fault(self, name: str, host: str) -> Response:
        portal = self.portal
        page = faults.BY_NAME.get(name)
        kind = page.kind if page else "redirect_loop"
        key = faults.ROOT + name
        self.hits[key] += 1
        if kind in ("recover_500", "recover_503") and self.hits[key] <= portal.recover_after:
            status = 500 if kind == "recover_500" else 503
            response = error(status)
            if status == 503:
                response.headers = (("Retry-After", "1"),)
            return response
        if page is not None and page.article:
            a = portal.fault_articles[name]
            ctx = render.Ctx(portal, host, key)
            text = render.article_page(ctx, a, FAULT_SECTION, 1)
            if kind == "wrong_charset":
                return Response(200, text.encode("gbk", "xmlcharrefreplace"), HTML)
            return Response(200, text.encode())
        if kind == "redirect_loop":
            other = faults.LOOP_B if name != faults.LOOP_B else "loop_a.html"
            return Response(302, b"", None, (("Location", f"http://{host}{faults.ROOT}{other}"),))
        if kind == "challenge_412":
            return self._challenge(kind, key)
        if kind == "timeout":
            return Response(200, render.error_page(200, "OK").encode(), delay=portal.timeout_s)
        if kind == "truncated":
            whole = render.home_page(render.Ctx(portal, host, key)).encode()
            return Response(200, whole, cut=len(whole) // 3)
        if kind == "reset":
            return Response(0, reset=True)
        if kind == "oversize":
            size = int(portal.oversize_mb * 1024 * 1024)
            return Response(200, stream=lambda: faults.filler_chunks(size),
                            stream_length=size if name == "huge.html" else None)
        if kind == "binary":
            return Response(200, faults.junk(), HTML)
        if kind == "empty":
            return Response(200, b"", HTML)
        raise LookupError(kind)
