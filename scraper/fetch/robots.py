"""robots.txt per host (protego), cached with a TTL.

A missing robots.txt (4xx) allows everything; a server error (5xx) disallows
for the moment, as RFC 9309 asks. A network failure is the fetch's failure.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego


@dataclass
class RobotsVerdict:
    allowed: bool
    reason: str = ""
    crawl_delay: float | None = None


@dataclass
class _Entry:
    parser: Protego | None  # None: unreachable, disallow all
    fetched_at: float


class RobotsCache:
    def __init__(self, user_agent: str, ttl: float, fetch_text: Callable[[str], Awaitable[tuple[int, str]]]):
        self.user_agent = user_agent
        self.ttl = ttl
        self._fetch_text = fetch_text
        self._entries: dict[str, _Entry] = {}

    @staticmethod
    def robots_url(url: str) -> str:
        p = urlsplit(url)
        return f"{p.scheme}://{p.netloc}/robots.txt"

    async def check(self, url: str) -> RobotsVerdict:
        robots_url = self.robots_url(url)
        entry = self._entries.get(robots_url)
        if entry is None or time.monotonic() - entry.fetched_at > self.ttl:
            entry = await self._load(robots_url)
            self._entries[robots_url] = entry
        if entry.parser is None:
            return RobotsVerdict(False, f"{robots_url} could not be fetched")
        if not entry.parser.can_fetch(url, self.user_agent):
            return RobotsVerdict(False, f"disallowed by {robots_url}")
        return RobotsVerdict(True, crawl_delay=entry.parser.crawl_delay(self.user_agent))

    async def _load(self, robots_url: str) -> _Entry:
        status, text = await self._fetch_text(robots_url)  # network failures propagate (and are retried)
        if status >= 500:
            return _Entry(None, time.monotonic())
        if status >= 400:
            return _Entry(Protego.parse(""), time.monotonic())
        return _Entry(Protego.parse(text), time.monotonic())
