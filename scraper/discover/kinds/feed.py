"""`feed`: an RSS or Atom feed; each entry with a link is a candidate."""

from __future__ import annotations

import re
import warnings
from datetime import date
from urllib.parse import urljoin

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, register

MAX_FEED_BYTES = 20 * 1024 * 1024


def feed(content: bytes, base_url: str) -> list[Candidate]:
    import feedparser  # parsers load when a source is read, not when `status` lists sources
    from bs4 import BeautifulSoup

    if len(content) > MAX_FEED_BYTES:
        raise ShapeError(f"feed larger than {MAX_FEED_BYTES} bytes")
    if re.search(rb"<!ENTITY", content, re.IGNORECASE):  # the whole document: a DTD can follow 4 KB of padding
        raise ShapeError("feed declares XML entities (possible entity bomb); refused")
    parsed = feedparser.parse(content)
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        raise ShapeError(f"feed has no entries{problem}")
    out = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (link_.get("href") for link_ in entry.get("links", []) if link_.get("href")), None
        )
        if not link:
            continue
        published = None
        with warnings.catch_warnings():  # feedparser warns when it maps updated_parsed to published_parsed
            warnings.simplefilter("ignore", DeprecationWarning)
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            try:
                published = date(*stamp[:3]).isoformat()
            except (TypeError, ValueError):
                published = None  # an invalid date never stops the item
        summary = BeautifulSoup(entry.get("summary", "") or "", "html.parser").get_text(" ", strip=True)
        out.append(Candidate(urljoin(base_url, link), entry.get("title", "") or "", summary[:2000], published))
    return out


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    return feed(await get(source.url), source.url)


KIND = register(Kind("feed", "an RSS or Atom feed", discover))
