"""A small website on 127.0.0.1 for the crawl tests: routes by path, ETags and 304s, and a log of every request
the server received (the tests assert on it, never on the crawler's own account)."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Request:
    """One request as the server saw it."""

    at: float  # time.monotonic() on arrival
    path: str  # with its query string
    headers: dict[str, str]
    status: int = 0  # what the server answered

    @property
    def host(self) -> str:
        return self.headers.get("Host", "")


@dataclass
class Route:
    """What a path answers: a status, a body and headers; an ETag makes it answer 304 to If-None-Match."""

    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    gzip: bool = False  # sent with Content-Encoding: gzip

    def data(self) -> bytes:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return gzip.compress(body) if self.gzip else body


Handler = Callable[[BaseHTTPRequestHandler], None]  # a route that writes its own answer


class Site:
    """A ThreadingHTTPServer on a free loopback port serving `routes` (path without query → Route or Handler)."""

    def __init__(self, routes: dict[str, Route | Handler] | None = None):
        self.routes: dict[str, Route | Handler] = dict(routes or {})
        self.log: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class Handle(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
                pass

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                self.entry.status = int(code) if str(code).isdigit() else 0

            def do_GET(self) -> None:  # noqa: N802 (the base class's name)
                self.entry = Request(time.monotonic(), self.path, dict(self.headers.items()))
                with site._lock:
                    site.log.append(self.entry)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
                    site.answer(self)  # the crawler may hang up on purpose (too big, too slow)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(urlsplit(request.path).path)
        if callable(route):
            route(request)
            return
        if route is None:
            route = Route("<h1>Not found</h1>", status=404)
        if route.etag and request.headers.get("If-None-Match") == route.etag:
            request.send_response(304)
            request.send_header("ETag", route.etag)
            request.end_headers()
            return
        data = route.data()
        request.send_response(route.status)
        request.send_header("Content-Type", route.content_type)
        request.send_header("Content-Length", str(len(data)))
        if route.etag:
            request.send_header("ETag", route.etag)
        if route.gzip:
            request.send_header("Content-Encoding", "gzip")
        for name, value in route.headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def paths(self) -> list[str]:
        """The paths requested, in order."""
        return [r.path for r in self.log]

    def clear(self) -> None:
        with self._lock:
            self.log.clear()


def page(title: str, *paragraphs: str, links: tuple[str, ...] = (), head: str = "", footer: str = "") -> str:
    """An HTML page of a clinic's site: a nav of `links`, an article of `paragraphs`, a footer."""
    nav = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body><nav><ul>{nav}</ul></nav><main><article><h1>{title}</h1>{body}</article></main>"
            f"<footer>{footer}</footer></body></html>")


def redirect(target: str, status: int = 301) -> Handler:
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def slow(seconds: float, body: bytes = b"<html><body>late</body></html>") -> Handler:
    """Answers only after `seconds`."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


def trickle(interval: float, chunks: int) -> Handler:
    """Answers at once, then sends its body a few bytes at a time: each read is quick, the whole is not."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        request.wfile.write(b"<html><body>")
        for _ in range(chunks):
            time.sleep(interval)
            request.wfile.write(b"<p>drip</p>")
            request.wfile.flush()

    return handle


def endless(size: int, chunk: bytes = b"<p>" + b"x" * 65530 + b"</p>", declare: bool = False) -> Handler:
    """An HTML body of `size` bytes, streamed (and declared in Content-Length when `declare`)."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        if declare:
            request.send_header("Content-Length", str(size))
        request.end_headers()
        sent = 0
        while sent < size:
            request.wfile.write(chunk)
            sent += len(chunk)

    return handle


def gzip_bomb(megabytes: int) -> bytes:
    """`megabytes` MB of zeros, gzip-compressed (about a thousandth of the size), made a megabyte at a time."""
    def parts() -> Iterator[bytes]:
        zeros = b"\0" * 1048576
        for _ in range(megabytes):
            yield zeros

    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(packer.compress(p) for p in parts()) + packer.flush()
