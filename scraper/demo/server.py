"""A small static web server for the demo's publisher sites (and the soak benchmark).

Serves a folder on 127.0.0.1 with `{base}` in XML feeds replaced by the
server's own address, ETag / Last-Modified validators and 304 answers, so the
daemon's conditional GETs behave as against a real WordPress site.
"""

from __future__ import annotations

import mimetypes
import threading
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scraper.devserver import Answer, LoopbackServer, Request, conditional

SITES = Path(__file__).resolve().parent / "sites"
NOT_FOUND = Answer(404, b"<html><body>not found</body></html>", {"Content-Type": "text/html; charset=utf-8"})


class DemoServer(LoopbackServer):
    def __init__(self, root: Path = SITES, port: int = 0):
        self.root = root.resolve()
        self.hits = 0
        self._lock = threading.Lock()
        self._started = formatdate(usegmt=True)
        super().__init__(self.respond, port=port, name="demo-sites")

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

    def respond(self, request: Request) -> Answer:
        with self._lock:
            self.hits += 1
        found = self.body(urlsplit(request.path).path)
        if found is None:
            return NOT_FOUND
        data, ctype = found
        return conditional(request, Answer(200, data, {"Content-Type": ctype, "Last-Modified": self._started}))

    def start(self) -> DemoServer:
        super().start()
        return self

    def stop(self) -> None:
        self.close()

    def __enter__(self) -> DemoServer:
        return self.start()
