"""One loopback HTTP server for tests, benchmarks and the demo.

Every fixture site (the tests' `SiteServer`, the fault and Wayback fakes, the
benchmarks' publisher sites, the demo's static server) is this server: a
threaded HTTP/1.1 `http.server` bound to a loopback address on a free port,
started in a daemon thread and shut down by `close()` or the `with` block. A
site gives either a `respond(request) -> Answer` function (most sites) or its
own `QuietHandler` subclass (fakes that must misbehave on the socket itself).
Not for serving anything beyond 127.0.0.0/8: it is a development tool.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent: path and query
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == name), None)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Respond = Callable[[Request], Answer]


def conditional(request: Request, answer: Answer) -> Answer:
    """`answer` with an ETag; a 304 with no body when the request's If-None-Match matches it."""
    if answer.status != 200:
        return answer
    etag = '"' + hashlib.sha256(answer.body).hexdigest()[:16] + '"'
    headers = {**answer.headers, "ETag": etag}
    if request.header("If-None-Match") == etag:
        return Answer(304, b"", {k: v for k, v in headers.items() if k.lower() != "content-type"})
    return Answer(answer.status, answer.body, headers)


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive, no access log on stderr, and `answer()` to send a whole reply."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server API)
        pass

    def answer(self, reply: Answer) -> None:
        self.send_response(reply.status)
        headers = {"Content-Length": str(len(reply.body)), **reply.headers}
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if reply.body and self.command != "HEAD":
            self.wfile.write(reply.body)


def _handler_for(respond: Respond) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self.answer(respond(Request(self.command, self.path, dict(self.headers.items()), body)))

        do_GET = do_HEAD = do_POST = _serve  # noqa: N815 (http.server API)

    return Handler


class LoopbackServer:
    """A threaded HTTP server on `host` (a loopback address) and a free port, run in a daemon thread."""

    def __init__(
        self,
        site: Respond | type[BaseHTTPRequestHandler],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "loopback-site",
    ):
        handler = site if isinstance(site, type) else _handler_for(site)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=name, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def start(self) -> LoopbackServer:
        if not self.thread.is_alive():
            self.thread.start()
        return self

    def close(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
