"""The demo portal's HTTP/1.1 server: asyncio, keep-alive, controllable down to the byte.

A hand-written protocol rather than http.server: it must answer thousands of requests per
second on loopback (so a crawler benchmark measures the crawler, not the server) and must be
able to misbehave precisely: stall, announce a length and send less, reset, stream 20 MB.
``DemoServer`` runs it in a background thread (``in_process=True``) or in a child process
(``python -m newsarchive.demo serve``), and offers the same control API either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from newsarchive.demo.portal import DemoPortal
from newsarchive.demo.site import Response, Site

LOOPBACK = ("127.0.0.1", "localhost")
MAX_HEAD = 64 * 1024
CONTROL = "/_control/"
START_TIMEOUT = 30.0


class _BadRequest(Exception):
    pass


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


class Engine:
    """Everything behind the sockets: the site, the request log, the live connections."""

    def __init__(self, portal: DemoPortal) -> None:
        self.portal = portal
        self.site = Site(portal)
        self.log: list[tuple[str, str]] = []
        self.connections: set[_Http] = set()
        self.tasks: set[asyncio.Task] = set()
        self._date = ""
        self._date_at = 0.0

    @property
    def latency(self) -> float:
        return self.portal.latency_ms / 1000.0

    def date(self) -> str:
        now = time.time()
        if now - self._date_at >= 1.0:
            self._date = formatdate(now, usegmt=True)
            self._date_at = now
        return self._date

    def respond(self, request: Request) -> tuple[Response, bool]:
        """The response and whether it is a control answer (never delayed, never logged)."""
        if request.target.startswith(CONTROL):
            return self.control(request), True
        self.log.append((request.method, request.target))
        host = request.headers.get("host", "127.0.0.1")
        try:
            return self.site.handle(request.method, request.target, host, request.body), False
        except Exception:
            traceback.print_exc()
            return Response(500, b"internal error", "text/plain"), False

    def control(self, request: Request) -> Response:
        """``/_control/``: what DemoServer needs to drive a server in another process."""
        path, _, query = request.target.partition("?")
        params = {k: v[0] for k, v in parse_qs(query).items()}
        action = path[len(CONTROL):]
        result: Any
        if action == "ping":
            result = "ok"
        elif action == "log":
            result = self.log
        elif action == "reset_log":
            self.reset_log()
            result = "ok"
        elif action == "add_articles" and request.method == "POST":
            result = self.portal.add_articles(int(params.get("k", "1")))
        elif action == "edit_article" and request.method == "POST":
            result = self.portal.edit_article(int(params["index"]))
        elif action == "spec":
            result = self.portal.spec()
        else:
            return Response(404, b"unknown control action", "text/plain")
        return Response(200, json.dumps(result, ensure_ascii=False).encode(), "application/json")

    def reset_log(self) -> None:
        self.log.clear()
        self.site.reset_state()

    def head(self, response: Response, keep: bool, length: int | None, chunked: bool = False) -> bytes:
        lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}",
                 "Server: nginx", f"Date: {self.date()}"]
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        lines += [f"{k}: {v}" for k, v in response.headers]
        lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
        lines.append("Connection: keep-alive" if keep else "Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Http(asyncio.Protocol):
    """One client connection: parses pipelined requests and answers them in order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False
        self.closed = False
        self.writable = asyncio.Event()
        self.writable.set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.engine.connections.add(self)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.engine.connections.discard(self)
        self.writable.set()

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._serve()

    def _serve(self) -> None:
        assert self.transport is not None
        while not self.busy and not self.closed:
            try:
                request = self._next_request()
            except _BadRequest:
                self._finish(Response(400, b"bad request", "text/plain"), "GET", keep=False)
                return
            if request is None:
                return
            response, control = self.engine.respond(request)
            delay = 0.0 if control else self.engine.latency
            if response.plain and not delay:
                self._finish(response, request.method, request.keep_alive)
                continue
            self.busy = True
            task = asyncio.get_running_loop().create_task(self._slow(request, response, delay))
            self.engine.tasks.add(task)
            task.add_done_callback(self.engine.tasks.discard)

    def _finish(self, response: Response, method: str, keep: bool) -> None:
        """Send a whole response (and close the connection when not kept alive)."""
        assert self.transport is not None
        head = self.engine.head(response, keep, len(response.body))
        self.transport.write(head if method == "HEAD" else head + response.body)
        if not keep:
            self.transport.close()
            self.closed = True

    async def _slow(self, request: Request, response: Response, delay: float) -> None:
        assert self.transport is not None
        try:
            if delay + response.delay:
                await asyncio.sleep(delay + response.delay)
            if self.closed:
                return
            if response.reset:
                self._reset()
            elif response.stream is not None:
                await self._stream(request, response)
            elif response.cut is not None:
                head = self.engine.head(response, False, len(response.body))
                self.transport.write(head + response.body[: response.cut])
                self.transport.close()
                self.closed = True
            else:
                self._finish(response, request.method, request.keep_alive)
        finally:
            self.busy = False
        if not self.closed:
            self._serve()

    def _reset(self) -> None:
        assert self.transport is not None
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()
        self.closed = True

    async def _stream(self, request: Request, response: Response) -> None:
        assert self.transport is not None and response.stream is not None
        chunked = response.stream_length is None
        keep = request.keep_alive
        self.transport.write(self.engine.head(response, keep, response.stream_length, chunked))
        if request.method != "HEAD":
            for chunk in response.stream():
                if self.closed:
                    return
                self.transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                await self.writable.wait()
            if chunked:
                self.transport.write(b"0\r\n\r\n")
        if not keep:
            self.transport.close()
            self.closed = True

    def _next_request(self) -> Request | None:
        while self.buffer[:2] == b"\r\n":
            del self.buffer[:2]
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEAD:
                raise _BadRequest
            return None
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError as exc:
            raise _BadRequest from exc
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            raise _BadRequest
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError as exc:
            raise _BadRequest from exc
        total = end + 4 + length
        if len(self.buffer) < total:
            return None
        body = bytes(self.buffer[end + 4: total])
        del self.buffer[:total]
        if target.startswith(("http://", "https://")):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        connection = headers.get("connection", "").lower()
        keep = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        return Request(method.upper(), target, headers, body, keep)


async def start_server(engine: Engine, host: str, port: int) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Http(engine), host, port, backlog=1024,
                                    reuse_address=True)


async def close_server(server: asyncio.Server, engine: Engine) -> None:
    server.close()
    for conn in list(engine.connections):
        if conn.transport is not None:
            conn.transport.abort()
    for task in list(engine.tasks):
        task.cancel()
    await asyncio.gather(*engine.tasks, return_exceptions=True)
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.wait_closed(), 5)


def _project_root() -> str:
    import newsarchive

    return str(Path(newsarchive.__file__).resolve().parent.parent)


class DemoServer:
    """Serve a DemoPortal on loopback, in a background thread or in a child process.

    Use as a context manager; ``base_url`` is known once started. ``request_log()`` lists the
    (method, target) pairs served, ``reset_log()`` clears it and makes flaky pages fail again.
    ``add_articles``/``edit_article`` change what is served (and the portal's truth) and
    return absolute URLs.
    """

    def __init__(self, portal: DemoPortal | None = None, host: str = "127.0.0.1", port: int = 0,
                 in_process: bool = True) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the demo portal only binds loopback, not {host!r}")
        self.portal = portal if portal is not None else DemoPortal()
        self.host = "127.0.0.1" if host == "localhost" else host
        self.port = port
        self.in_process = in_process
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._base_url: str | None = None
        self.exit_code: int | None = None  # the child's exit status once stopped (0: clean)

    # ---- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        """The child process's id when ``in_process=False`` and running, else None."""
        return self._proc.pid if self._proc is not None else None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the server is not running")
        return self._base_url

    def start(self) -> None:
        if self._base_url is not None:
            return
        if self.in_process:
            self._start_thread()
        else:
            self._start_process()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(15)
            self._loop = self._thread = None
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self.exit_code = self._proc.returncode
            self._proc = None
        self._base_url = None

    def wait(self) -> None:
        """Block until the server stops (the child exits, or stop() is called elsewhere)."""
        if self._proc is not None:
            self._proc.wait()
        elif self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(0.5)

    def _start_thread(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()
        engine = Engine(self.portal)

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                server = loop.run_until_complete(start_server(engine, self.host, self.port))
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(close_server(server, engine))
                loop.close()

        self._thread = threading.Thread(target=run, name="demo-portal-server", daemon=True)
        self._thread.start()
        ready.wait(START_TIMEOUT)
        if failure:
            self._thread = None
            raise failure[0]
        self._loop, self._engine = loop, engine
        self._base_url = f"http://{self.host}:{self.port}"

    def _start_process(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_project_root(), env.get("PYTHONPATH")) if p)
        cmd = [sys.executable, "-m", "newsarchive.demo", "serve", "--host", self.host,
               "--port", str(self.port), "--spec", json.dumps(self.portal.spec())]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                      env=env, text=True)
        lines: queue.Queue[str] = queue.Queue()
        assert self._proc.stdout is not None
        reader = threading.Thread(target=lambda: lines.put(self._proc.stdout.readline()),  # type: ignore[union-attr]
                                  daemon=True)
        reader.start()
        try:
            line = lines.get(timeout=START_TIMEOUT).strip()
        except queue.Empty:
            line = ""
        if not line.startswith("http://"):
            self.stop()
            if line.startswith("error:"):  # the child could not bind: same error as in-process
                raise OSError(line.removeprefix("error:").strip())
            raise RuntimeError(f"demo portal process did not start (said {line!r})")
        self._base_url = line
        self.port = int(line.rsplit(":", 1)[1])
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self._control("GET", "ping")
                return
            except OSError:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.05)

    # ---- control ------------------------------------------------------------------------------

    def _control(self, method: str, action: str, **params: object) -> Any:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"{self.base_url}{CONTROL}{action}" + (f"?{query}" if query else "")
        request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))

    def _in_loop(self, fn: Any) -> Any:
        assert self._loop is not None

        async def call() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(30)

    def request_log(self) -> list[tuple[str, str]]:
        """(method, target) of every request served since the last reset, in order."""
        if self.in_process:
            assert self._engine is not None
            return list(self._engine.log)
        return [(m, t) for m, t in self._control("GET", "log")]

    def reset_log(self) -> None:
        """Clear the request log and the per-page hit counts (flaky pages fail again)."""
        if self.in_process:
            assert self._engine is not None
            self._in_loop(self._engine.reset_log)
        else:
            self._control("POST", "reset_log")

    def add_articles(self, k: int) -> list[str]:
        """Publish ``k`` new articles; returns their absolute URLs."""
        if self.in_process:
            paths = self._in_loop(lambda: self.portal.add_articles(k))
        else:
            paths = self._control("POST", "add_articles", k=k)
            self.portal.add_articles(k)
        return [self.base_url + p for p in paths]

    def edit_article(self, index: int) -> str:
        """Revise article ``index`` (creation order); returns its absolute URL."""
        if self.in_process:
            path = self._in_loop(lambda: self.portal.edit_article(index))
        else:
            path = self._control("POST", "edit_article", index=index)
            self.portal.edit_article(index)
        return self.base_url + path
