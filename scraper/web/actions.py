"""The desk's state changes: the stub review state machine (scraper/stubs/review.py), and the feed.

Every action refreshes the Atom feed, exactly as the `stubs` commands do.
"""

from __future__ import annotations

from typing import Any

from archive.catalogue import Catalogue
from scraper.config import Config
from scraper.stubs import StubSettings, review, rewrite_feed
from scraper.stubs.review import Decision
from scraper.stubs.urls import master_ids


def _done(config: Config, catalogue: Catalogue, decision: Decision) -> Decision:
    rewrite_feed(config, catalogue)
    return decision


def _master_ids(config: Config) -> frozenset[str]:
    return master_ids(StubSettings.from_config(config).disarm_master)


def accept(config: Config, catalogue: Catalogue, stub_id: str, disarm_id: str | None) -> Decision:
    return _done(config, catalogue, review.accept(catalogue, stub_id, disarm_id or None, _master_ids(config)))


def reject(config: Config, catalogue: Catalogue, stub_id: str, reason: str) -> Decision:
    return _done(config, catalogue, review.reject(catalogue, stub_id, reason))


def merge(config: Config, catalogue: Catalogue, keep_id: str, other_id: str) -> Decision:
    return _done(config, catalogue, review.merge(catalogue, keep_id, other_id))


def split(config: Config, catalogue: Catalogue, stub_id: str) -> Decision:
    settings = StubSettings.from_config(config)
    return _done(
        config, catalogue, review.split(catalogue, stub_id, id_prefix=settings.id_prefix, found_via=settings.found_via)
    )


def reopen(config: Config, catalogue: Catalogue, stub_id: str) -> Decision:
    """Back to new: a merged stub is unmerged (its references come back), a decided one reopened."""
    with catalogue.session() as s:
        merged = review.get_stub(s, stub_id).status == "merged"
    return _done(config, catalogue, (review.unmerge if merged else review.reopen)(catalogue, stub_id))


def edit(config: Config, catalogue: Catalogue, stub_id: str, values: dict[str, Any]) -> Decision:
    return _done(config, catalogue, review.edit(catalogue, stub_id, values))
