"""Thin adapter between the daemon and discovery (`scraper.discover`, issue 6).

The daemon needs, per enabled source, a name and a schedule, and a way to run
one discovery + processing pass. Discovery owns the `[sources.<name>]` tables
and `poll_source`; this module only translates, so either side can change
without the other noticing.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scraper.config import Config
from scraper.errors import UserError
from scraper.schedule import Schedule

if TYPE_CHECKING:  # SQLAlchemy and httpx cost start-up time; `status` loads this module without fetching
    from archive.catalogue import Catalogue
    from scraper.fetch.browser import SharedBrowser
    from scraper.fetch.client import HttpClient


@dataclass(frozen=True)
class ScheduledSource:
    name: str
    schedule: Schedule
    kind: str = ""
    org: str | None = None
    spec: Any = field(default=None, compare=False, repr=False)  # discovery's own source object


@dataclass(frozen=True)
class PollSummary:
    items_found: int
    errors: int
    error: str | None  # a message when the poll as a whole failed (source error)


Poller = Callable[[Config, "Catalogue", "HttpClient", ScheduledSource], Awaitable[PollSummary]]


class DiscoveryMissing(UserError):
    """This build has no `scraper.discover` package."""


def load_sources(config: Config) -> list[ScheduledSource]:
    """Every enabled source in the config (its schedule parsed when discovery validated it)."""
    try:
        from scraper.discover.sources import load_sources as discover_sources
    except ImportError as exc:
        raise DiscoveryMissing(
            f"source discovery is not part of this build ({exc}); install a complete takedown-archiver to run the daemon"
        ) from None

    found = []
    for spec in discover_sources(config):
        if not getattr(spec, "enabled", True):
            continue
        name = spec.name
        found.append(
            ScheduledSource(
                name=name,
                schedule=spec.schedule,
                kind=getattr(spec, "kind", ""),
                org=getattr(spec, "org", None),
                spec=spec,
            )
        )
    return found


async def poll(
    config: Config,
    catalogue: Catalogue,
    client: HttpClient,
    source: ScheduledSource,
    *,
    browser: SharedBrowser | None = None,
) -> PollSummary:
    """One pass of discovery's `poll_source`, summarised for the run table (`browser`: for `render = true` sources)."""
    from scraper.discover.poll import poll_source

    pending: Any = poll_source(config, catalogue, client, source.spec, browser=browser)
    result = await pending if inspect.isawaitable(pending) else pending
    return summarise(result)


def summarise(result: Any) -> PollSummary:
    """Read counts off discovery's PollResult without depending on its exact shape."""
    items = _first_int(result, ("items_found", "found", "new_items", "captured"))
    errors = getattr(result, "errors", 0)
    error_count = len(errors) if isinstance(errors, (list, tuple, set)) else int(errors or 0)
    error = getattr(result, "source_error", None) or getattr(result, "error", None)
    return PollSummary(items_found=items, errors=error_count, error=str(error) if error else None)


def _first_int(obj: Any, names: tuple[str, ...]) -> int:
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, (list, tuple, set)):
            return len(value)
        if isinstance(value, int):
            return value
    return 0
