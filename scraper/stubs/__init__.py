"""Stub stage: Reports -> DISARM incident stubs for curators (pages, sheets, a feed, a queue)."""

from __future__ import annotations

from archive.catalogue import Catalogue
from scraper.config import Config

from . import countries  # noqa: F401  (registers the hook that keeps stub_countries in step)
from .feed import write_feed
from .settings import StubSettings
from .store import StubOutcome
from .store import update_stubs_for_report as _update


def update_stubs_for_report(config: Config, catalogue: Catalogue, capture_id: int, source_name: str | None = None, *,
                            forced: bool = False) -> StubOutcome:
    """Create/extend/update the stub of the report of `capture_id`, then refresh the Atom feed."""
    outcome = _update(config, catalogue, capture_id, source_name, forced=forced)
    if outcome.action in ("created", "merged", "updated"):
        write_feed(catalogue, StubSettings.from_config(config).feed_path)
    return outcome


__all__ = ["StubOutcome", "update_stubs_for_report"]
