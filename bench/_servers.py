"""Loopback publisher sites for the benchmarks: many hosts (127.0.0.x), pages with ETags."""

from __future__ import annotations

from scraper.devserver import Answer, LoopbackServer, Request, conditional


def page(host: str, n: int) -> bytes:
    return (
        f"<html><head><title>Report {n} on {host}</title></head><body><article><h1>Report {n}</h1>"
        + f"<p>We removed {n + 3} Facebook accounts, {n % 7 + 1} Pages and {n % 5} Groups for coordinated inauthentic behavior.</p>" * 30
        + "</article></body></html>"
    ).encode()


class Site(LoopbackServer):
    """One host: /robots.txt and /r/<n>.html with ETag / If-None-Match support."""

    def __init__(self, host: str):
        self.statuses: list[int] = []
        super().__init__(self.respond, host=host, name=f"bench-site-{host}")
        self.start()

    def respond(self, request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        n = int(request.path.rsplit("/", 1)[-1].split(".")[0])
        reply = conditional(request, Answer(200, page(self.host, n), {"Content-Type": "text/html; charset=utf-8"}))
        self.statuses.append(reply.status)
        return reply

    def url(self, n: int) -> str:  # type: ignore[override]
        return f"{self.base}/r/{n}.html"
