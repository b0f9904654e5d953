"""An Atom feed (RFC 4287, built with feedgen) of new stubs that curators can subscribe to.

Each entry links to the report it came from (rel="alternate", the Reference URL
the stub cites) and to its public archive when there is one (rel="related":
RFC 4287 allows one alternate per media type), and carries the stub's summary
and removed-account counts. Rewritten atomically, mode 0644, on every change.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from archive.catalogue import Catalogue
from scraper.files import PUBLIC_MODE, atomic_write

from .store import load_listing

FEED_ID = "urn:takedowns:stubs"
AUTHOR = "takedown-archiver"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def write_feed(catalogue: Catalogue, path: Path, self_url: str = "") -> Path:
    """Write the feed of the newest 200 new stubs to `path`; `self_url` is where it is served (else a file: URL)."""
    from feedgen.feed import FeedGenerator  # lxml: not imported by commands that never write the feed

    with catalogue.session() as s:
        listing = load_listing(s, ("new",), newest=200)
    stubs = sorted(listing.stubs, key=lambda st: (st.updated_at, st.id), reverse=True)
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
        refs = listing.references(stub)
        for ref in refs:
            fe.link(href=ref.url, rel="alternate" if ref is refs[0] else "related", type="text/html", title=ref.title or None)
            archive = listing.link(ref.url)
            if archive.startswith("http"):
                fe.link(href=archive, rel="related", title="public archive")
        text = entry_text(stub.summary, stub.counts or {})
        fe.summary(stub.summary or stub.name)
        fe.content(text, type="text")
    data = fg.atom_str(pretty=True)
    atomic_write(path, lambda tmp: tmp.write_bytes(data), PUBLIC_MODE)
    return path


def entry_text(summary: str, counts: dict[str, int]) -> str:
    """The stub page's summary followed by one line per removed-asset count."""
    lines = [summary.strip()] if summary.strip() else []
    if counts:
        lines.append("Removed: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(counts.items())))
    return "\n\n".join(lines) or "(no summary yet)"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
