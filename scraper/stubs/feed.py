"""An Atom feed (RFC 4287, written with lxml) of new stubs that curators can subscribe to.

Each entry links to the report it came from (rel="alternate", the first Reference URL
the stub cites), to its other reports and to their public archives when there are any
(rel="related": RFC 4287 allows one alternate per media type and language), and carries
the stub's summary and removed-account counts. Every link names its rel (feedgen 1.0.0,
used before, dropped rel, type and title from entry links, so each entry had several
implicit alternates). The feed's self link is its public URL (`[stubs] feed_url`; the
desk serves it at /feed.atom). Rewritten atomically, mode 0644, on every change (a poll:
at its first change, then at most every few seconds and at its end, `FeedRefresher`).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.tables import ArchiveJob, Capture, Stub, StubReference
from scraper.errors import describe
from scraper.files import PUBLIC_MODE, atomic_write
from scraper.stagetimes import timed

log = logging.getLogger("takedowns.stubs")

ATOM = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:takedowns:stubs"
AUTHOR = "takedown-archiver"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NEWEST = 200


@dataclass
class Entry:
    """What one feed entry shows of a stub: its references as (url, title), archive links by URL."""

    stub_id: str
    name: str
    summary: str
    counts: dict[str, int]
    updated_at: datetime
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (url, title, media type or "")


def entries(s: Session, newest: int = NEWEST) -> tuple[list[Entry], dict[str, str]]:
    """The newest `newest` new stubs, newest first, and the public-archive link of each cited URL.

    Three queries of plain columns: the feed is rewritten on every stub change, so
    it reads only what it prints (no ORM objects, no notes, no techniques).
    """
    ids = select(Stub.id).where(Stub.status == "new").order_by(Stub.updated_at.desc(), Stub.id.desc()).limit(newest)
    by_pk = {
        pk: Entry(stub_id, name, summary, counts or {}, updated_at)
        for pk, stub_id, name, summary, counts, updated_at in s.execute(
            select(Stub.id, Stub.stub_id, Stub.name, Stub.summary, Stub.counts, Stub.updated_at).where(Stub.id.in_(ids))
        )
    }
    for pk, url, title, content_type in s.execute(
        select(StubReference.stub_pk, StubReference.url, StubReference.title, Capture.content_type)
        .outerjoin(Capture, Capture.id == StubReference.capture_id)
        .where(StubReference.stub_pk.in_(ids))
        .order_by(StubReference.id)
    ):
        by_pk[pk].refs.append((url, title, media_type(content_type)))
    links: dict[str, str] = {}
    cited = select(StubReference.url).where(StubReference.stub_pk.in_(ids))
    for url, link in s.execute(
        select(ArchiveJob.url, ArchiveJob.archive_link)
        .where(ArchiveJob.status == "success", ArchiveJob.archive_link.is_not(None), ArchiveJob.url.in_(cited))
        .order_by(ArchiveJob.id)
    ):
        if link is not None:  # never, by the query; tells the type checker
            links[url] = link  # the newest success wins, as in store.archive_link_for
    ordered = sorted(by_pk.items(), key=lambda kv: (kv[1].updated_at, kv[0]), reverse=True)
    return [entry for _, entry in ordered], links


def media_type(content_type: str | None) -> str:
    """'text/html; charset=utf-8' -> 'text/html' (a link's type attribute); '' when unknown."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def feed_xml(stubs: list[Entry], links: dict[str, str], self_url: str) -> bytes:
    """The Atom document of `stubs` (newest first), `self_url` its public address."""
    from lxml import etree  # not imported by commands that never write the feed

    def add(parent, name: str, text: str | None = None, **attrs: str):
        element = etree.SubElement(parent, f"{{{ATOM}}}{name}", {k: v for k, v in attrs.items() if v})
        if text is not None:
            element.text = text
        return element

    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    add(feed, "id", FEED_ID)
    add(feed, "title", "takedown-archiver: new incident stubs")
    add(feed, "updated", _stamp(max((_utc(st.updated_at) for st in stubs), default=EPOCH)))
    add(add(feed, "author"), "name", AUTHOR)
    add(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    add(feed, "generator", "takedown-archiver")
    for stub in stubs:
        entry = add(feed, "entry")
        add(entry, "id", f"urn:takedowns:stub:{stub.stub_id}")
        add(entry, "title", f"{stub.stub_id}: {stub.name}")
        add(entry, "updated", _stamp(_utc(stub.updated_at)))
        for n, (url, title, kind) in enumerate(stub.refs):
            add(entry, "link", href=url, rel="alternate" if n == 0 else "related", type=kind, title=title)
            archive = links.get(url, "pending")
            if archive.startswith("http"):
                add(entry, "link", href=archive, rel="related", type="text/html", title="public archive")
        add(entry, "summary", stub.summary or stub.name, type="text")
        add(entry, "content", entry_text(stub.summary, stub.counts or {}), type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_feed(catalogue: Catalogue, path: Path, self_url: str) -> Path:
    """Write the feed of the newest 200 new stubs to `path`; `self_url` is where it is served."""
    with catalogue.session() as s:
        stubs, links = entries(s)
    data = feed_xml(stubs, links, self_url)
    atomic_write(path, lambda tmp: tmp.write_bytes(data), PUBLIC_MODE)
    return path


@dataclass
class FeedRefresher:
    """Rewrites the feed for a pass that changes many stubs: at the first change, then at most
    once per `interval` seconds, and at `flush()` (the end of the pass). Rewriting it for each
    of 200 new stubs cost more than a fifth of a poll's time (bench/pipeline.py). A pass killed
    between rewrites leaves the feed a few stubs behind until the next rewrite or the daemon's
    housekeeping; the stubs themselves are committed."""

    catalogue: Catalogue
    path: Path
    self_url: str
    interval: float = 5.0
    _pending: bool = False
    _written_at: float = -math.inf

    def changed(self) -> None:
        self._pending = True
        if time.monotonic() - self._written_at >= self.interval:
            self.flush()

    def flush(self) -> None:
        """Write the feed if a change is not in it yet; a failure is logged (the next rewrite repairs it)."""
        if not self._pending:
            return
        self._pending, self._written_at = False, time.monotonic()
        try:
            with timed("feed", cpu=True):
                write_feed(self.catalogue, self.path, self.self_url)
        except (OSError, SQLAlchemyError) as exc:
            self._pending = True
            log.error("could not rewrite the stub feed %s: %s", self.path, describe(exc))


def entry_text(summary: str, counts: dict[str, int]) -> str:
    """The stub page's summary followed by one line per removed-asset count."""
    lines = [summary.strip()] if summary.strip() else []
    if counts:
        lines.append("Removed: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(counts.items())))
    return "\n\n".join(lines) or "(no summary yet)"


def _stamp(value: datetime) -> str:
    """An RFC 3339 date-time in UTC, as RFC 4287 wants it (3.3)."""
    return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
