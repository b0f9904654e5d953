"""A feed-only stand-in for discovery (`scraper.discover`, issue 6), used ONLY when it is absent.

The daemon tests exercise the daemon: scheduling, run state, signals, kills,
locking. They need some discovery behind it; once the real `scraper.discover`
is part of the build, `launch.py` uses it and this module is not loaded.
It follows the interface the daemon's adapter expects: `load_sources(config)`
and an idempotent `poll_source(config, catalogue, client, source)`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import feedparser
from sqlalchemy import select

from archive.tables import Capture
from scraper.errors import FetchError
from scraper.pipeline import capture_url

log = logging.getLogger("takedowns.discover")


@dataclass
class Source:
    name: str
    kind: str
    url: str
    schedule: str
    enabled: bool = True
    org: str | None = None


@dataclass
class PollResult:
    items_found: int = 0
    errors: list[str] = field(default_factory=list)
    source_error: str | None = None


def load_sources(config) -> list[Source]:
    return [
        Source(name=name, kind=t.get("kind", "feed"), url=t["url"], schedule=t.get("schedule", "6h"), enabled=t.get("enabled", True), org=t.get("org"))
        for name, t in config.section("sources").items()
    ]


async def poll_source(config, catalogue, client, source: Source) -> PollResult:
    result = PollResult()
    try:
        feed = await client.fetch(source.url)
    except FetchError as exc:
        result.source_error = str(exc)
        return result
    if feed.status != 200:
        result.source_error = f"{source.url} answered HTTP {feed.status}"
        return result
    for entry in feedparser.parse(feed.content).entries:
        result.items_found += 1
        with catalogue.session() as s:
            if s.scalar(select(Capture.id).where(Capture.url == entry.link).limit(1)) is not None:
                continue  # already captured: a poll after a kill picks up where it stopped
        try:
            log.info("capturing report", extra={"url": entry.link})
            await capture_url(config, catalogue, client, entry.link)
        except FetchError as exc:
            result.errors.append(str(exc))
    return result
