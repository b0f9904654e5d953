"""An Atom feed (RFC 4287, built with feedgen) of new stubs that curators can subscribe to.

Each entry links to the report it came from (rel="alternate", the Reference URL
the stub cites) and to its public archive when there is one (rel="related":
RFC 4287 allows one alternate per media type), and carries the stub's summary
and removed-account counts. Rewritten atomically, mode 0644, on every change (a poll:
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
from archive.tables import ArchiveJob, Stub, StubReference
from scraper.errors import describe
from scraper.files import PUBLIC_MODE, atomic_write
from scraper.stagetimes import timed

log = logging.getLogger("takedowns.stubs")

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
    refs: list[tuple[str, str]] = field(default_factory=list)


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
    for pk, url, title in s.execute(
        select(StubReference.stub_pk, StubReference.url, StubReference.title).where(StubReference.stub_pk.in_(ids)).order_by(StubReference.id)
    ):
        by_pk[pk].refs.append((url, title))
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


def write_feed(catalogue: Catalogue, path: Path, self_url: str = "") -> Path:
    """Write the feed of the newest 200 new stubs to `path`; `self_url` is where it is served (else a file: URL)."""
    from feedgen.feed import FeedGenerator  # lxml: not imported by commands that never write the feed

    with catalogue.session() as s:
        stubs, links = entries(s)
    fg = FeedGenerator()
    fg.id(FEED_ID)
    fg.title("takedown-archiver: new incident stubs")
    fg.author({"name": AUTHOR})
    fg.link(href=self_url or path.resolve().as_uri(), rel="self", type="application/atom+xml")
    fg.updated(max((_utc(st.updated_at) for st in stubs), default=EPOCH))
    for stub in stubs:
        fe = fg.add_entry(order="append")
        fe.id(f"urn:takedowns:stub:{stub.stub_id}")
        fe.title(f"{stub.stub_id}: {stub.name}")
        fe.updated(_utc(stub.updated_at))
        for n, (url, title) in enumerate(stub.refs):
            fe.link(href=url, rel="alternate" if n == 0 else "related", type="text/html", title=title or None)
            archive = links.get(url, "pending")
            if archive.startswith("http"):
                fe.link(href=archive, rel="related", title="public archive")
        text = entry_text(stub.summary, stub.counts or {})
        fe.summary(stub.summary or stub.name)
        fe.content(text, type="text")
    data = fg.atom_str(pretty=True)
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
                write_feed(self.catalogue, self.path)
        except (OSError, SQLAlchemyError) as exc:
            self._pending = True
            log.error("could not rewrite the stub feed %s: %s", self.path, describe(exc))


def entry_text(summary: str, counts: dict[str, int]) -> str:
    """The stub page's summary followed by one line per removed-asset count."""
    lines = [summary.strip()] if summary.strip() else []
    if counts:
        lines.append("Removed: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(counts.items())))
    return "\n\n".join(lines) or "(no summary yet)"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
