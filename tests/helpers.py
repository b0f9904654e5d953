"""Helpers shared by test modules (imported directly, not through conftest): a fixture site, assertions."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from scraper.devserver import Answer, LoopbackServer, Request

Route = Answer  # what a test sets for a path: status, body, headers
RouteFunction = Callable[[Request], Route]


class SiteServer(LoopbackServer):
    """A loopback site serving a folder, plus per-path overrides set by tests.

    `requests` logs (method, path, headers) of everything served, so tests can
    assert what the client really sent and how often.
    """

    def __init__(self, root: Path):
        self.root = root
        self.routes: dict[str, Route | RouteFunction] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        super().__init__(self.respond, name="test-site")

    def set(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        **headers: str,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(
            status, data, {"Content-Type": content_type, **{k.replace("_", "-"): v for k, v in headers.items()}}
        )

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def respond(self, request: Request) -> Route:
        self.requests.append((request.method, request.path, request.headers))
        path = urlsplit(request.path).path
        route = self.routes.get(request.path) or self.routes.get(path)
        if callable(route):
            return route(request)
        if route is not None:
            return route
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root.resolve()) or not file.is_file():
            return Route(404, b"<html><body>not found</body></html>", {"Content-Type": "text/html"})
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        return Route(200, file.read_bytes(), {"Content-Type": ctype})

    def __enter__(self) -> SiteServer:
        self.start()
        return self


# A log line as the text formatter writes it: "2026-01-01T00:00:00Z warning ...".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (debug|info|warning|error|critical)\s")


def message_lines(stderr: str) -> list[str]:
    """stderr without log lines (retries are logged at the default verbosity)."""
    return [line for line in stderr.splitlines() if line.strip() and not LOG_LINE.match(line)]


def assert_one_line_error(result, *fragments: str) -> str:
    """Non-zero exit, exactly one `error: ...` line, no traceback; returns the line."""
    assert result.exit_code != 0, result.stdout
    lines = message_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
