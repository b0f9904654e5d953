"""A small static web server for the demo's publisher sites (and the soak benchmark).

Serves a folder on 127.0.0.1 with `{base}` in XML feeds replaced by the
server's own address, ETag / Last-Modified validators and 304 answers, so the
daemon's conditional GETs behave as against a real WordPress site.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITES = Path(__file__).resolve().parent / "sites"


class DemoServer:
    def __init__(self, root: Path = SITES, port: int = 0):
        self.root = root.resolve()
        self.hits = 0
        self._lock = threading.Lock()
        self._started = formatdate(usegmt=True)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="demo-sites", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def body(self, path: str) -> tuple[bytes, str] | None:
        """The bytes and content type served at `path`, or None for a 404."""
        file = (self.root / unquote(path).lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        data = file.read_bytes()
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix == ".xml":
            data = data.replace(b"{base}", self.base.encode())
            ctype = "application/rss+xml"
        return data, ctype + ("; charset=utf-8" if ctype.startswith("text/") or ctype.endswith("xml") else "")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                with server._lock:
                    server.hits += 1
                found = server.body(urlsplit(self.path).path)
                if found is None:
                    return self._send(404, b"<html><body>not found</body></html>", "text/html; charset=utf-8", {})
                data, ctype = found
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                validators = {"ETag": etag, "Last-Modified": server._started}
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", None, validators)
                self._send(200, data, ctype, validators)

            def _send(self, status: int, data: bytes, ctype: str | None, headers: dict[str, str]) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def start(self) -> DemoServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
