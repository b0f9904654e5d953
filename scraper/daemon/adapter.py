"""Thin adapter between the daemon and discovery (`scraper.discover`, issue 6).

The daemon needs, per enabled source, a name and a schedule, and a way to run
one discovery + processing pass. Discovery owns the `[sources.<name>]` tables
and `poll_source`; this module only translates. The pass itself is run by the
scheduler (`scheduler.poll`): `status` loads this module, and must not load the
fetching and capturing that a pass needs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scraper.config import Config
from scraper.discover.candidate import Source
from scraper.discover.sources import load_sources as discover_sources
from scraper.schedule import Schedule

if TYPE_CHECKING:  # SQLAlchemy and httpx cost start-up time; `status` loads this module without fetching
    from archive.catalogue import Catalogue
    from scraper.fetch.client import HttpClient


@dataclass(frozen=True)
class ScheduledSource:
    name: str
    schedule: Schedule
    kind: str = ""
    org: str | None = None
    spec: Source | None = field(default=None, compare=False, repr=False)  # discovery's own source object


@dataclass(frozen=True)
class PollSummary:
    items_found: int
    errors: int
    error: str | None  # a message when the poll as a whole failed (source error)


Poller = Callable[[Config, "Catalogue", "HttpClient", ScheduledSource], Awaitable[PollSummary]]


def load_sources(config: Config) -> list[ScheduledSource]:
    """Every enabled source in the config (its schedule parsed when discovery validated it)."""
    found = []
    for spec in discover_sources(config):
        if not spec.enabled:
            continue
        name = spec.name
        found.append(
            ScheduledSource(
                name=name,
                schedule=spec.schedule,
                kind=spec.kind,
                org=spec.org,
                spec=spec,
            )
        )
    return found
