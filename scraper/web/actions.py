"""The desk's state changes, as one thin adapter over the stub review functions.

Every action refreshes the Atom feed, exactly as the `stubs` commands do.
"""

from __future__ import annotations

from typing import Any

from archive.catalogue import Catalogue
from archive.tables import Stub
from scraper.config import Config
from scraper.stubs import StubSettings, store, write_feed


def _done(config: Config, catalogue: Catalogue, stub: Stub) -> Stub:
    write_feed(catalogue, StubSettings.from_config(config).feed_path)
    return stub


def accept(config: Config, catalogue: Catalogue, stub_id: str, disarm_id: str | None) -> Stub:
    return _done(config, catalogue, store.accept(catalogue, stub_id, disarm_id or None, StubSettings.from_config(config)))


def reject(config: Config, catalogue: Catalogue, stub_id: str, reason: str) -> Stub:
    return _done(config, catalogue, store.reject(catalogue, stub_id, reason))


def merge(config: Config, catalogue: Catalogue, keep_id: str, other_id: str) -> Stub:
    return _done(config, catalogue, store.merge(catalogue, keep_id, other_id))


def reopen(config: Config, catalogue: Catalogue, stub_id: str) -> Stub:
    return _done(config, catalogue, store.reopen(catalogue, stub_id))


def edit(config: Config, catalogue: Catalogue, stub_id: str, values: dict[str, Any]) -> Stub:
    return _done(config, catalogue, store.edit(catalogue, stub_id, values))
