"""What discovery reads and yields: a `[sources.<name>]` table as a `Source` (parsed and checked by
`scraper.discover.sources`), a candidate report URL, and the error a source raises when it changed shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scraper.errors import UserError
from scraper.schedule import Schedule, parse_schedule

DEFAULT_SCHEDULE = parse_schedule("6h")


class ShapeError(UserError):
    """The page or feed does not have the shape this source kind expects (a source error)."""


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str = ""
    summary: str = ""
    published: str | None = None  # ISO date, when the listing gives one
    repoll: bool = False  # fetch again even if seen (a page still being updated)
    optional: bool = False  # may not exist (a 404 is a normal answer, not an error)


@dataclass(frozen=True)
class Source:
    """A validated `[sources.<name>]` table, its schedule parsed."""

    name: str
    kind: str
    url: str
    schedule: Schedule = DEFAULT_SCHEDULE
    org: str | None = None
    enabled: bool = True
    keywords: tuple[str, ...] = ()
    url_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    respect_robots: bool = True
    render: bool = False  # capture its reports with the browser (scraper.fetch.browser)
    force_include: tuple[str, ...] = ()
    max_items: int = 200
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)
