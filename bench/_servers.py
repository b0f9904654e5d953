"""Loopback publisher sites for the benchmarks: many hosts (127.0.0.x), pages with ETags."""

from __future__ import annotations

from scraper.devserver import Answer, LoopbackServer, Request, conditional


def page(host: str, n: int) -> bytes:
    return (
        f"<html><head><title>Report {n} on {host}</title></head><body><article><h1>Report {n}</h1>"
        + (
            f"<p>We removed {n + 3} Facebook accounts, {n % 7 + 1} Pages and {n % 5} Groups"
            " for coordinated inauthentic behavior.</p>"
        )
        * 30
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


COUNTRIES = [
    "Iran",
    "Russia",
    "China",
    "Egypt",
    "Nigeria",
    "Mexico",
    "Brazil",
    "India",
    "Israel",
    "Turkey",
    "Vietnam",
    "Thailand",
]


def report_page(n: int) -> bytes:
    """A report in the phrasing of a platform's monthly summary; every 3 pages retell one takedown (one stub)."""
    g = n // 3
    country = COUNTRIES[g % len(COUNTRIES)]
    month = 1 + g % 12
    year = 2019 + (g // 12) % 5
    body = (
        f"<p>We removed {20 + g} Facebook accounts, {g % 9 + 1} Pages and {g % 4} Groups for violating our policy "
        f"against coordinated inauthentic behavior. This network originated in {country} and targeted domestic"
        " audiences.</p>"
        "<p>The people behind this activity used fake accounts to post about news and current events.</p>"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Network {n}: coordinated inauthentic behavior from {country}</title>"
        f"<meta property='article:published_time' content='{year}-{month:02d}-1{n % 10}T10:00:00+00:00'></head>"
        f"<body><article><h1>Network {n}: coordinated inauthentic behavior from"
        f" {country}</h1>{body}</article></body></html>"
    ).encode()


class Publisher(LoopbackServer):
    """A newsroom with one RSS feed listing `pages` report pages."""

    def __init__(self, pages: int):
        self.pages = pages
        super().__init__(self.respond, name="bench-kill-publisher")
        self.start()

    def respond(self, request: Request) -> Answer:
        if request.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        if request.path == "/feed.xml":
            items = "".join(
                f"<item><title>Network {n}: coordinated inauthentic"
                f" behavior</title><link>{self.base}/r/{n}.html</link><pubDate>Mon, 01 Feb 2021 10:00:00"
                " +0000</pubDate></item>"
                for n in range(self.pages)
            )
            feed = (
                "<?xml version='1.0'?><rss version='2.0'><channel><title>Newsroom</title>"
                f"<link>{self.base}/</link><description>n</description>{items}</channel></rss>"
            )
            return Answer(200, feed.encode(), {"Content-Type": "application/rss+xml"})
        n = int(request.path.rsplit("/", 1)[-1].split(".")[0])
        return Answer(200, report_page(n), {"Content-Type": "text/html; charset=utf-8"})
