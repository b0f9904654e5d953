"""Stub stage: Reports -> DISARM incident stubs for curators (pages, sheets, a feed, a queue)."""

from __future__ import annotations

from pathlib import Path

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.stagetimes import timed

from . import blocking, countries  # noqa: F401  (each registers its derived rows with .derived, kept in step by one hook)
from .feed import FeedRefresher, write_feed
from .settings import StubSettings
from .store import StubOutcome
from .store import update_stubs_for_report as _update


def update_stubs_for_report(
    config: Config,
    catalogue: Catalogue,
    capture_id: int,
    source_name: str | None = None,
    *,
    forced: bool = False,
    refresh_feed: bool = True,
) -> StubOutcome:
    """Create/extend/update the stub of the report of `capture_id`, then refresh the Atom feed
    (unless `refresh_feed` is False: a poll rewrites it once for many stubs, `feed_changed`)."""
    with timed("stub", cpu=True):  # synchronous: the poll runs it in a thread
        outcome = _update(config, catalogue, capture_id, source_name, forced=forced)
    if refresh_feed and feed_changed(outcome):
        with timed("feed", cpu=True):
            rewrite_feed(config, catalogue)
    return outcome


def rewrite_feed(config: Config, catalogue: Catalogue) -> Path:
    """Write the Atom feed where `[stubs]` says, with its configured public URL: after every stub change."""
    settings = StubSettings.from_config(config)
    return write_feed(catalogue, settings.feed_path, settings.feed_url)


def feed_refresher(config: Config, catalogue: Catalogue) -> FeedRefresher:
    """A `FeedRefresher` for a pass that changes many stubs (a poll), writing the configured feed."""
    settings = StubSettings.from_config(config)
    return FeedRefresher(catalogue, settings.feed_path, settings.feed_url)


def feed_changed(outcome: StubOutcome) -> bool:
    """Whether the Atom feed may show something new after this stub outcome."""
    return outcome.action in ("created", "merged", "updated")


__all__ = ["StubOutcome", "feed_changed", "feed_refresher", "rewrite_feed", "update_stubs_for_report"]
